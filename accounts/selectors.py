from django.db.models import QuerySet

from accounts.models import Agency


def agency_list(*, active_only: bool = True) -> QuerySet[Agency]:
    agencies = Agency.objects.all()
    return agencies.filter(is_active=True) if active_only else agencies
