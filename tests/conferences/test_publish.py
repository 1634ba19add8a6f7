"""Publishing an agenda puts its cases "on agenda", but only the cases the publisher may see."""

from django.core import mail
from django.urls import reverse

from accounts.models import Role
from cases import services as case_services
from cases.models import Case
from conferences import services
from conferences.models import ConferenceSeries, Meeting
from tests.factories import make_case, make_user


def gathering(case, user) -> Case:
    return case_services.case_change_status(
        case=case,
        user=user,
        to_status=Case.Status.INFORMATION_GATHERING,
        reason="Gathering",
        expected_version=case.version,
    )


def test_publishing_leaves_a_case_the_publisher_may_not_see_as_it_was(
    coordinator, social_worker, police_officer
):
    series = services.series_create(
        user=coordinator,
        name="Police-prevention case conference",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=police_officer,
        core_members=[coordinator],
    )
    meeting = series.meetings.get()
    shared = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    owner = make_user(role=Role.SOCIAL_WORKER)
    hidden = make_case(owner=owner)  # the coordinator is not on this one
    for case, by in ((shared, social_worker), (hidden, owner)):
        case_services.team_add_user(case=case, user=police_officer, granted_by=by, reason="cc")
        services.agenda_add_case(meeting=meeting, user=police_officer, case=gathering(case, by))
    services.agenda_publish(meeting=meeting, user=coordinator)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    shared.refresh_from_db()
    hidden.refresh_from_db()
    assert shared.status == Case.Status.ON_AGENDA
    assert hidden.status == Case.Status.INFORMATION_GATHERING


# --- Issue 16: the chair sees who will be told before publishing ------------------------------


def test_the_preview_lists_who_will_be_told_and_publishing_tells_exactly_them(
    client, coordinator, social_worker, police_officer, django_capture_on_commit_callbacks
):
    silent = make_user(role=Role.SOCIAL_WORKER, email="")
    left = make_user(role=Role.SOCIAL_WORKER, first_name="Gone")
    left.is_active = False
    left.save()
    series = services.series_create(
        user=coordinator,
        name="Case conference",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=coordinator,
        core_members=[social_worker, police_officer, silent, left],
    )
    meeting = series.meetings.get()
    services.declaration_sign(meeting=meeting, user=coordinator)
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    services.agenda_add_case(meeting=meeting, user=coordinator, case=gathering(case, social_worker))
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("conferences:publish", args=[meeting.pk]))
    body = response.content.decode()
    listed = response.context["notified"]
    # The chair attends: told too, as the e-mail goes to every attendee and core member.
    assert set(listed) == {coordinator, social_worker, police_officer}
    for person in listed:
        assert f"{person.get_full_name()} · {person.profile.agency.name}" in body
    assert silent.last_name not in body and "Gone" not in body
    assert "1 item" in body
    assert "Publish and notify 3 people" in body
    meeting.refresh_from_db()
    assert (meeting.status, mail.outbox) == (Meeting.Status.PLANNED, [])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("conferences:agenda", args=[meeting.pk]), {"action": "publish"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    assert sorted(to for m in mail.outbox for to in m.to) == sorted(p.email for p in listed)


def test_the_preview_offers_no_button_for_an_empty_or_published_agenda(client, coordinator):
    series = services.series_create(
        user=coordinator,
        name="Case conference",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=coordinator,
        core_members=[],
    )
    meeting = series.meetings.get()
    services.declaration_sign(meeting=meeting, user=coordinator)
    client.force_login(coordinator)
    body = client.get(reverse("conferences:publish", args=[meeting.pk])).content.decode()
    assert "there is nothing to publish" in body and 'value="publish"' not in body
