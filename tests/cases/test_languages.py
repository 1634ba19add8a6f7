"""Languages all the way down (issue 16): the reference data, the status history and the team's
reasons read in the reader's language, whatever the language they were written in."""

from importlib import import_module

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import ConcernCategory, Indicator, StatusChange
from tests.factories import make_case

seed = import_module("cases.migrations.0004_in_each_language")
LANGUAGES = ["en", "nl", "fr"]


@pytest.fixture
def seeded(db):
    """The reference data as the migrations leave it."""
    categories = ConcernCategory.objects.filter(name_en__in=[n[0] for n in seed.CATEGORIES])
    indicators = Indicator.objects.filter(name_en__in=[i[2][0] for i in seed.INDICATORS])
    assert (categories.count(), indicators.count()) == (len(seed.CATEGORIES), len(seed.INDICATORS))
    return categories, indicators


def reader(client, user, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_seeded_category_and_indicator_has_its_text_in_each_language(seeded, language):
    categories, indicators = seeded
    texts = [(c.name_en, getattr(c, f"name_{language}")) for c in categories]
    for indicator in indicators:
        texts.append((indicator.name_en, getattr(indicator, f"name_{language}")))
        texts.append((indicator.description_en, getattr(indicator, f"description_{language}")))
    assert all(text and text.strip() for _english, text in texts)
    if language != "en":
        assert [english for english, text in texts if text == english] == []


def test_reference_data_reads_in_the_readers_language_and_falls_back_to_english(db):
    with translation.override("en"):
        category = ConcernCategory.objects.create(name="Online radicalisation")
    with translation.override("nl"):
        assert str(ConcernCategory.objects.get(pk=category.pk)) == "Online radicalisation"
    category.name_nl = "Online radicalisering"
    category.name_fr = "Radicalisation en ligne"
    category.save()
    read = {}
    for language in LANGUAGES:
        with translation.override(language):
            read[language] = str(ConcernCategory.objects.get(pk=category.pk))
    assert read == {
        "en": "Online radicalisation",
        "nl": "Online radicalisering",
        "fr": "Radicalisation en ligne",
    }


def test_the_case_page_names_the_concern_in_the_readers_language(
    client, social_worker, seeded, compiled
):
    with translation.override("en"):
        case = make_case(owner=social_worker, categories=[seeded[0].get(name_en="Islamist")])
    url = reverse("cases:detail", args=[case.reference])
    assert (
        '<dd class="govuk-summary-list__value">Islamistisch</dd>'
        in reader(client, social_worker, "nl").get(url).content.decode()
    )
    assert (
        '<dd class="govuk-summary-list__value">Islamiste</dd>'
        in reader(client, social_worker, "fr").get(url).content.decode()
    )


def test_a_history_row_written_in_english_reads_in_dutch_and_french(
    client, social_worker, compiled
):
    with translation.override("en"):
        case = make_case(owner=social_worker)
        services.case_change_status(
            case=case,
            user=social_worker,
            to_status="information_gathering",
            reason="De partners worden bevraagd.",
            expected_version=case.version,
        )
    opened = StatusChange.objects.get(case=case, event=StatusChange.Event.OPENED)
    assert opened.params == {} and opened.reason == ""
    url = reverse("cases:detail", args=[case.reference])
    dutch = reader(client, social_worker, "nl").get(url).content.decode()
    assert '<td class="govuk-table__cell">Casus geopend.</td>' in dutch
    assert "Case opened." not in dutch
    assert (
        '<td class="govuk-table__cell">De partners worden bevraagd.</td>' in dutch
    )  # a person's words stay as written
    french = reader(client, social_worker, "fr").get(url).content.decode()
    assert '<td class="govuk-table__cell">Dossier ouvert.</td>' in french


def test_a_referral_accepted_at_screening_reads_in_the_readers_language(social_worker):
    with translation.override("fr"):
        case = make_case(
            owner=social_worker,
            event=StatusChange.Event.REFERRAL_ACCEPTED,
            params={"number": "R-00042"},
        )
    change = case.status_changes.get()
    assert change.params == {"number": "R-00042"}
    with translation.override("nl"):
        assert change.text() == "Doorverwijzing R-00042 aanvaard bij de screening."
    with translation.override("en"):
        assert change.text() == "Referral R-00042 accepted at screening."


def test_the_team_page_says_why_in_the_readers_language(client, social_worker, compiled):
    with translation.override("en"):
        case = make_case(owner=social_worker)
    url = reverse("cases:team", args=[case.reference])
    dutch = reader(client, social_worker, "nl").get(url).content.decode()
    assert "<td>Opende de casus</td>" in dutch and "<td>Trekkende organisatie</td>" in dutch
    french = reader(client, social_worker, "fr").get(url).content.decode()
    assert "<td>A ouvert le dossier</td>" in french and "<td>Organisme pilote</td>" in french
