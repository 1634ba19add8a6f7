"""Issue 17, part 4: everyone's attendance in one submit, the quorum, and a declared conflict
of interest that recuses an attendee from one item, hiding it from them everywhere."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from access import policy
from accounts.models import Role
from cases import services as case_services
from conferences import selectors, services
from conferences.models import AgendaItem, Attendance, Meeting, Recusal
from tests.factories import make_case, make_user


@pytest.fixture
def item(meeting, coordinator, social_worker, police_officer, signed):
    """A case item seen by the chair, the social worker and the police officer, all signed."""
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="conference"
    )
    signed(coordinator, social_worker, police_officer)
    return services.agenda_add_case(meeting=meeting, user=coordinator, case=case)


def formset_data(rows, **statuses) -> dict:
    """The attendance formset as the page posts it: {username: (status, extra fields)}."""
    data = {
        "attendance-TOTAL_FORMS": len(rows),
        "attendance-INITIAL_FORMS": len(rows),
        "attendance-MIN_NUM_FORMS": len(rows),
        "attendance-MAX_NUM_FORMS": len(rows),
    }
    for index, row in enumerate(rows):
        status, extra = statuses.get(row.user.username, ("invited", {}))
        data[f"attendance-{index}-attendee"] = row.user_id
        data[f"attendance-{index}-status"] = status
        for name, value in extra.items():
            data[f"attendance-{index}-{name}"] = value
    return data


# --- Attendance on one screen ---------------------------------------------------------------


def test_the_page_lists_everyone_invited_and_says_what_the_quorum_is(
    client, meeting, coordinator, social_worker, police_officer
):
    client.force_login(coordinator)
    response = client.get(reverse("conferences:attendance", args=[meeting.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert len(response.context["formset"].forms) == 3
    for user in (coordinator, social_worker, police_officer):
        assert user.get_full_name() in body
    # Three core members: two make the quorum, said plainly.
    assert "2 of the 3 core members of the series" in body
    assert "no quorum" in body


def test_one_submit_records_everyone(client, meeting, coordinator, social_worker, police_officer):
    rows = selectors.invitees(meeting=meeting)
    delegate = make_user(role=Role.POLICE, agency=police_officer.profile.agency)
    Attendance.objects.create(meeting=meeting, user=delegate)
    rows = selectors.invitees(meeting=meeting)
    client.force_login(coordinator)
    response = client.post(
        reverse("conferences:attendance", args=[meeting.pk]),
        formset_data(
            rows,
            **{
                coordinator.username: ("present", {}),
                social_worker.username: ("apologies", {"information_sent": "on"}),
                police_officer.username: ("apologies", {}),
                delegate.username: ("delegate", {"delegate_for": police_officer.pk}),
            },
        ),
    )
    assert response.status_code == 302
    got = {a.user_id: a for a in meeting.attendances.all()}
    assert got[coordinator.pk].status == "present"
    assert (got[social_worker.pk].status, got[social_worker.pk].information_sent) == (
        "apologies",
        True,
    )
    assert got[police_officer.pk].information_sent is False
    assert (got[delegate.pk].status, got[delegate.pk].delegate_for_id) == (
        "delegate",
        police_officer.pk,
    )
    # The chair in person and the police through their delegate: 2 of 3.
    assert selectors.quorum(meeting=meeting).reached


def test_an_error_shows_in_the_summary_and_nothing_typed_is_lost_nor_saved(
    client, meeting, coordinator, social_worker, police_officer
):
    rows = selectors.invitees(meeting=meeting)
    before = list(meeting.attendances.order_by("pk").values())
    client.force_login(coordinator)
    response = client.post(
        reverse("conferences:attendance", args=[meeting.pk]),
        formset_data(
            rows,
            **{
                coordinator.username: ("present", {}),
                social_worker.username: ("apologies", {"information_sent": "on"}),
                police_officer.username: ("delegate", {}),
            },
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Say whom the delegate stands in for." in body
    # What was typed on the other rows is shown again, chosen as it was.
    social_index = [r.user_id for r in rows].index(social_worker.pk)
    assert (
        f'id="id_attendance-{social_index}-status_2" name="attendance-{social_index}-status"'
        in (body)
    )
    assert 'value="apologies" checked' in body
    assert list(meeting.attendances.order_by("pk").values()) == before


def test_a_delegate_stands_in_for_a_core_member_and_only_those_invited_are_recorded(
    meeting, coordinator, social_worker
):
    stranger = make_user(role=Role.SOCIAL_WORKER)
    before = list(meeting.attendances.order_by("pk").values())
    with pytest.raises(ValidationError) as refused:
        services.attendance_record_all(
            meeting=meeting,
            user=coordinator,
            rows=[
                {"attendee": coordinator, "status": "present"},
                {"attendee": social_worker, "status": "delegate", "delegate_for": stranger},
                {"attendee": stranger, "status": "present"},
            ],
        )
    assert set(refused.value.error_dict) == {"1-delegate_for", "2-attendee"}
    assert list(meeting.attendances.order_by("pk").values()) == before


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.POLICE, Role.INFORMATION_OFFICER, Role.PARTNER, Role.ADMIN]
)
def test_only_the_chair_records_attendance(meeting, social_worker, role):
    before = list(Attendance.objects.order_by("pk").values())
    with pytest.raises(PermissionDenied):
        services.attendance_record_all(
            meeting=meeting,
            user=make_user(role=role),
            rows=[{"attendee": social_worker, "status": "present"}],
        )
    assert list(Attendance.objects.order_by("pk").values()) == before


def test_rows_that_change_nothing_are_not_written(meeting, coordinator, social_worker):
    written = services.attendance_record_all(
        meeting=meeting,
        user=coordinator,
        rows=[
            {"attendee": coordinator, "status": "invited"},
            {"attendee": social_worker, "status": "present"},
        ],
    )
    assert written == 1


# --- Recusals -------------------------------------------------------------------------------


def test_a_recused_attendee_no_longer_sees_the_item_anywhere(
    client, meeting, item, coordinator, social_worker, police_officer
):
    reference = item.case.reference
    services.recusal_record(
        item=item, user=coordinator, attendee=social_worker, interest="Neighbour of the family"
    )
    assert not policy.may_see_agenda_item(social_worker, item)
    assert policy.may_see_agenda_item(police_officer, item)
    client.force_login(social_worker)
    for page in ("conferences:meeting", "conferences:minutes"):
        response = client.get(reverse(page, args=[meeting.pk]))
        assert response.status_code == 200
        assert item.pk not in [i.pk for i in response.context["items"]]
        assert reference not in response.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PUBLISHED)
    answer = reverse("conferences:check", args=[meeting.pk, item.pk])
    assert client.get(answer).status_code == 404
    assert selectors.agency_checks_for_item(item, social_worker) == []
    # Not the case itself: the recusal is from the item, the case team stays as it was.
    assert client.get(item.case.get_absolute_url()).status_code == 200
    client.force_login(police_officer)
    assert client.get(answer).status_code == 200


def test_a_recused_chair_cannot_open_nor_minute_the_item(
    client, meeting, item, coordinator, social_worker
):
    colleague = make_user(role=Role.COORDINATOR, agency=coordinator.profile.agency)
    services.declaration_sign(meeting=meeting, user=colleague)
    Attendance.objects.create(meeting=meeting, user=colleague)
    client.force_login(colleague)
    minute = reverse("conferences:minute", args=[meeting.pk, item.pk])
    assert client.get(minute).status_code == 200
    services.recusal_record(item=item, user=coordinator, attendee=colleague)
    assert client.get(minute).status_code == 404
    assert client.get(reverse("conferences:amend", args=[meeting.pk, item.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.minute_record(
            item=item, user=colleague, discussion="x", decision="continue", level=2
        )
    # Nor record a recusal on it (nor learn of it through the recusal form).
    response = client.get(reverse("conferences:recusal", args=[meeting.pk]))
    assert str(item.pk) not in [
        str(v) for v, _label in response.context["form"].fields["item"].choices
    ]


def test_the_information_officer_is_recused_too(meeting, item, coordinator, info_officer):
    Attendance.objects.create(meeting=meeting, user=info_officer)
    assert policy.may_see_agenda_item(info_officer, item)
    services.recusal_record(item=item, user=coordinator, attendee=info_officer)
    assert not policy.may_see_agenda_item(info_officer, item)
    assert not AgendaItem.objects.filter(policy.agenda_item_filter(info_officer)).exists()


def test_the_minutes_list_the_recusal_for_those_who_see_the_item(
    client, meeting, item, coordinator, social_worker, police_officer
):
    services.recusal_record(
        item=item, user=coordinator, attendee=social_worker, interest="Neighbour of the family"
    )
    client.force_login(police_officer)
    response = client.get(reverse("conferences:minutes", args=[meeting.pk]))
    (recusal,) = response.context["recusals"]
    assert (recusal.user, recusal.item, recusal.recorded_by) == (social_worker, item, coordinator)
    body = response.content.decode()
    assert "Neighbour of the family" in body
    assert social_worker.get_full_name() in body
    # The recused attendee's copy lists no recusal on an item hidden from them.
    client.force_login(social_worker)
    response = client.get(reverse("conferences:minutes", args=[meeting.pk]))
    assert response.context["recusals"] == []
    assert "Neighbour of the family" not in response.content.decode()


def test_the_recusal_form_records_who_when_and_by_whom(
    client, meeting, item, coordinator, police_officer
):
    client.force_login(coordinator)
    response = client.post(
        reverse("conferences:recusal", args=[meeting.pk]),
        {"item": item.pk, "attendee": police_officer.pk, "interest": "Relative"},
    )
    assert response.status_code == 302
    recusal = Recusal.objects.get()
    assert (recusal.item, recusal.user, recusal.recorded_by, recusal.interest) == (
        item,
        police_officer,
        coordinator,
        "Relative",
    )
    assert recusal.declared_at is not None
    page = client.get(reverse("conferences:attendance", args=[meeting.pk]))
    assert "Relative" in page.content.decode()


def test_a_recusal_is_refused_for_someone_not_invited_twice_or_on_final_minutes(
    meeting, item, coordinator, social_worker
):
    stranger = make_user(role=Role.SOCIAL_WORKER)
    with pytest.raises(ValidationError):
        services.recusal_record(item=item, user=coordinator, attendee=stranger)
    services.recusal_record(item=item, user=coordinator, attendee=social_worker)
    with pytest.raises(ValidationError):
        services.recusal_record(item=item, user=coordinator, attendee=social_worker)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.FINAL)
    item.meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        services.recusal_record(item=item, user=coordinator, attendee=coordinator)
    assert Recusal.objects.count() == 1


@pytest.mark.parametrize(
    "role",
    [
        Role.SOCIAL_WORKER,
        Role.POLICE,
        Role.INFORMATION_OFFICER,
        Role.YOUTH_WORKER,
        Role.PARTNER,
        Role.MAYOR_OFFICE,
        Role.ADMIN,
    ],
)
def test_only_a_chair_who_sees_the_item_records_a_recusal(meeting, item, social_worker, role):
    with pytest.raises(PermissionDenied):
        services.recusal_record(item=item, user=make_user(role=role), attendee=social_worker)
    # A coordinator chairs by role, but not an item on a case they may not see.
    with pytest.raises(PermissionDenied):
        services.recusal_record(
            item=item, user=make_user(role=Role.COORDINATOR), attendee=social_worker
        )
    assert not Recusal.objects.exists()
