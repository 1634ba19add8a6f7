from celery import shared_task

from privacy import retention


@shared_task
def propose_destruction_list() -> str | None:
    proposed = retention.destruction_list_propose()
    return proposed.reference if proposed else None
