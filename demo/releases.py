"""Demo releases, on top of the demo cases: live, revised, expired and revoked, one of them
acknowledged; each logs its decision to share, and one case also logs a decision not to
share. Idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from demo.city import DemoCity
from privacy import services as sharing_services
from privacy.models import SharingDecision
from releases import services as release_services
from releases.models import Release, ReleaseAcknowledgement

# (person's last name, title, recipients (usernames), agencies, state)
RELEASES = [
    ("Çelik", "Outreach to a young man in the Zuid district", ["street"], [], "live"),
    ("Renard", "Support at the youth centre", ["youth"], ["Havenstad Youth Work"], "revised"),
    ("Vanderlinden", "Preparing release from prison", ["partner"], [], "live"),
    ("Benhaddou", "Contact plan for the football club", ["youth"], [], "expired"),
    ("Aït Ouali", "Neighbourhood concerns", ["street"], [], "revoked"),
]


def _demo_release(case, author, title, users, agencies, city):
    today = timezone.localdate()
    return release_services.release_create(
        case=case,
        author=author,
        title=title,
        summary=(
            "A young person known to the cell may seek contact with your service. Approach "
            "through the activities he already attends; do not mention the police. Call the "
            "coordinator if he speaks of travel plans."
        ),
        purpose="To plan outreach and keep the young person in ordinary activities",
        legal_basis="Law of 30 July 2018 on the LIVC-R (shared professional secrecy)",
        expires_on=today + timedelta(days=60),
        recipient_users=[city.users[u] for u in users],
        recipient_agencies=[city.agencies[a] for a in agencies],
    )


@transaction.atomic
def seed(*, city: DemoCity) -> None:
    info = city.users["info"]
    for last_name, title, users, agencies, state in RELEASES:
        if Release.objects.filter(title=title).exists():
            continue
        case = Case.objects.filter(person__last_name=last_name).order_by("pk").first()
        if case is None:
            continue
        release = _demo_release(case, info, title, users, agencies, city)
        if state == "revised":
            release_services.release_revise(
                release=release,
                author=info,
                title=title,
                summary=release.summary + " Update: he now also attends the homework club.",
                purpose=release.purpose,
                legal_basis=release.legal_basis,
                expires_on=release.expires_on,
                recipient_users=[city.users[u] for u in users],
                recipient_agencies=[city.agencies[a] for a in agencies],
            )
        elif state == "revoked":
            release_services.release_revoke(
                release=release, user=info, reason="Sent to the wrong team"
            )
        elif state == "expired":
            # Demo only: age the release so the demo shows one that has expired.
            Release.objects.filter(pk=release.pk).update(
                expires_on=timezone.localdate() - timedelta(days=3)
            )
    _demo_not_shared()
    if city.users["street"].pk and not ReleaseAcknowledgement.objects.exists():
        first = Release.objects.filter(title=RELEASES[0][1]).first()
        if first:
            release_services.release_acknowledge(release=first, user=city.users["street"])


def _demo_not_shared() -> None:
    """The sharing-decision log's other side: the school asked, the case owner said no."""
    case = Case.objects.filter(person__last_name="Çelik").order_by("pk").first()
    kind = SharingDecision.Kind.NOT_SHARED
    if case is None or SharingDecision.objects.filter(case=case, kind=kind).exists():
        return
    sharing_services.sharing_decision_record(
        user=case.owner,
        case=case,
        kind=kind,
        information="His file with the social service",
        recipient="The school's pupil counsellor",
        reason=(
            "The school wants to know why he is followed. Nothing the school needs for his "
            "support; he asked that the school not be told."
        ),
        level=2,
    )
