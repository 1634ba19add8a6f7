from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from oversight import selectors as oversight_selectors
from referrals.models import Referral
from tests.factories import make_case, make_referral, make_user

pytestmark = pytest.mark.clock


def figures(board_part):
    return {f.label: f.value for f in board_part}


def test_it_counts_only_the_cases_the_coordinator_may_see(
    client, coordinator, social_worker, time_machine
):
    mine = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    make_case()  # another agency's case: not in any count
    client.force_login(coordinator)
    board = client.get(reverse("oversight:dashboard")).context["board"]
    by_status = figures(board.by_status)
    assert by_status["Intake"] == 1
    assert sum(by_status.values()) == 1
    case_services.action_add(
        case=mine,
        created_by=social_worker,
        description="Call",
        owner=social_worker,
        due_date=timezone.localdate() - timedelta(days=3),
    )
    # The board is worked out again after DASHBOARD_SECONDS; until then it is the same.
    board = client.get(reverse("oversight:dashboard")).context["board"]
    assert board.overdue_by_agency == []
    later = timezone.now() + timedelta(seconds=oversight_selectors.DASHBOARD_SECONDS + 1)
    time_machine.move_to(later, tick=False)
    board = client.get(reverse("oversight:dashboard")).context["board"]
    [overdue] = board.overdue_by_agency
    assert (overdue.label, overdue.value) == (social_worker.profile.agency.name, 1)


def test_each_figure_links_to_a_list_that_still_applies_the_policy(
    client, coordinator, social_worker
):
    mine = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.action_add(
        case=mine,
        created_by=social_worker,
        description="Call",
        owner=social_worker,
        due_date=timezone.localdate() - timedelta(days=3),
    )
    other = make_case()
    case_services.action_add(
        case=other,
        created_by=other.owner,
        description="Call",
        owner=other.owner,
        due_date=timezone.localdate() - timedelta(days=3),
    )
    client.force_login(coordinator)
    board = client.get(reverse("oversight:dashboard")).context["board"]
    url = board.overdue_by_agency[0].url
    listed = client.get(url).context["page"].object_list
    assert [c.reference for c in listed] == [mine.reference]
    intake = next(f for f in board.by_status if f.label == "Intake")
    assert [c.reference for c in client.get(intake.url).context["page"].object_list] == [
        mine.reference
    ]


def test_closures_and_repeats_are_counted(client, coordinator, social_worker):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case = case_services.case_change_status(
        case=case,
        user=social_worker,
        to_status=Case.Status.CLOSED,
        reason="done",
        expected_version=case.version,
        closure_reason=Case.ClosureReason.MOVED_AWAY,
    )
    make_case(owner=social_worker, lead_agency=coordinator.profile.agency, person=case.person)
    client.force_login(coordinator)
    board = client.get(reverse("oversight:dashboard")).context["board"]
    assert figures(board.closures)["Moved away"] == 1
    assert figures(board.coming_up)["repeats"] == 1


