"""Dutch and French: complete catalogues, compiled without gettext, chosen per user."""

import datetime
import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format

from accounts import services
from accounts.models import Profile
from tests.factories import PASSWORD

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["nl", "fr"]
# %(name)s, %s, %d, %% and {name}: what must survive translation unchanged.
PLACEHOLDER = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%[sdifr%]|\{[\w.]+\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A request activates its language for the thread; later tests expect the default."""
    yield
    translation.deactivate()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert len(po) > 500
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    empty_plurals = [
        e.msgid for e in po if e.msgid_plural and not all(e.msgstr_plural.get(i) for i in (0, 1))
    ]
    assert untranslated == []
    assert fuzzy == []
    assert empty_plurals == []
    assert po.metadata["Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    wrong = []
    for entry in catalogue(language):
        if entry.msgid_plural:
            # Every form keeps the count, even the singular ("%(n)s dossier").
            pairs = [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            if placeholders(text) != placeholders(source):
                wrong.append((source, text))
    assert wrong == []


def test_the_belgian_terms_are_used():
    nl = {e.msgid: e.msgstr for e in catalogue("nl")}
    fr = {e.msgid: e.msgstr for e in catalogue("fr")}
    assert "bourgmestre" in fr["Short text for the mayor"]
    assert not re.search(r"\bmaires?\b", " ".join(fr.values()), re.IGNORECASE)
    assert "burgemeester" in nl["Short text for the mayor"]
    law = "Law of 30 July 2018 on the LIVC-R (shared professional secrecy)"
    assert nl[law].startswith("Wet van 30 juli 2018") and "LIVC-R" in nl[law]
    assert fr[law].startswith("Loi du 30 juillet 2018") and "CSIL-R" in fr[law]
    assert nl["Information officer"] == "Informatie-officier"
    assert fr["Information officer"] == "Officier d'information"


@pytest.mark.parametrize(
    ("language", "sign_in"), [("nl", "Aanmelden"), ("fr", "Se connecter"), ("en", "Sign in")]
)
def test_the_sign_in_page_speaks_the_cookie_language(client, db, compiled, language, sign_in):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("login")).content.decode()
    assert f"<h1>{sign_in}</h1>" in page
    assert f'<html lang="{language}"' in page


def test_the_sign_in_page_follows_the_browser_language(client, db, compiled):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9").content.decode()
    assert "<h1>Se connecter</h1>" in page


def test_key_strings_and_dates_and_numbers_are_in_the_locale(compiled):
    day = datetime.date(2026, 3, 5)
    with translation.override("nl"):
        assert translation.gettext("Sign out") == "Afmelden"
        assert translation.gettext("Mayor") == "Burgemeester"
        assert translation.ngettext("%(n)s case", "%(n)s cases", 2) % {"n": 2} == "2 casussen"
        assert date_format(day) == "5 maart 2026"
        assert number_format(1234.5, decimal_pos=1, use_l10n=True) == "1234,5"
    with translation.override("fr"):
        assert translation.gettext("Sign out") == "Se déconnecter"
        assert translation.gettext("Mayor") == "Bourgmestre"
        assert translation.ngettext("%(n)s case", "%(n)s cases", 1) % {"n": 1} == "1 dossier"
        assert date_format(day) == "5 mars 2026"
        assert number_format(1234.5, decimal_pos=1, use_l10n=True) == "1234,5"


def test_compile_translations_needs_no_gettext(tmp_path):
    messages = tmp_path / "nl" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "nl"}
    po.append(polib.POEntry(msgid="Sign in", msgstr="Aanmelden"))
    po.append(polib.POEntry(msgid="Sign out", msgstr="Afgemeld?", flags=["fuzzy"]))
    po.save(str(messages / "django.po"))
    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command("compile_translations", verbosity=0)
    with (messages / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.gettext("Sign in") == "Aanmelden"
    assert compiled.gettext("Sign out") == "Sign out"  # fuzzy entries are left out, as by msgfmt


# --- The language chosen per user ------------------------------------------------------------


def test_switching_language_is_remembered_on_the_profile(client, social_worker, compiled):
    client.force_login(social_worker)
    response = client.post(reverse("set_language"), {"language": "fr", "next": reverse("home")})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert Profile.objects.get(user=social_worker).language == "fr"
    assert "Se déconnecter" in client.get(reverse("home")).content.decode()


def test_an_unknown_language_is_not_stored(client, social_worker):
    client.force_login(social_worker)
    client.post(reverse("set_language"), {"language": "xx", "next": reverse("home")})
    assert Profile.objects.get(user=social_worker).language == ""


def test_an_anonymous_switch_only_sets_the_cookie(client, db):
    response = client.post(reverse("set_language"), {"language": "nl", "next": reverse("login")})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert not Profile.objects.filter(language="nl").exists()


def test_signing_in_brings_back_the_stored_language(client, social_worker, compiled):
    services.profile_set_language(user=social_worker, language="nl")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # another device, another choice
    response = client.post(
        reverse("login"), {"username": social_worker.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert "Afmelden" in client.get(reverse("home")).content.decode()


def test_signing_in_without_a_stored_language_keeps_the_browser_choice(client, social_worker):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post(
        reverse("login"), {"username": social_worker.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_profile_set_language_refuses_an_unknown_language(social_worker):
    with pytest.raises(ValidationError):
        services.profile_set_language(user=social_worker, language="de")
    services.profile_set_language(user=social_worker, language="fr")
    services.profile_set_language(user=social_worker, language="")
    assert Profile.objects.get(user=social_worker).language == ""
