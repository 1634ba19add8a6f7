"""The case page in sections: the chronology's safe level, its filter, and landing on what was
written."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, Role
from cases import services
from cases.models import Action, Assessment, ChronologyEntry, Escalation, Indicator
from tests.cases.conftest import join
from tests.factories import make_case, make_user

pytestmark = pytest.mark.clock


def _yesterday() -> str:
    return (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def _entry(level: int, **extra) -> dict:
    return {"kind": "note", "occurred_at": _yesterday(), "level": level, "text": "Seen", **extra}


# --- The level of a new entry ---------------------------------------------------------------


@pytest.mark.parametrize(("role", "usual"), [(Role.SOCIAL_WORKER, 2), (Role.POLICE, 4)])
def test_the_level_defaults_to_the_writers_usual_level(client, db, role, usual):
    writer = make_user(role=role)
    case = make_case(owner=writer) if role == Role.SOCIAL_WORKER else make_case()
    join(case, writer)
    client.force_login(writer)
    form = client.get(reverse("cases:entry_add", args=[case.reference])).context["form"]
    assert form["level"].value() == usual
    html = str(form["level"])
    assert html.count('type="radio"') == usual
    assert re.findall(r'<input[^>]*value="(\d)"[^>]*checked', html) == [str(usual)]


def test_each_level_says_who_reads_it(client, db):
    police = make_user(role=Role.POLICE)
    case = make_case()
    join(case, police)
    client.force_login(police)
    body = client.get(reverse("cases:entry_add", args=[case.reference])).content.decode()
    assert "L2 — the case team" in body
    assert f"L4 — police only: {police.profile.agency.name}" in body


def test_a_wider_level_is_refused_once_until_the_writer_confirms(client, social_worker, case):
    client.force_login(social_worker)
    url = reverse("cases:entry_add", args=[case.reference])
    response = client.post(url, _entry(Level.L1, text="About his mother"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "more people read than your usual level (L2)" in body
    assert "Yes, share more widely" in body
    assert "About his mother" in body  # what was typed is kept
    assert not ChronologyEntry.objects.filter(case=case).exists()
    response = client.post(url, _entry(Level.L1, text="About his mother", share_widely="on"))
    entry = ChronologyEntry.objects.get(case=case)
    assert entry.level == Level.L1
    assert response["Location"] == f"{case.get_absolute_url()}#entry-{entry.pk}"


def test_the_usual_level_needs_no_confirmation(client, social_worker, case):
    client.force_login(social_worker)
    response = client.get(reverse("cases:entry_add", args=[case.reference]))
    assert "Yes, share more widely" not in response.content.decode()
    response = client.post(reverse("cases:entry_add", args=[case.reference]), _entry(Level.L2))
    assert response.status_code == 302
    assert ChronologyEntry.objects.get(case=case).level == Level.L2


def _assessment(level: int, **extra) -> dict:
    ratings = {f"rating_{i.pk}": 1 for i in Indicator.objects.filter(is_active=True)}
    return {"overall_judgement": "moderate", "level": level, **ratings, **extra}


def test_an_assessment_defaults_to_the_police_writers_usual_level(client, db):
    police = make_user(role=Role.POLICE)
    case = make_case()
    join(case, police)
    client.force_login(police)
    form = client.get(reverse("cases:assessment_add", args=[case.reference])).context["form"]
    assert form["level"].value() == Level.L4
    # Never L1, and each level says who reads it.
    assert [value for value, _label in form.fields["level"].choices] == [2, 3, 4]
    assert f"L4 — police only: {police.profile.agency.name}" in str(form["level"])


def test_a_wider_assessment_level_is_refused_once_until_the_writer_confirms(client, db):
    police = make_user(role=Role.POLICE)
    case = make_case()
    join(case, police)
    client.force_login(police)
    url = reverse("cases:assessment_add", args=[case.reference])
    response = client.post(url, _assessment(Level.L2))
    assert response.status_code == 200
    assert "more people read than your usual level (L4)" in response.content.decode()
    assert not Assessment.objects.filter(case=case).exists()
    response = client.post(url, _assessment(Level.L2, share_widely="on"))
    assert response.status_code == 302
    assert Assessment.objects.get(case=case).level == Level.L2


# --- Landing on what was written ------------------------------------------------------------


def test_each_write_lands_on_what_it_wrote_with_a_message(client, social_worker, case):
    client.force_login(social_worker)
    ref = case.reference
    response = client.post(
        reverse("cases:action_add", args=[ref]),
        {
            "description": "Home visit",
            "owner": social_worker.pk,
            "due_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
            "consent": Action.Consent.NOT_NEEDED,
        },
    )
    action = Action.objects.get(case=case)
    assert response["Location"] == f"{case.get_absolute_url()}#action-{action.pk}"
    response = client.post(
        reverse("cases:escalation_add", args=[ref]),
        {"audience": "coordinator", "summary": "Worse", "decision_requested": "A meeting"},
    )
    escalation = Escalation.objects.get(case=case)
    assert response["Location"] == f"{case.get_absolute_url()}#escalation-{escalation.pk}"
    entry = services.entry_add(
        case=case,
        author=social_worker,
        kind="note",
        occurred_at=timezone.now(),
        level=Level.L2,
        text="x",
    )
    response = client.post(
        reverse("cases:entry_correct", args=[ref, entry.pk]), {"text": "y"}, follow=True
    )
    correction = ChronologyEntry.objects.get(supersedes=entry)
    assert response.redirect_chain[-1][0] == f"{case.get_absolute_url()}#entry-{correction.pk}"
    body = response.content.decode()
    assert "Correction added; the original entry is kept." in body
    assert f'id="entry-{correction.pk}"' in body
    response = client.post(
        reverse("cases:status", args=[ref]),
        {"version": case.version, "to_status": "information_gathering", "reason": "Gathering"},
    )
    assert response["Location"] == f"{case.get_absolute_url()}#history"


# --- The chronology filter ------------------------------------------------------------------


@pytest.fixture
def chronology(db):
    owner = make_user(role=Role.SOCIAL_WORKER)
    police = make_user(role=Role.POLICE)
    case = make_case(owner=owner)
    join(case, police)
    when = timezone.now() - timedelta(hours=2)
    for author, kind, level, text in (
        (owner, "note", Level.L2, "SOCIAL-NOTE"),
        (owner, "contact", Level.L1, "SOCIAL-CONTACT"),
        (police, "police_information", Level.L4, "POLICE-SECRET"),
        (police, "note", Level.L2, "POLICE-NOTE"),
    ):
        services.entry_add(
            case=case, author=author, kind=kind, occurred_at=when, level=level, text=text
        )
    return case, owner, police


def _shown(client, case, **params) -> set[str]:
    response = client.get(case.get_absolute_url(), params)
    return {entry.text for entry in response.context["detail"].entries}


def test_the_chronology_filters_by_kind_level_and_agency(client, chronology):
    case, owner, police = chronology
    client.force_login(owner)
    assert _shown(client, case) == {"SOCIAL-NOTE", "SOCIAL-CONTACT", "POLICE-NOTE"}
    assert _shown(client, case, kind="note") == {"SOCIAL-NOTE", "POLICE-NOTE"}
    assert _shown(client, case, level=1) == {"SOCIAL-CONTACT"}
    assert _shown(client, case, agency=police.profile.agency_id) == {"POLICE-NOTE"}
    assert _shown(client, case, kind="note", agency=owner.profile.agency_id) == {"SOCIAL-NOTE"}
    body = client.get(case.get_absolute_url(), {"level": 1}).content.decode()
    assert "1 entry matches the filter." in body


def test_the_filter_shows_only_what_the_reader_may_read(client, chronology):
    case, owner, police = chronology
    client.force_login(owner)
    assert _shown(client, case, level=4) == set()
    assert _shown(client, case, kind="police_information") == set()
    client.force_login(police)
    assert _shown(client, case, level=4) == {"POLICE-SECRET"}


def test_the_agency_filter_offers_only_agencies_of_entries_the_reader_sees(client, db):
    owner = make_user(role=Role.SOCIAL_WORKER)
    police = make_user(role=Role.POLICE)
    case = make_case(owner=owner)
    join(case, police)
    services.entry_add(
        case=case,
        author=police,
        kind="police_information",
        occurred_at=timezone.now(),
        level=Level.L4,
        text="only police",
    )
    client.force_login(owner)
    form = client.get(case.get_absolute_url()).context["entry_form"]
    assert police.profile.agency_id not in [v for v, _label in form.fields["agency"].widget.choices]
    client.force_login(police)
    form = client.get(case.get_absolute_url()).context["entry_form"]
    assert police.profile.agency_id in [v for v, _label in form.fields["agency"].widget.choices]


def test_a_bad_filter_value_shows_the_whole_chronology(client, chronology):
    case, owner, _police = chronology
    client.force_login(owner)
    assert len(_shown(client, case, level="x", kind="nonsense")) == 3
