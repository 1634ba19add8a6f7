"""The conference lists are searchable as well as paginated: the upcoming meetings by the
series' name or the place (and by status), a series' meetings by place, the agency checks to
answer by the case's reference. A search finds only within what the list shows its reader."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from conferences import services
from conferences.models import ConferenceSeries, Meeting
from tests.factories import make_case

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def youth_series(coordinator, social_worker):
    return services.series_create(
        user=coordinator,
        name="Youth round table",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=coordinator,
        core_members=[social_worker],
        default_location="Youth centre De Branding",
    )


def shown(response) -> set[Meeting]:
    return set(response.context["page"].object_list)


def test_the_upcoming_meetings_are_found_by_series_or_place_and_status(
    client, coordinator, meeting, youth_series
):
    youth_meeting = youth_series.meetings.get()
    client.force_login(coordinator)
    url = reverse("conferences:list")
    assert shown(client.get(url)) == {meeting, youth_meeting}
    assert shown(client.get(url, {"q": "round TABLE"})) == {youth_meeting}
    assert shown(client.get(url, {"q": "town hall"})) == {meeting}
    services.meeting_call_ad_hoc(
        series=youth_series,
        user=coordinator,
        starts_at=timezone.now() + timedelta(days=2),
        location="Town hall, room 1",
    )
    ad_hoc = youth_series.meetings.get(is_ad_hoc=True)
    assert shown(client.get(url, {"q": "town hall"})) == {meeting, ad_hoc}
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PUBLISHED)
    assert shown(client.get(url, {"q": "town hall", "status": "published"})) == {meeting}
    assert shown(client.get(url, {"q": "town hall", "status": "planned"})) == {ad_hoc}
    nothing = client.get(url, {"q": "Harbour"})
    assert shown(nothing) == set()
    assert "No upcoming meeting matches your search." in nothing.content.decode()


def test_a_search_finds_no_meeting_of_a_series_the_reader_is_not_in(
    client, police_officer, meeting, youth_series
):
    client.force_login(police_officer)
    url = reverse("conferences:list")
    assert shown(client.get(url, {"q": "youth"})) == set()
    assert shown(client.get(url, {"q": ""})) == {meeting}


def test_a_series_meetings_are_found_by_place(client, coordinator, series, meeting):
    elsewhere = services.meeting_call_ad_hoc(
        series=series,
        user=coordinator,
        starts_at=timezone.now() + timedelta(days=2),
        location="Police station, Noord",
    )
    client.force_login(coordinator)
    url = series.get_absolute_url()
    assert shown(client.get(url, {"q": "noord"})) == {elsewhere}
    assert shown(client.get(url, {"q": "Town hall"})) == {meeting}
    body = client.get(url, {"q": "Harbour"}).content.decode()
    assert "No meeting of this series matches your search." in body


def test_the_agency_checks_are_found_by_case_reference(
    client, coordinator, social_worker, police_officer, meeting, signed
):
    signed(coordinator, social_worker, police_officer)
    lead = coordinator.profile.agency
    cases = [make_case(owner=social_worker, lead_agency=lead) for _ in range(2)]
    for case in cases:
        case_services.team_add_user(
            case=case, user=police_officer, granted_by=social_worker, reason="conference"
        )
        services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PUBLISHED)
    client.force_login(police_officer)
    url = reverse("conferences:checks_todo")
    assert {item.case for item in client.get(url).context["page"]} == set(cases)
    found = client.get(url, {"q": cases[1].reference.lower()}).context["page"]
    assert [item.case for item in found] == [cases[1]]
    body = client.get(url, {"q": "C-1999"}).content.decode()
    assert "No check to answer matches your search." in body
