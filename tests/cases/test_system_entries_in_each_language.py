"""Languages all the way down (issue 16): the chronology entries the system writes (a referral
brought into the case, the decision on an escalation) are stored as codes with parameters and
read in the reader's language, whatever the language they were written in; entries written
before that read as they were stored."""

from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation

from accounts.models import Level, Role
from cases import services
from cases.models import ChronologyEntry, Escalation
from tests.factories import make_case, make_referral, make_user
from tests.referrals.conftest import accept_new

migration = import_module("cases.migrations.0005_system_entries_in_each_language")


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A request activates its language for the thread; later tests expect the default."""
    yield
    translation.deactivate()


def reader(client, user, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def decided(social_worker):
    """A decision on an escalation, taken by an English-speaking coordinator."""
    coordinator = make_user(role=Role.COORDINATOR, agency=social_worker.profile.agency)
    case = make_case(owner=social_worker)
    escalation = services.escalation_raise(
        case=case,
        raised_by=social_worker,
        audience=Escalation.Audience.COORDINATOR,
        summary="Needs a decision",
        decision_requested="Approve outreach",
    )
    with translation.override("en"):
        services.escalation_decide(
            escalation=escalation,
            user=coordinator,
            status=Escalation.Status.DECIDED,
            decision="Go ahead with the outreach",
        )
    return case.entries.get(kind=ChronologyEntry.Kind.DECISION)


def test_a_decision_written_in_english_reads_in_dutch_for_a_dutch_reader(
    client, decided, social_worker, compiled
):
    assert decided.event == ChronologyEntry.Event.ESCALATION_DECIDED
    assert decided.text == "Decision on the escalation to Coordinator: Go ahead with the outreach"
    dutch = "Beslissing over de escalatie naar Coördinator: Go ahead with the outreach"
    with translation.override("nl"):
        assert decided.in_words() == dutch
    with translation.override("fr"):
        assert decided.in_words().endswith(": Go ahead with the outreach")
        assert "Decision on" not in decided.in_words()
    page = reader(client, social_worker, "nl").get(decided.case.get_absolute_url())
    assert dutch in page.content.decode()
    assert decided.text not in page.content.decode()


def test_a_referral_brought_into_a_case_reads_in_the_readers_language(
    partner, coordinator, compiled
):
    referral = make_referral(referrer=partner)
    agency = referral.referrer_agency
    agency.name_nl = "Gevangenis van Haren"
    agency.save()
    with translation.override("en"):
        case = accept_new(referral, coordinator).case
    entry = case.entries.get(event=ChronologyEntry.Event.REFERRAL_RECEIVED)
    assert entry.text.startswith(f"Referral {referral.number} from ")
    assert referral.concern in entry.text
    with translation.override("nl"):
        words = entry.in_words()
    assert words.startswith(f"Doorverwijzing {referral.number} van Gevangenis van Haren")
    assert f"Bezorgdheid: {referral.concern}" in words  # the referrer's words as written
    with translation.override("fr"):
        assert not entry.in_words().startswith("Referral")


def test_an_entry_a_person_wrote_reads_as_written(case, social_worker):
    entry = services.entry_add(
        case=case,
        author=social_worker,
        kind="note",
        occurred_at=timezone.now(),
        level=Level.L2,
        text="Decision on the escalation to Coordinator: my own words",
    )
    with translation.override("nl"):
        assert entry.in_words() == entry.text


def test_older_decisions_become_codes_and_other_older_entries_read_as_stored(decided):
    ChronologyEntry.objects.filter(pk=decided.pk).update(event="", params={})
    old_note = ChronologyEntry.objects.create(
        case=decided.case,
        kind=ChronologyEntry.Kind.NOTE,
        occurred_at=timezone.now(),
        author=decided.author,
        agency=decided.agency,
        level=Level.L2,
        text="Referral R-1 from somewhere (written before codes).",
    )
    migration.forwards(apps, None)
    decided.refresh_from_db()
    assert decided.event == ChronologyEntry.Event.ESCALATION_DECIDED
    assert decided.params == {"audience": "coordinator", "decision": "Go ahead with the outreach"}
    old_note.refresh_from_db()
    with translation.override("nl"):
        assert old_note.in_words() == old_note.text
