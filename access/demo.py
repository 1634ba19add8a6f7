"""Demo agencies and accounts of a fictional city (DESIGN section 8). Idempotent."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone

from access import services
from access.models import AccessRequest
from accounts import services as account_services
from accounts.models import Agency, Role
from releases import services as release_services
from releases.models import Release, ReleaseAcknowledgement

CITY = "Havenstad"

AGENCIES = [
    ("City of Havenstad", Agency.Kind.MUNICIPALITY),
    ("Havenstad Social Prevention Service", Agency.Kind.SOCIAL_SERVICES),
    ("Havenstad Youth Work", Agency.Kind.YOUTH_WORK),
    ("Havenstad Street-Corner Work", Agency.Kind.YOUTH_WORK),
    ("Havenstad Police Zone", Agency.Kind.POLICE),
    ("Havenstad Prison", Agency.Kind.PRISON),
    ("Sint-Jozef Secondary School", Agency.Kind.SCHOOL),
    ("FC Havenstad Community Trust", Agency.Kind.SPORT_CLUB),
    ("Bridges Grassroots Network", Agency.Kind.GRASSROOTS),
    ("Havenstad Mental Health Centre", Agency.Kind.HEALTH),
]

# username, first name, last name, agency, role
USERS = [
    ("social", "Sofie", "Janssens", "Havenstad Social Prevention Service", Role.SOCIAL_WORKER),
    ("youth", "Youssef", "El Amrani", "Havenstad Youth Work", Role.YOUTH_WORKER),
    ("street", "Stijn", "Peeters", "Havenstad Street-Corner Work", Role.YOUTH_WORKER),
    ("police", "Pieter", "Claes", "Havenstad Police Zone", Role.POLICE),
    ("info", "Ines", "Willems", "Havenstad Police Zone", Role.INFORMATION_OFFICER),
    ("coordinator", "Chantal", "Dubois", "Havenstad Social Prevention Service", Role.COORDINATOR),
    ("mayor", "Marc", "Van den Broeck", "City of Havenstad", Role.MAYOR_OFFICE),
    ("partner", "Petra", "Maes", "Havenstad Prison", Role.PARTNER),
    ("admin", "Adam", "Goossens", "City of Havenstad", Role.ADMIN),
]


@dataclass
class DemoCity:
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, AbstractUser] = field(default_factory=dict)


@transaction.atomic
def seed(*, password: str) -> DemoCity:
    city = DemoCity()
    for name, kind in AGENCIES:
        agency = Agency.objects.filter(name=name).first()
        city.agencies[name] = agency or account_services.agency_create(name=name, kind=kind)
    User = get_user_model()
    for username, first, last, agency_name, role in USERS:
        agency = city.agencies[agency_name]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.account_create(
                username=username,
                password=password,
                agency=agency,
                role=role,
                first_name=first,
                last_name=last,
                email=f"{username}@{CITY.lower()}.example",
            )
        else:
            if not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            profile = getattr(user, "profile", None)
            if profile is None or (profile.agency_id, profile.role) != (agency.pk, role):
                account_services.profile_set(user=user, agency=agency, role=role)
        city.users[username] = user
    return city


# --- Releases and access requests, on top of the demo cases ----------------------------------

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
def seed_releases(*, city: DemoCity) -> None:
    from cases.models import Case

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
    if city.users["street"].pk and not ReleaseAcknowledgement.objects.exists():
        first = Release.objects.filter(title=RELEASES[0][1]).first()
        if first:
            release_services.release_acknowledge(release=first, user=city.users["street"])
    _seed_access_requests(city)


def _seed_access_requests(city: DemoCity) -> None:
    from cases.models import Case

    police = city.users["police"]
    if AccessRequest.objects.filter(requested_by=police).exists():
        return
    hidden = (
        Case.objects.exclude(Exists(_grant_of(police)))
        .filter(owner=city.users["social"])
        .order_by("pk")
    )
    first, second = hidden[:2] if hidden.count() >= 2 else (None, None)
    if first is None:
        return
    services.access_request_create(
        user=police, reference=first.reference, reason="The brother is known to our zone."
    )
    approved = services.access_request_create(
        user=police, reference=second.reference, reason="Joint home visit next week."
    )
    services.access_request_decide(
        request=approved,
        user=city.users["social"],
        approve=True,
        until=timezone.localdate() + timedelta(days=30),
        note="For the home visit only.",
    )


def _grant_of(user):
    from django.db.models import OuterRef

    from cases.models import CaseUserObjectPermission

    return CaseUserObjectPermission.objects.filter(content_object=OuterRef("pk"), user=user)
