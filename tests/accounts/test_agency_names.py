"""Agency names in each interface language (accounts/translation.py): the administrator edits
them in the admin, the demo city ships them in English, Dutch and French, and each reader reads
them in their own language, falling back to the English name."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts import services
from accounts.models import Agency
from core.i18n import in_any_language
from demo import city


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    yield
    translation.deactivate()


def test_a_name_reads_in_the_readers_language_and_falls_back_to_english(db):
    with translation.override("nl"):
        agency = services.agency_create(
            name="Police Zone North", kind=Agency.Kind.POLICE, names={"nl": "Politiezone Noord"}
        )
    agency = Agency.objects.get(pk=agency.pk)
    assert agency.name_en == "Police Zone North"
    assert agency.group.name.endswith("Police Zone North")
    with translation.override("nl"):
        assert str(agency) == "Politiezone Noord"
    with translation.override("fr"):
        assert str(agency) == "Police Zone North"  # no French name yet: the English one
    with translation.override("en"):
        assert str(agency) == "Police Zone North"


def test_every_demo_agency_has_its_three_names(db):
    city.seed(password="a-long-demo-password-1")
    city.seed(password="a-long-demo-password-1")  # idempotent, names and all
    assert Agency.objects.count() == len(city.AGENCIES)
    for agency in Agency.objects.all():
        assert agency.name_en and agency.name_nl and agency.name_fr, agency.name_en
    police = Agency.objects.get(name_en="Havenstad Police Zone")
    with translation.override("fr"):
        assert str(police) == "Zone de police de Havenstad"


def test_the_admin_shows_and_saves_each_language(admin_client, db):
    agency = services.agency_create(name="Youth Work", kind=Agency.Kind.YOUTH_WORK)
    url = reverse("admin:accounts_agency_change", args=[agency.pk])
    page = admin_client.get(url).content.decode()
    for language in ("en", "nl", "fr"):
        assert f'name="name_{language}"' in page
    response = admin_client.post(
        url,
        {
            "name_en": "Youth Work",
            "name_nl": "Jeugdwerk",
            "name_fr": "Travail de jeunesse",
            "kind": Agency.Kind.YOUTH_WORK,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.name_en, agency.name_nl, agency.name_fr) == (
        "Youth Work",
        "Jeugdwerk",
        "Travail de jeunesse",
    )


def test_an_agency_is_found_by_its_name_in_any_language(db):
    named = services.agency_create(
        name="Police Zone North", kind=Agency.Kind.POLICE, names={"nl": "Politiezone Noord"}
    )
    english_only = services.agency_create(name="Youth Work East", kind=Agency.Kind.YOUTH_WORK)
    with translation.override("nl"):
        assert list(Agency.objects.filter(in_any_language("name", "zone noord"))) == [named]
        assert list(Agency.objects.filter(in_any_language("name", "police zone"))) == [named]
        # Not yet translated into Dutch: still found by its English name.
        assert list(Agency.objects.filter(in_any_language("name", "youth work"))) == [english_only]
