"""A conference series names the sharing agreement it discloses under (issue 18, part 1): it
must be in force and cover the agency of everyone at the table when the series is set up, a
guest is invited, the agenda is published (case information first reaches the table) and a
meeting opens. An ended agreement stops new publications and meetings, not the reading of
minutes made under it."""

from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.models import CaseUserObjectPermission
from conferences import selectors, services
from conferences.models import ConferenceSeries, Meeting
from privacy.models import SharingAgreement
from tests.factories import (
    AgencyFactory,
    make_agreement,
    make_case,
    make_user,
    set_meeting_status,
    standing_agreement,
)

pytestmark = pytest.mark.clock


@pytest.fixture
def school(db):
    """An agency outside every agreement."""
    return AgencyFactory(name="Atheneum Noord", kind="school", party=False)


@pytest.fixture
def teacher(school):
    return make_user(role=Role.PARTNER, agency=school)


def create(coordinator, members, **overrides) -> ConferenceSeries:
    fields = {
        "user": coordinator,
        "name": "Hands-on case meeting",
        "kind": ConferenceSeries.Kind.CASE_MEETING,
        "chair": coordinator,
        "core_members": members,
    }
    fields.update(overrides)
    return services.series_create(**fields)


def end(agreement, *, days_ago: int = 1) -> None:
    """The agreement ended that many days before today."""
    SharingAgreement.objects.filter(pk=agreement.pk).update(
        ends_on=timezone.localdate() - timedelta(days=days_ago)
    )


def agenda_with_a_case(series, coordinator, social_worker) -> Meeting:
    meeting = series.meetings.get()
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    return meeting


def test_a_series_names_the_agreement_chosen(coordinator, social_worker):
    own = make_agreement(
        title="Covenant of the cell",
        parties=[coordinator.profile.agency, social_worker.profile.agency],
    )
    series = create(coordinator, [social_worker], agreement=own)
    assert series.agreement == own


def test_a_series_named_no_agreement_goes_under_the_one_in_force_covering_its_members(
    coordinator, social_worker
):
    series = create(coordinator, [social_worker])
    assert series.agreement == standing_agreement()


def test_a_series_under_an_agreement_that_leaves_a_member_out_is_refused(
    coordinator, social_worker, teacher
):
    before = ConferenceSeries.objects.count()
    with pytest.raises(ValidationError) as refusal:
        create(coordinator, [social_worker, teacher], agreement=standing_agreement())
    message = refusal.value.message_dict["agreement"][0]
    assert standing_agreement().title in message
    assert "Atheneum Noord" in message
    assert ConferenceSeries.objects.count() == before


def test_a_series_whose_members_no_agreement_covers_is_refused(coordinator, teacher):
    with pytest.raises(ValidationError) as refusal:
        create(coordinator, [teacher])
    assert "Atheneum Noord" in refusal.value.message_dict["agreement"][0]
    assert not ConferenceSeries.objects.exists()


