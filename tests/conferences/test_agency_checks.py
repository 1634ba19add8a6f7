"""Issue 17, part 5: before the meeting each agency on the series answers, per case on the
published agenda, what it holds. The chair sees who has not answered; an answer's content is
read only as its level allows; the live screen includes the same partial."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import Level, Role
from cases import services as case_services
from cases.models import ChronologyEntry
from conferences import selectors, services
from conferences.models import AgencyCheck, Meeting
from privacy import subject_rights
from tests.factories import make_case, make_user

A = AgencyCheck.Answer
HELD_REASON = "Source protection: CANARY-HELD-REASON-311"


@pytest.fixture
def item(meeting, coordinator, social_worker, police_officer, signed):
    """A case on the agenda seen by the chair, the social worker and the police officer."""
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="conference"
    )
    signed(coordinator, social_worker, police_officer)
    return services.agenda_add_case(meeting=meeting, user=coordinator, case=case)


@pytest.fixture
def published(meeting, item):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PUBLISHED)
    item.meeting.refresh_from_db()
    return item


def snapshot() -> dict:
    return {
        model: list(model.objects.order_by("pk").values())
        for model in (AgencyCheck, ChronologyEntry)
    }


def test_the_agencies_asked_are_those_of_the_core_members_who_work_on_cases(
    series, coordinator, social_worker, police_officer, partner
):
    series.core_members.add(partner)
    asked = list(selectors.checking_agencies(series=series))
    assert set(asked) == {
        coordinator.profile.agency,
        social_worker.profile.agency,
        police_officer.profile.agency,
    }


def test_nothing_is_asked_before_the_agenda_is_published(item, social_worker):
    assert selectors.agency_checks_unanswered(user=social_worker).count() == 0
    with pytest.raises(ValidationError):
        services.agency_check_answer(
            item=item, user=social_worker, answer=A.NO_TRACE, level=Level.L2
        )
    assert not AgencyCheck.objects.exists()


def test_each_agency_answers_once_and_the_chair_sees_who_has_not(
    client, published, coordinator, social_worker, police_officer
):
    item = published
    for user in (social_worker, police_officer, coordinator):
        assert list(selectors.agency_checks_unanswered(user=user)) == [item]
    services.agency_check_answer(item=item, user=social_worker, answer=A.NO_TRACE, level=2)
    assert selectors.agency_checks_unanswered(user=social_worker).count() == 0
    assert selectors.agency_checks_unanswered(user=police_officer).count() == 1
    client.force_login(coordinator)
    response = client.get(reverse("conferences:checks", args=[item.meeting_id]))
    assert response.status_code == 200
    (entry,) = response.context["items"]
    assert set(entry.unanswered) == {
        coordinator.profile.agency,
        police_officer.profile.agency,
    }
    assert response.context["unanswered"] == 2
    assert "2 answers missing" in response.content.decode()


def test_the_home_tile_counts_the_list_it_links_to(client, published, social_worker):
    client.force_login(social_worker)
    home = client.get(reverse("home"))
    (tile,) = [t for t in home.context["tiles"] if t.key == "checks-unanswered"]
    listed = client.get(tile.url)
    assert (tile.count, listed.context["page"].paginator.count) == (1, 1)
    assert published.case.reference in listed.content.decode()


def test_an_agency_that_does_not_see_the_case_is_asked_nothing_but_shows_unanswered(
    client, published, coordinator, police_officer
):
    item = published
    other_police = make_user(role=Role.POLICE)
    item.meeting.series.core_members.add(other_police)
    assert selectors.agency_checks_unanswered(user=other_police).count() == 0
    services.declaration_sign(meeting=item.meeting, user=other_police)
    client.force_login(other_police)
    assert (
        client.get(reverse("conferences:check", args=[item.meeting_id, item.pk])).status_code == 404
    )
    rows = selectors.agency_checks_for_item(item, coordinator)
    assert other_police.profile.agency in [row.agency for row in rows if not row.answered]


def test_relevant_and_shared_writes_a_chronology_entry_at_the_answers_level(
    client, published, police_officer, social_worker
):
    item = published
    client.force_login(police_officer)
    response = client.post(
        reverse("conferences:check", args=[item.meeting_id, item.pk]),
        {"answer": A.SHARED, "entry_text": "Known for threats in 2025.", "level": Level.L3},
    )
    assert response.status_code == 302
    check = AgencyCheck.objects.get()
    assert (check.answer, check.level, check.agency) == (
        A.SHARED,
        Level.L3,
        police_officer.profile.agency,
    )
    entry = check.entry
    assert (entry.case, entry.level, entry.agency, entry.author) == (
        item.case,
        Level.L3,
        police_officer.profile.agency,
        police_officer,
    )
    # L3 of the police: the social worker sees that the police answered, not what.
    (row,) = [r for r in selectors.agency_checks_for_item(item, social_worker) if r.answered]
    assert not row.readable
    html = render_to_string(
        "conferences/partials/agency_checks.html",
        {"agency_checks": selectors.agency_checks_for_item(item, social_worker), "item": item},
    )
    assert "Known for threats" not in html
    assert "Relevant, shared" not in html
    assert "at a level you may not read" in html


def test_held_but_not_shared_needs_a_reason_and_the_reason_stays_at_its_level(
    client, published, coordinator, police_officer
):
    item = published
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.agency_check_answer(item=item, user=police_officer, answer=A.HELD, level=4)
    assert "reason" in refused.value.error_dict
    assert snapshot() == before
    client.force_login(police_officer)
    url = reverse("conferences:check", args=[item.meeting_id, item.pk])
    response = client.post(url, {"answer": A.HELD, "level": Level.L4})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert snapshot() == before
    client.post(url, {"answer": A.HELD, "reason": HELD_REASON, "level": Level.L4})
    assert AgencyCheck.objects.get().reason == HELD_REASON
    # The chair (L2) sees the police answered, never the reason; the police officer sees it.
    client.force_login(coordinator)
    body = client.get(reverse("conferences:checks", args=[item.meeting_id])).content.decode()
    assert HELD_REASON not in body
    (row,) = [r for r in selectors.agency_checks_for_item(item, police_officer) if r.answered]
    assert row.readable and row.check.reason == HELD_REASON


def test_an_answer_is_replaced_only_by_someone_who_may_read_it(
    published, police_officer, social_worker
):
    item = published
    services.agency_check_answer(
        item=item, user=police_officer, answer=A.HELD, reason="Source", level=Level.L4
    )
    # A social worker of the police agency (L2) may not overwrite the agency's L4 answer.
    colleague = make_user(role=Role.SOCIAL_WORKER, agency=police_officer.profile.agency)
    item.meeting.series.core_members.add(colleague)
    case_services.team_add_user(
        case=item.case, user=colleague, granted_by=social_worker, reason="conference"
    )
    before = snapshot()
    with pytest.raises(ValidationError):
        services.agency_check_answer(item=item, user=colleague, answer=A.NO_TRACE, level=2)
    assert snapshot() == before
    services.agency_check_answer(item=item, user=police_officer, answer=A.NO_TRACE, level=2)
    check = AgencyCheck.objects.get()
    assert (check.answer, check.reason, check.level) == (A.NO_TRACE, "", Level.L2)


@pytest.mark.parametrize(
    "role",
    [
        Role.YOUTH_WORKER,
        Role.PARTNER,
        Role.MAYOR_OFFICE,
        Role.ADMIN,
        Role.POLICE,
        Role.SOCIAL_WORKER,
        Role.COORDINATOR,
        Role.INFORMATION_OFFICER,
    ],
)
def test_nobody_outside_an_asked_agency_answers(published, role):
    """Outsiders of every role: not on the series, not of an asked agency."""
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.agency_check_answer(
            item=published, user=make_user(role=role), answer=A.NO_TRACE, level=Level.L1
        )
    assert snapshot() == before


def test_the_information_officer_answers_for_their_agency_when_it_is_asked(
    published, police_officer, info_officer
):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.agency_check_answer(item=published, user=info_officer, answer=A.NO_TRACE, level=2)
    assert snapshot() == before
    colleague_io = make_user(role=Role.INFORMATION_OFFICER, agency=police_officer.profile.agency)
    services.declaration_sign(meeting=published.meeting, user=colleague_io)
    check = services.agency_check_answer(
        item=published, user=colleague_io, answer=A.UNCLEAR, level=Level.L4
    )
    assert check.agency == police_officer.profile.agency


def test_a_restricted_case_takes_no_answer(published, social_worker, info_officer):
    subject_rights.case_restrict(case=published.case, user=info_officer, reason="GDPR art. 18")
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.agency_check_answer(
            item=published, user=social_worker, answer=A.NO_TRACE, level=Level.L2
        )
    assert snapshot() == before


def test_a_level_above_the_writers_clearance_is_refused(published, social_worker):
    before = snapshot()
    with pytest.raises(ValidationError):
        services.agency_check_answer(
            item=published, user=social_worker, answer=A.NO_TRACE, level=Level.L4
        )
    assert snapshot() == before


def test_the_partial_and_the_chairs_page_take_a_fixed_number_of_queries(
    client, published, coordinator, social_worker, police_officer, django_assert_max_num_queries
):
    services.agency_check_answer(item=published, user=social_worker, answer=A.NO_TRACE, level=2)
    with django_assert_max_num_queries(3):
        rows = selectors.agency_checks_for_item(published, coordinator)
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ["Organisatiecheck", "Geen spoor", "Relevant, aanwezig maar niet gedeeld"]),
        ("fr", ["Vérification de l’organisation", "Aucune trace", "Pertinent, partagé"]),
    ],
)
def test_the_pages_read_in_dutch_and_french(
    client, published, coordinator, social_worker, language, expected, compiled
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(social_worker)
    body = client.get(
        reverse("conferences:check", args=[published.meeting_id, published.pk])
    ).content.decode()
    for text in expected:
        assert text in body
    client.force_login(coordinator)
    body = client.get(reverse("conferences:attendance", args=[published.meeting_id])).content
    quorum = {"nl": "2 van de 3 vaste leden van de reeks", "fr": "2 des 3 membres permanents"}
    assert quorum[language] in body.decode()
    translation.activate(settings.LANGUAGE_CODE)  # a request leaves its language on the thread
