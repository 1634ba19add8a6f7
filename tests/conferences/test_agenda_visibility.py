"""Each attendee's view of the agenda and the minutes is filtered by the policy."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, Role
from cases import services as case_services
from conferences import services
from conferences.models import AgendaItem
from tests.factories import make_case, make_user, set_meeting_status


@pytest.fixture
def items(meeting, coordinator, social_worker, police_officer, other_social_worker):
    """Three case items: on a case the social worker is on, a police-only item on that case's
    sibling, and a case nobody in the series may see but its owner."""
    ours = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=ours, user=police_officer, granted_by=social_worker, reason="conference"
    )
    police_only = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=police_only, user=police_officer, granted_by=social_worker, reason="conference"
    )
    hidden = make_case(owner=other_social_worker)
    services.declaration_sign(meeting=meeting, user=coordinator)
    first = services.agenda_add_case(meeting=meeting, user=coordinator, case=ours)
    restricted = services.agenda_add_case(meeting=meeting, user=coordinator, case=police_only)
    services.agenda_restrict(item=restricted, user=coordinator, level=Level.L4)
    general = services.agenda_add_general(meeting=meeting, user=coordinator, title="AOB")
    return {"ours": first, "restricted": restricted, "general": general, "hidden": hidden}


def agenda_refs(client, meeting):
    items = client.get(reverse("conferences:meeting", args=[meeting.pk])).context["items"]
    return [i.case.reference if i.case else i.title for i in items]


def test_nobody_sees_agenda_content_before_signing(client, meeting, items, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("conferences:meeting", args=[meeting.pk]))
    body = response.content.decode()
    assert response.context["items"] == []
    assert items["ours"].case.reference not in body
    assert 'id="declaration"' in body
    assert client.get(reverse("conferences:minutes", args=[meeting.pk])).status_code == 302


def test_a_restricted_item_is_hidden_existence_included_below_its_level(
    client, meeting, items, social_worker, police_officer, signed
):
    signed(social_worker, police_officer)
    client.force_login(social_worker)
    assert agenda_refs(client, meeting) == [items["ours"].case.reference, "AOB"]
    client.force_login(police_officer)
    assert agenda_refs(client, meeting) == [
        items["ours"].case.reference,
        items["restricted"].case.reference,
        "AOB",
    ]


def test_a_member_not_on_a_case_does_not_see_its_item(
    client, meeting, coordinator, social_worker, signed
):
    stranger_case = make_case()  # a case of another agency: the social worker is not on it
    case_services.team_add_user(
        case=stranger_case, user=coordinator, granted_by=stranger_case.owner, reason="chair"
    )
    services.declaration_sign(meeting=meeting, user=coordinator)
    services.agenda_add_case(meeting=meeting, user=coordinator, case=stranger_case)
    signed(social_worker)
    client.force_login(social_worker)
    assert stranger_case.reference not in agenda_refs(client, meeting)


def test_the_chair_cannot_add_a_case_they_may_not_see(client, meeting, coordinator, items):
    client.force_login(coordinator)
    response = client.post(
        reverse("conferences:agenda", args=[meeting.pk]),
        {"action": "add_case", "case-reference": items["hidden"].reference},
    )
    assert "No case with this reference that you can see." in response.content.decode()
    assert not AgendaItem.objects.filter(case=items["hidden"]).exists()


def test_minutes_show_each_reader_only_what_their_level_allows(
    client, meeting, coordinator, social_worker, items, signed
):
    limited = make_user(role=Role.SOCIAL_WORKER, agency=social_worker.profile.agency)
    limited.profile.clearance = Level.L1
    limited.profile.save()
    meeting.series.core_members.add(limited)
    case_services.team_add_user(
        case=items["ours"].case, user=limited, granted_by=social_worker, reason="conference"
    )
    signed(social_worker, limited)
    set_meeting_status(meeting, "open")
    services.minute_record(
        item=items["ours"],
        user=coordinator,
        decision="continue",
        level=Level.L2,
        discussion="Shared under professional secrecy",
    )
    client.force_login(social_worker)
    assert (
        "Shared under professional secrecy"
        in client.get(reverse("conferences:minutes", args=[meeting.pk])).content.decode()
    )
    client.force_login(limited)
    body = client.get(reverse("conferences:minutes", args=[meeting.pk])).content.decode()
    assert "Shared under professional secrecy" not in body
    assert "at a level you may not read" in body


def test_someone_outside_the_series_does_not_see_the_meeting(client, meeting, db):
    outsider = make_user(role=Role.SOCIAL_WORKER)
    client.force_login(outsider)
    assert client.get(reverse("conferences:meeting", args=[meeting.pk])).status_code == 404
    assert meeting not in client.get(reverse("conferences:list")).context["page"].object_list


def test_a_guest_sees_the_meeting_and_their_item_only_until_the_day_after(
    client, meeting, coordinator, items, db
):
    guest = make_user(role=Role.SOCIAL_WORKER)
    services.agenda_invite_guest(item=items["ours"], user=coordinator, guest=guest)
    services.declaration_sign(meeting=meeting, user=guest)
    client.force_login(guest)
    assert agenda_refs(client, meeting) == [items["ours"].case.reference, "AOB"]
    grant = items["ours"].case.caseuserobjectpermission_set.get(user=guest)
    # The series meets within the week: the day after, unless that is past the 7-day cap.
    day_after = timezone.localtime(meeting.starts_at).date() + timedelta(days=1)
    assert grant.expires_on == min(day_after, timezone.localdate() + timedelta(days=7))


def test_the_agenda_and_minutes_take_a_fixed_number_of_queries(
    client, meeting, coordinator, social_worker, signed, django_assert_num_queries
):
    signed(social_worker)
    services.declaration_sign(meeting=meeting, user=coordinator)
    set_meeting_status(meeting, "open")

    def add_items(n):
        for _ in range(n):
            case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
            item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
            services.minute_record(
                item=item, user=coordinator, decision="continue", level=2, discussion="d"
            )

    add_items(1)
    client.force_login(social_worker)
    for name in ("conferences:meeting", "conferences:minutes"):
        url = reverse(name, args=[meeting.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        add_items(5)
        with django_assert_num_queries(len(few)):
            client.get(url)
