from django.db.models import Q, QuerySet

from accounts.models import Agency


def agency_list(*, active_only: bool = True) -> QuerySet[Agency]:
    agencies = Agency.objects.all()
    return agencies.filter(is_active=True) if active_only else agencies


def user_name_matches(text: str, *, path: str = "") -> Q:
    """Users (at `path`, e.g. "owner__") whose first name, last name or user name contains
    `text`: how a reader finds a colleague by whatever part of their name they know."""
    return (
        Q(**{f"{path}first_name__icontains": text})
        | Q(**{f"{path}last_name__icontains": text})
        | Q(**{f"{path}username__icontains": text})
    )
