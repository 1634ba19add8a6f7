"""The tiles at the top of each home: a count of what needs doing and a link to the list of
exactly those items. Each count must equal the length of the list it links to, for a reader who
sees the items and for one who does not, and count nothing the reader may not see."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import security
from accounts.models import Role
from cases import services as case_services
from cases.models import Case, Escalation
from conferences import services as conference_services
from conferences.models import ConferenceSeries, Meeting
from referrals import services as referral_services
from referrals.models import Referral, Screening
from releases import services as release_services
from tests.factories import make_case, make_referral, make_user

pytestmark = pytest.mark.clock

# The tiles each role's home shows, in order (when none has anything to do).
EXPECTED_TILES = {
    Role.COORDINATOR: [
        "to-screen",
        "screening-overdue",
        "decisions-waiting",
        "overdue-actions",
        "agendas-to-prepare",
        "checks-unanswered",
    ],
    Role.SOCIAL_WORKER: ["my-overdue-actions", "reviews-due", "new-entries", "checks-unanswered"],
    Role.POLICE: ["my-overdue-actions", "reviews-due", "new-entries", "checks-unanswered"],
    Role.INFORMATION_OFFICER: ["releases-to-review", "account-changes", "checks-unanswered"],
    Role.YOUTH_WORKER: ["releases-unread", "referrals-need-information"],
    Role.PARTNER: ["releases-unread", "referrals-need-information"],
    Role.MAYOR_OFFICE: ["escalations-waiting"],
    Role.ADMIN: [],
}


def test_every_role_has_its_tiles(client, db):
    assert set(EXPECTED_TILES) == set(Role.values)
    for role, keys in EXPECTED_TILES.items():
        client.force_login(make_user(role=role))
        assert [t.key for t in client.get(reverse("home")).context["tiles"]] == keys, role


def test_the_tiles_with_something_to_do_come_first(client, coordinator):
    make_referral()  # waiting for screening: the first tile has something to do
    # A case of the coordinator's agency with an overdue action: the fourth tile has too.
    case = make_case(owner=make_user(role=Role.SOCIAL_WORKER, agency=coordinator.profile.agency))
    overdue_action(case, case.owner)
    client.force_login(coordinator)
    tiles = client.get(reverse("home")).context["tiles"]
    keys = [t.key for t in tiles]
    assert keys[:2] == ["to-screen", "overdue-actions"]
    assert all(t.count for t in tiles[:2]) and not any(t.count for t in tiles[2:])
    # The rest keep the role's order.
    assert keys[2:] == [k for k in EXPECTED_TILES[Role.COORDINATOR] if k not in keys[:2]]


def tile_and_list(client, user, key) -> tuple[int, int]:
    """The tile's count on the user's home, and the length of the list it links to."""
    client.force_login(user)
    home = client.get(reverse("home"))
    (tile,) = [t for t in home.context["tiles"] if t.key == key]
    assert f'id="tile-{key}"' in home.content.decode()
    listed = client.get(tile.url)
    assert listed.status_code == 200, tile.url
    if "changes" in listed.context:
        return tile.count, len(listed.context["changes"])
    return tile.count, listed.context["page"].paginator.count


def assert_tile(client, user, key, expected: int) -> None:
    count, listed = tile_and_list(client, user, key)
    assert (count, listed) == (expected, expected), (user.profile.role, key)


def days(n: int):
    return timezone.localdate() + timedelta(days=n)


def overdue_action(case, owner):
    return case_services.action_add(
        case=case,
        created_by=case.owner,
        description="Call the school",
        owner=owner,
        due_date=days(-3),
    )


def escalate(case, audience):
    return case_services.escalation_raise(
        case=case,
        raised_by=case.owner,
        audience=audience,
        summary="A closure order for the gym is considered",
        decision_requested="Approve an administrative closure",
    )


# --- The coordinator -------------------------------------------------------------------------


@pytest.fixture
def colleague(coordinator):
    """A social worker of the coordinator's agency: their cases are the coordinator's too."""
    return make_user(role=Role.SOCIAL_WORKER, agency=coordinator.profile.agency)


@pytest.fixture
def other_coordinator(db):
    return make_user(role=Role.COORDINATOR)


def test_referrals_to_screen_count_the_sent_ones_not_the_drafts_nor_those_asked_about(
    client, coordinator, partner
):
    make_referral(referrer=partner)
    make_referral(referrer=partner)
    make_referral(referrer=partner, submit=False)
    asked = make_referral(referrer=partner)
    referral_services.screening_decide(
        referral=asked,
        user=coordinator,
        outcome=Screening.Outcome.MORE_INFORMATION,
        reasons="Not enough to go on.",
        question="Which school?",
    )
    assert_tile(client, coordinator, "to-screen", 2)


def test_screenings_overdue_count_those_past_the_target(client, coordinator, partner, settings):
    late = make_referral(referrer=partner)
    make_referral(referrer=partner)
    Referral.objects.filter(pk=late.pk).update(
        submitted_at=timezone.now() - timedelta(days=settings.SCREENING_TARGET_DAYS + 1)
    )
    assert_tile(client, coordinator, "screening-overdue", 1)


def test_decisions_waiting_count_cases_with_an_escalation_to_the_coordinator(
    client, coordinator, colleague, other_coordinator
):
    case = make_case(owner=colleague)
    escalate(case, Escalation.Audience.COORDINATOR)
    escalate(case, Escalation.Audience.COORDINATOR)
    escalate(make_case(owner=colleague), Escalation.Audience.MAYOR)
    assert_tile(client, coordinator, "decisions-waiting", 1)
    assert_tile(client, other_coordinator, "decisions-waiting", 0)


def test_overdue_actions_count_the_cases_the_coordinator_sees(
    client, coordinator, colleague, other_coordinator
):
    case = make_case(owner=colleague)
    overdue_action(case, colleague)
    overdue_action(case, colleague)
    case_services.action_add(
        case=make_case(owner=colleague),
        created_by=colleague,
        description="Not yet due",
        owner=colleague,
        due_date=days(3),
    )
    assert_tile(client, coordinator, "overdue-actions", 1)
    assert_tile(client, other_coordinator, "overdue-actions", 0)


def test_agendas_to_prepare_count_the_meetings_in_preparation(client, coordinator, colleague):
    for name in ("Case conference", "MAC"):
        conference_services.series_create(
            user=coordinator,
            name=name,
            kind=ConferenceSeries.Kind.CASE_CONFERENCE,
            chair=coordinator,
            core_members=[colleague],
        )
    Meeting.objects.filter(series__name="MAC").update(status=Meeting.Status.PUBLISHED)
    assert_tile(client, coordinator, "agendas-to-prepare", 1)


# --- The social worker and the police --------------------------------------------------------


def test_my_overdue_actions_count_the_readers_own(client, social_worker):
    teammate = make_user(role=Role.SOCIAL_WORKER, agency=social_worker.profile.agency)
    case = make_case(owner=social_worker)
    overdue_action(case, social_worker)
    overdue_action(make_case(owner=social_worker), teammate)
    assert_tile(client, social_worker, "my-overdue-actions", 1)
    assert_tile(client, teammate, "my-overdue-actions", 1)
    assert_tile(client, make_user(role=Role.SOCIAL_WORKER), "my-overdue-actions", 0)


def test_reviews_due_count_the_cases_due_within_two_weeks(client, social_worker):
    due = make_case(owner=social_worker)
    later = make_case(owner=social_worker)
    closed = make_case(owner=social_worker)
    Case.objects.filter(pk=due.pk).update(next_review_date=days(10))
    Case.objects.filter(pk=later.pk).update(next_review_date=days(40))
    Case.objects.filter(pk=closed.pk).update(next_review_date=days(1), status=Case.Status.CLOSED)
    assert_tile(client, social_worker, "reviews-due", 1)
    assert_tile(client, make_user(role=Role.SOCIAL_WORKER), "reviews-due", 0)


def note(case, author, level):
    return case_services.entry_add(
        case=case,
        author=author,
        kind="note",
        level=level,
        occurred_at=timezone.now(),
        text="Seen at the station",
    )


def test_new_entries_count_what_the_reader_may_read_written_by_others(
    client, social_worker, police_officer
):
    case = make_case(owner=social_worker)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="Police contact"
    )
    note(case, police_officer, 4)  # the social worker may not read it: not counted for them
    note(case, social_worker, 2)  # their own: not counted for them
    assert_tile(client, social_worker, "new-entries", 0)
    assert_tile(client, police_officer, "new-entries", 1)
    teammate = make_user(role=Role.SOCIAL_WORKER, agency=social_worker.profile.agency)
    note(make_case(owner=teammate), teammate, 2)
    assert_tile(client, social_worker, "new-entries", 1)
    assert_tile(client, make_user(role=Role.POLICE), "new-entries", 0)


def test_police_count_their_own_overdue_actions(client, police_officer, social_worker):
    case = make_case(owner=social_worker)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="Police contact"
    )
    overdue_action(case, police_officer)
    assert_tile(client, police_officer, "my-overdue-actions", 1)
    assert_tile(client, social_worker, "my-overdue-actions", 0)


# --- The information officer -----------------------------------------------------------------


def release(case, author, recipients, expires_in=30, **extra):
    return release_services.release_create(
        case=case,
        author=author,
        title="For outreach",
        summary="Meet him at the youth centre.",
        purpose="outreach",
        legal_basis="LIVC law",
        expires_on=days(expires_in),
        recipient_users=recipients,
        **extra,
    )


def test_releases_to_review_count_the_live_ones_expiring_within_two_weeks(
    client, info_officer, youth_worker
):
    case = make_case()
    release(case, info_officer, [youth_worker], expires_in=5)
    release(case, info_officer, [youth_worker], expires_in=60)
    revoked = release(case, info_officer, [youth_worker], expires_in=3)
    release_services.release_revoke(release=revoked, user=info_officer, reason="Wrong person")
    assert_tile(client, info_officer, "releases-to-review", 1)


def test_account_changes_count_those_waiting_for_the_information_officer(
    client, info_officer, police_officer
):
    administrator = make_user(role=Role.ADMIN)
    security.profile_change(
        account=police_officer,
        agency=police_officer.profile.agency,
        role=Role.INFORMATION_OFFICER,
        clearance=None,
        requested_by=administrator,
    )
    # Outside the police: only another administrator confirms it, and it is not counted.
    youth = make_user(role=Role.YOUTH_WORKER)
    security.profile_change(
        account=youth,
        agency=youth.profile.agency,
        role=Role.SOCIAL_WORKER,
        clearance=None,
        requested_by=administrator,
    )
    assert_tile(client, info_officer, "account-changes", 1)


# --- Youth workers, partners -----------------------------------------------------------------


def test_releases_unread_count_those_addressed_to_the_reader_and_not_yet_read(
    client, info_officer, youth_worker, partner
):
    case = make_case()
    read = release(case, info_officer, [youth_worker])
    release(case, info_officer, [youth_worker])
    release(case, info_officer, [partner])
    release_services.release_acknowledge(release=read, user=youth_worker)
    assert_tile(client, youth_worker, "releases-unread", 1)
    assert_tile(client, partner, "releases-unread", 1)
    assert_tile(client, make_user(role=Role.YOUTH_WORKER), "releases-unread", 0)


def test_referrals_needing_information_count_the_readers_own(client, coordinator, partner):
    for _i in range(2):
        referral_services.screening_decide(
            referral=make_referral(referrer=partner),
            user=coordinator,
            outcome=Screening.Outcome.MORE_INFORMATION,
            reasons="Not enough to go on.",
            question="Which school?",
        )
    make_referral(referrer=partner)
    assert_tile(client, partner, "referrals-need-information", 2)
    assert_tile(client, make_user(role=Role.PARTNER), "referrals-need-information", 0)


# --- The mayor's office ----------------------------------------------------------------------


def test_escalations_waiting_count_the_open_ones_to_the_mayors_office(
    client, mayor_office, social_worker
):
    case = make_case(owner=social_worker)
    escalate(case, Escalation.Audience.MAYOR)
    escalate(case, Escalation.Audience.MAC)
    escalate(case, Escalation.Audience.COORDINATOR)
    decided = escalate(case, Escalation.Audience.MAYOR)
    case_services.escalation_decide(
        escalation=decided, user=mayor_office, status="decided", decision="Approved"
    )
    assert_tile(client, mayor_office, "escalations-waiting", 2)


# --- Every home ------------------------------------------------------------------------------


def test_a_zero_tile_says_there_is_nothing_to_do_calmly(client, social_worker):
    client.force_login(social_worker)
    body = client.get(reverse("home")).content.decode()
    assert 'class="tile tile--calm" id="tile-my-overdue-actions"' in body
    assert "Nothing to do" in body
    overdue_action(make_case(owner=social_worker), social_worker)
    body = client.get(reverse("home")).content.decode()
    assert 'class="tile" id="tile-my-overdue-actions"' in body
    assert '<span class="tile__count">1</span>' in body


def more_of_everything(user, coordinator, info_officer, partner):
    """Items of every kind a home counts or lists, visible to `user` where they may see them."""
    agency_worker = (
        user
        if user.profile.role == Role.SOCIAL_WORKER
        else make_user(role=Role.SOCIAL_WORKER, agency=user.profile.agency)
    )
    case = make_case(owner=agency_worker)
    if user.profile.role == Role.POLICE:
        case_services.team_add_user(
            case=case, user=user, granted_by=agency_worker, reason="Police contact"
        )
    overdue_action(case, agency_worker)
    note(case, agency_worker, 1)
    Case.objects.filter(pk=case.pk).update(next_review_date=days(3))
    for audience in (Escalation.Audience.COORDINATOR, Escalation.Audience.MAYOR):
        escalate(case, audience)
    make_referral(referrer=partner)
    if user.profile.role in (Role.PARTNER, Role.YOUTH_WORKER):
        referral_services.screening_decide(
            referral=make_referral(referrer=user),
            user=coordinator,
            outcome=Screening.Outcome.MORE_INFORMATION,
            reasons="Not enough to go on.",
            question="Which school?",
        )
    # Nobody releases to themselves: the information officer's own home counts a release to a
    # partner (as expiring), the others' a release to them.
    release(case, info_officer, [partner if user == info_officer else user], expires_in=5)


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_a_home_takes_the_same_number_of_queries_whatever_it_counts(
    client, db, role, coordinator, info_officer, partner
):
    user = coordinator if role == Role.COORDINATOR else make_user(role=role)
    if role == Role.INFORMATION_OFFICER:
        user = info_officer
    client.force_login(user)
    more_of_everything(user, coordinator, info_officer, partner)
    client.get(reverse("home"))  # warm the caches (content types, session)
    counts = []
    for _more in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("home"))
        counts.append(len(queries))
        more_of_everything(user, coordinator, info_officer, partner)
    assert any(t.count for t in response.context["tiles"]), role
    assert counts[0] == counts[1], role
