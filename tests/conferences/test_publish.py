"""Publishing an agenda puts its cases "on agenda", but only the cases the publisher may see."""

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
