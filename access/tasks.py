from celery import shared_task


@shared_task
def ping() -> str:
    """A do-nothing task: proves that a worker takes tasks from the broker and answers."""
    return "pong"