def test_a_series_under_an_ended_agreement_is_refused(coordinator, social_worker):
    ended = make_agreement(
        title="Old covenant",
        parties=[coordinator.profile.agency, social_worker.profile.agency],
        starts_on=timezone.localdate() - timedelta(days=400),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refusal:
        create(coordinator, [social_worker], agreement=ended)
    assert "Old covenant is not in force today" in refusal.value.message_dict["agreement"][0]
    assert not ConferenceSeries.objects.exists()


def test_a_guest_from_an_agency_outside_the_agreement_is_refused(
    coordinator, social_worker, teacher
):
    series = create(coordinator, [social_worker])
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    item = services.agenda_add_case(meeting=series.meetings.get(), user=coordinator, case=case)
    with pytest.raises(ValidationError) as refusal:
        services.agenda_invite_guest(item=item, user=coordinator, guest=teacher)
    message = refusal.value.message_dict["guest"][0]
    assert "Atheneum Noord" in message and standing_agreement().title in message
    assert not CaseUserObjectPermission.objects.filter(user=teacher).exists()
    item.refresh_from_db()
    assert item.guest is None


def test_a_guest_from_an_agency_inside_the_agreement_is_invited(coordinator, social_worker):
    series = create(coordinator, [social_worker])
    guest = make_user(role=Role.SOCIAL_WORKER)
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    item = services.agenda_add_case(meeting=series.meetings.get(), user=coordinator, case=case)
    services.agenda_invite_guest(item=item, user=coordinator, guest=guest)
    item.refresh_from_db()
    assert item.guest == guest


def test_an_agenda_is_published_on_the_last_day_of_the_agreement(coordinator, social_worker):
    series = create(coordinator, [social_worker])
    end(series.agreement, days_ago=0)
    meeting = agenda_with_a_case(series, coordinator, social_worker)
    services.agenda_publish(meeting=meeting, user=coordinator)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def test_no_agenda_is_published_the_day_after_the_agreement_ended(coordinator, social_worker):
    series = create(coordinator, [social_worker])
    meeting = agenda_with_a_case(series, coordinator, social_worker)
    end(series.agreement, days_ago=0)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        if meeting.starts_at <= timezone.now():  # the meeting is tomorrow: call a later one
            meeting = services.meeting_call_ad_hoc(
                series=series, user=coordinator, starts_at=timezone.now() + timedelta(days=2)
            )
            services.agenda_add_general(meeting=meeting, user=coordinator, title="Partners")
        with pytest.raises(ValidationError) as refusal:
            services.agenda_publish(meeting=meeting, user=coordinator)
    assert "is not in force today" in refusal.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_an_agenda_is_not_published_while_someone_at_the_table_is_outside_the_agreement(
    coordinator, social_worker, teacher
):
    series = create(coordinator, [social_worker])
    meeting = agenda_with_a_case(series, coordinator, social_worker)
    # A member put on the series before agreements were named (as the migration leaves them).
    series.core_members.add(teacher)
    with pytest.raises(ValidationError) as refusal:
        services.agenda_publish(meeting=meeting, user=coordinator)
    assert "Atheneum Noord" in refusal.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_a_series_without_an_agreement_publishes_once_the_chair_names_one(
    client, coordinator, social_worker
):
    series = create(coordinator, [social_worker])
    ConferenceSeries.objects.filter(pk=series.pk).update(agreement=None)
    series.refresh_from_db()
    meeting = agenda_with_a_case(series, coordinator, social_worker)
    with pytest.raises(ValidationError) as refusal:
        services.agenda_publish(meeting=meeting, user=coordinator)
    assert "names no sharing agreement" in refusal.value.messages[0]
    client.force_login(coordinator)
    page = client.get(series.get_absolute_url())
    assert b"None named" in page.content
    response = client.post(
        reverse("conferences:series_agreement", args=[series.pk]),
        {"agreement": standing_agreement().pk},
    )
    assert response.status_code == 302
    services.agenda_publish(meeting=meeting, user=coordinator)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def test_naming_an_agreement_that_leaves_a_member_out_is_refused(
    coordinator, social_worker, school
):
    series = create(coordinator, [social_worker])
    theirs = make_agreement(title="The school's covenant", parties=[school])
    with pytest.raises(ValidationError) as refusal:
        services.series_set_agreement(series=series, user=coordinator, agreement=theirs)
    assert "The school's covenant does not cover" in refusal.value.message_dict["agreement"][0]
    series.refresh_from_db()
    assert series.agreement == standing_agreement()


def test_the_series_form_offers_only_agreements_in_force(client, coordinator, social_worker):
    make_agreement(
        title="Ended covenant",
        parties=[coordinator.profile.agency],
        starts_on=timezone.localdate() - timedelta(days=400),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(coordinator)
    page = client.get(reverse("conferences:series_new"))
    assert standing_agreement().title.encode() in page.content
    assert b"Ended covenant" not in page.content


def test_an_ended_agreement_stops_the_meeting_opening_not_the_reading_of_its_minutes(
    coordinator, social_worker
):
    series = create(coordinator, [social_worker])
    held = agenda_with_a_case(series, coordinator, social_worker)
    services.declaration_sign(meeting=held, user=coordinator)
    item = held.items.get()
    set_meeting_status(held, Meeting.Status.OPEN)
    services.minute_record(
        item=item, user=coordinator, decision="continue", level=2, discussion="Went well."
    )
    set_meeting_status(held, Meeting.Status.CLOSED)
    services.minutes_finalise(meeting=held, user=coordinator)
    upcoming = series.meetings.exclude(pk=held.pk).get()
    services.agenda_add_general(meeting=upcoming, user=coordinator, title="Partners")
    services.agenda_publish(meeting=upcoming, user=coordinator)
    end(series.agreement)
    with pytest.raises(ValidationError) as refusal:
        services.meeting_open(meeting=upcoming, user=coordinator)
    assert "is not in force today" in refusal.value.messages[0]
    upcoming.refresh_from_db()
    assert upcoming.status == Meeting.Status.PUBLISHED
    minutes = selectors.minutes(user=coordinator, meeting=held)
    assert [m.discussion for m in minutes] == ["Went well."]


def test_the_migration_names_the_one_agreement_covering_a_series_and_no_other(
    coordinator, social_worker
):
    from importlib import import_module

    link = import_module("conferences.migrations.0006_series_agreement").link_agreements
    alone = create(coordinator, [social_worker])
    ConferenceSeries.objects.filter(pk=alone.pk).update(agreement=None)
    link(apps, None)
    alone.refresh_from_db()
    assert alone.agreement == standing_agreement()
    # A second agreement covering the same members: which one they meant is not for a
    # migration to guess.
    make_agreement(
        title="Second covenant",
        parties=[coordinator.profile.agency, social_worker.profile.agency],
    )
    ConferenceSeries.objects.filter(pk=alone.pk).update(agreement=None)
    link(apps, None)
    alone.refresh_from_db()
    assert alone.agreement is None
