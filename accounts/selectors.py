from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.models import Agency


def agency_list(*, active_only: bool = True) -> QuerySet[Agency]:
    agencies = Agency.objects.all()
    return agencies.filter(is_active=True) if active_only else agencies


def agency_name_matches(query: str, *, path: str = "") -> Q:
    """Agencies (at `path`, e.g. "profile__agency__") whose name in any language contains
    `query`: a reader searches with whichever name they know, and a name not yet translated
    into their language is still found."""
    matches = Q()
    for code, _label in settings.LANGUAGES:
        matches |= Q(**{f"{path}name_{code}__icontains": query})
    return matches