def test_the_dashboard_takes_the_same_queries_whatever_the_data(client, coordinator, social_worker):
    make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    client.force_login(coordinator)
    client.get(reverse("oversight:dashboard"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("oversight:dashboard"))
    for _ in range(8):
        case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
        case_services.action_add(
            case=case,
            created_by=social_worker,
            description="x",
            owner=social_worker,
            due_date=timezone.localdate() - timedelta(days=1),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("oversight:dashboard"))
    assert len(many) == len(few)


def test_only_the_coordinator_has_a_dashboard(client, social_worker, info_officer):
    for user in (social_worker, info_officer):
        client.force_login(user)
        assert client.get(reverse("oversight:dashboard")).status_code == 404


def _decided(referral, *, status, days):
    """The referral decided `days` after it was submitted, within the last year."""
    submitted = timezone.now() - timedelta(days=30)
    Referral.objects.filter(pk=referral.pk).update(
        status=status, submitted_at=submitted, decided_at=submitted + timedelta(days=days)
    )


def test_the_citys_figures_are_worked_out_once_per_policy_filter_and_refreshed(
    client, coordinator, police_officer, time_machine
):
    _decided(make_referral(), status=Referral.Status.ACCEPTED, days=10)
    _decided(make_referral(), status=Referral.Status.POLICE_ROUTE, days=2)
    # The police see only the police route's referral: their average is their own.
    assert oversight_selectors._city_figures(coordinator)["to_screening"] == "6.0"
    assert oversight_selectors._city_figures(police_officer)["to_screening"] == "2.0"

    client.force_login(coordinator)
    url = reverse("oversight:dashboard")
    client.get(url)
    _decided(make_referral(), status=Referral.Status.ACCEPTED, days=30)
    with CaptureQueriesContext(connection) as cached:
        board = client.get(url).context["board"]
    assert figures(board.timing)["referral_to_screening"] == "6.0"  # as of the first request
    later = timezone.now() + timedelta(seconds=oversight_selectors.CITY_FIGURES_SECONDS + 1)
    time_machine.move_to(later, tick=False)
    with CaptureQueriesContext(connection) as fresh:
        board = client.get(url).context["board"]
    assert figures(board.timing)["referral_to_screening"] == "14.0"
    # Only the fresh request worked them out: the two averages and the attendance.
    for queries, asked in ((cached, 0), (fresh, 3)):
        sql = [q["sql"] for q in queries.captured_queries]
        assert sum("AVG(" in q or '"conferences_attendance"' in q for q in sql) == asked


def test_each_reader_has_a_board_of_their_own(client, coordinator, social_worker):
    """The board is kept per reader and per policy filter: another coordinator, of another
    agency, never gets this one's counts, even within DASHBOARD_SECONDS."""
    make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    other = make_user(role="coordinator")
    assert other.profile.agency_id != coordinator.profile.agency_id
    client.force_login(coordinator)
    mine = client.get(reverse("oversight:dashboard")).context["board"]
    client.force_login(other)
    theirs = client.get(reverse("oversight:dashboard")).context["board"]
    assert sum(figures(mine.by_status).values()) == 1
    assert sum(figures(theirs.by_status).values()) == 0
    assert 'id="as-of"' in client.get(reverse("oversight:dashboard")).content.decode()


def test_the_agencies_beyond_the_first_ten_are_one_row(client, coordinator, social_worker):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    owners = [make_user(role="social_worker") for _ in range(oversight_selectors.TOP_AGENCIES + 3)]
    for number, owner in enumerate(owners):
        case_services.team_add_user(
            case=case, user=owner, granted_by=social_worker, reason="Works with the family"
        )
        for _ in range(number + 1):  # the last owner's agency has the most
            case_services.action_add(
                case=case,
                created_by=social_worker,
                description="Call",
                owner=owner,
                due_date=timezone.localdate() - timedelta(days=3),
            )
    client.force_login(coordinator)
    response = client.get(reverse("oversight:dashboard"))
    table, _chart = response.context["overdue_by_agency"]
    labels = [row.label for row in table.rows]
    assert labels[0] == owners[-1].profile.agency.name
    # The three agencies with the fewest (1, 2 and 3 actions) are one row of 6.
    assert (labels[-1], table.rows[-1].count) == ("3 other agencies", 6)
    assert len(labels) == oversight_selectors.TOP_AGENCIES + 1


def test_with_the_shared_cache_down_the_dashboard_is_worked_out_not_refused(
    client, coordinator, social_worker, settings
):
    """Production's cache (CACHE_URL: django-redis, errors taken as misses) with nothing
    listening: the board is worked out on every view, the page answers."""
    make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # port 1: nothing answers
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }
    client.force_login(coordinator)
    for _ in range(2):
        response = client.get(reverse("oversight:dashboard"))
        assert response.status_code == 200
        assert figures(response.context["board"].by_status)["Intake"] == 1
