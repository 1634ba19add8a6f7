from celery import shared_task

from privacy import retention


@shared_task
def list_cases_due_for_retention() -> list[str]:
    return retention.notify_cases_due()
