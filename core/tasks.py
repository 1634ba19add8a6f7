from celery import shared_task

from core import outbox


@shared_task
def ping() -> str:
    """A do-nothing task: proves that a worker takes tasks from the broker and answers."""
    return "pong"


@shared_task
def flush_outbox() -> int:
    """Send the tasks kept while the broker was unreachable."""
    return outbox.flush_outbox()
