"""Reads of releases, each through the policy: for their recipients, and for their author."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access import policy
from accounts.models import Agency
from accounts.selectors import user_name_matches
from accounts.types import Actor, User
from cases import selectors as case_selectors
from cases.models import Case
from core.i18n import in_any_language
from releases.models import Release, ReleaseAcknowledgement

# At most this many people found by one search: a search too wide asks for a narrower one.
SEARCH_LIMIT = 40


def release_recipient_candidates(*, author: Actor) -> QuerySet[User]:
    """Who the author may address a release to by name: anyone the policy lets receive
    releases, active, and not the author."""
    return (
        get_user_model()
        .objects.filter(policy.release_receiver_filter(), is_active=True)
        .exclude(pk=author.pk)
        .select_related("profile__agency")
        .order_by("last_name", "first_name", "pk")
    )


def release_recipient_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).order_by("name")


@dataclass
class AgencyGroup:
    agency: Agency
    people: list[User] = field(default_factory=list)
    # Whether to offer the whole agency as a recipient here (active, not chosen already).
    offer_agency: bool = False


@dataclass
class RecipientPicker:
    """What the recipient step shows: who is chosen, the case team suggested first, and the
    people and agencies a search found, grouped by agency."""

    chosen_people: list[User]
    chosen_agencies: list[Agency]
    team: list[AgencyGroup]
    found: list[AgencyGroup]
    query: str
    too_many: bool


def _by_agency(
    people: Iterable[User], agency_ids: list[int], agencies: Iterable[Agency] = ()
) -> list[AgencyGroup]:
    groups: dict[int, AgencyGroup] = {a.pk: AgencyGroup(a) for a in agencies}
    for person in people:
        agency = person.profile.agency
        groups.setdefault(agency.pk, AgencyGroup(agency)).people.append(person)
    for group in groups.values():
        group.offer_agency = group.agency.is_active and group.agency.pk not in agency_ids
    return sorted(groups.values(), key=lambda g: g.agency.name.lower())


def release_recipient_picker(
    *, author: Actor, case: Case, query: str, user_ids: list[int], agency_ids: list[int]
) -> RecipientPicker:
    candidates = release_recipient_candidates(author=author)
    agencies = release_recipient_agencies()
    chosen_people = list(candidates.filter(pk__in=user_ids))
    chosen_agencies = list(agencies.filter(pk__in=agency_ids))
    team_ids = case_selectors.case_team_members(case=case).values("pk")
    team = list(candidates.filter(pk__in=team_ids).exclude(pk__in=user_ids))
    found: list[User] = []
    found_agencies: list[Agency] = []
    too_many = False
    query = query.strip()
    if query:
        matches = user_name_matches(query) | in_any_language("profile__agency__name", query)
        found = list(
            candidates.filter(matches)
            .exclude(pk__in=user_ids)
            .exclude(pk__in=[p.pk for p in team])[: SEARCH_LIMIT + 1]
        )
        too_many = len(found) > SEARCH_LIMIT
        found = found[:SEARCH_LIMIT]
        found_agencies = list(
            agencies.filter(in_any_language("name", query)).exclude(pk__in=agency_ids)
        )
    return RecipientPicker(
        chosen_people=chosen_people,
        chosen_agencies=chosen_agencies,
        team=_by_agency(team, agency_ids),
        found=_by_agency(found, agency_ids, found_agencies),
        query=query,
        too_many=too_many,
    )


def release_agency_reach(*, agencies: Iterable[Agency]) -> list[tuple[Agency, int]]:
    """Each agency chosen as a recipient, with how many of its people would read the release."""
    counts = dict(
        get_user_model()
        .objects.filter(
            policy.release_receiver_filter(),
            is_active=True,
            profile__agency__in=[a.pk for a in agencies],
        )
        .values_list("profile__agency")
        .annotate(n=Count("pk"))
    )
    return [(agency, counts.get(agency.pk, 0)) for agency in agencies]


def releases_for_recipient(*, user: Actor, unread: bool = False, q: str = "") -> QuerySet[Release]:
    """The live releases addressed to the user, each marked whether they acknowledged it; the
    unread ones first (or only them), newest first within each; `q` finds them by title."""
    acknowledged = ReleaseAcknowledgement.objects.filter(release=OuterRef("pk"), user=user)
    releases = (
        Release.objects.filter(policy.release_recipient_filter(user))
        .annotate(acknowledged=Exists(acknowledged))
        .select_related("replaced_by")
        .only(
            "pk",
            "title",
            "created_at",
            "expires_on",
            "version",
            "purpose",
            "revoked_at",
            "replaced_by__id",
        )
        .order_by("acknowledged", "-created_at", "-pk")
    )
    if q:
        releases = releases.filter(title__icontains=q)
    return releases.filter(acknowledged=False) if unread else releases


def releases_authored(
    *, user: Actor, search: str = "", expiring_within: int | None = None
) -> QuerySet[Release]:
    """Every release, for the information officer: live and past, with their case; or only the
    live ones that expire within this many days (to renew or let lapse)."""
    releases = (
        Release.objects.filter(policy.release_management_filter(user))
        .select_related("case__person", "created_by", "replaced_by")
        .order_by("-created_at", "-pk")
    )
    if expiring_within is not None:
        last_day = timezone.localdate() + timedelta(days=expiring_within)
        releases = releases.filter(policy.live_release_filter(), expires_on__lte=last_day).order_by(
            "expires_on", "pk"
        )
    if search.strip():
        releases = releases.filter(
            Q(title__icontains=search) | Q(case__reference__icontains=search)
        )
    return releases


def release_acknowledged(*, user: Actor, release: Release) -> bool:
    return release.acknowledgements.filter(user=user).exists()


def release_acknowledgements(*, release: Release) -> list[dict]:
    """For the information officer: each recipient person and whether they acknowledged."""
    User = get_user_model()
    recipients = (
        User.objects.filter(
            Q(releases_received=release) | Q(profile__agency__in=release.recipient_agencies.all())
        )
        .filter(policy.release_receiver_filter())
        .distinct()
        .select_related("profile__agency")
        .order_by("last_name", "first_name")
    )
    at = dict(
        ReleaseAcknowledgement.objects.filter(release=release).values_list(
            "user_id", "acknowledged_at"
        )
    )
    return [{"user": u, "acknowledged_at": at.get(u.pk)} for u in recipients]


def release_recipient_emails(*, release_id: int) -> list[str]:
    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        return []
    return sorted(
        {
            row["user"].email
            for row in release_acknowledgements(release=release)
            if row["user"].email and row["user"].is_active
        }
    )
