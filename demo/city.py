"""Demo agencies and accounts of a fictional city (DESIGN section 8). Idempotent."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from accounts import services as account_services
from accounts.models import Agency, Role

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

# Each agency's name in Dutch and French (accounts/translation.py); English is the name above.
AGENCY_NAMES = {
    "City of Havenstad": ("Stad Havenstad", "Ville de Havenstad"),
    "Havenstad Social Prevention Service": (
        "Dienst Sociale Preventie Havenstad",
        "Service de prévention sociale de Havenstad",
    ),
    "Havenstad Youth Work": ("Jeugdwerk Havenstad", "Travail de jeunesse de Havenstad"),
    "Havenstad Street-Corner Work": ("Straathoekwerk Havenstad", "Travail de rue de Havenstad"),
    "Havenstad Police Zone": ("Politiezone Havenstad", "Zone de police de Havenstad"),
    "Havenstad Prison": ("Gevangenis van Havenstad", "Prison de Havenstad"),
    "Sint-Jozef Secondary School": (
        "Secundaire school Sint-Jozef",
        "École secondaire Saint-Joseph",
    ),
    "FC Havenstad Community Trust": (
        "Gemeenschapsfonds FC Havenstad",
        "Fondation communautaire du FC Havenstad",
    ),
    "Bridges Grassroots Network": (
        "Bruggen, netwerk van buurtinitiatieven",
        "Réseau citoyen Passerelles",
    ),
    "Havenstad Mental Health Centre": (
        "Centrum Geestelijke Gezondheidszorg Havenstad",
        "Centre de santé mentale de Havenstad",
    ),
}

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
        nl, fr = AGENCY_NAMES[name]
        names = {"nl": nl, "fr": fr}
        agency = Agency.objects.filter(name_en=name).first()
        if agency is None:
            agency = account_services.agency_create(name=name, kind=kind, names=names)
        elif (agency.name_nl, agency.name_fr) != (nl, fr):  # type: ignore[attr-defined]
            account_services.agency_update(
                agency=agency, name=name, kind=agency.kind, is_active=agency.is_active, names=names
            )
        city.agencies[name] = agency
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
