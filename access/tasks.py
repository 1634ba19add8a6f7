from celery import shared_task


@shared_task
def remove_expired_grants() -> int:
    from access.services import grants_remove_expired

    return grants_remove_expired()


@shared_task
def list_cases_due_for_retention() -> list[str]:
    from access.retention import notify_cases_due

    return notify_cases_due()
