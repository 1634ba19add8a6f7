from celery import shared_task

from accounts import security


@shared_task
def disable_dormant_accounts() -> list[str]:
    return security.accounts_disable_dormant()
