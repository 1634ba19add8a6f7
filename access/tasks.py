from celery import shared_task

from access import services


@shared_task
def remove_expired_grants() -> int:
    return services.grants_remove_expired()
