from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from cases import services
from cases.models import AftercareReview, Case, StatusChange
from tests.cases.conftest import join, path_to
from tests.factories import make_case, make_user

pytestmark = pytest.mark.clock

S = Case.Status
ALLOWED = sorted(
    (from_status, to_status)
    for from_status, targets in services.ALLOWED_TRANSITIONS.items()
    for to_status in targets
)
REFUSED = sorted(
    (from_status, to_status)
    for from_status in S.values
    for to_status in S.values
    if to_status not in services.ALLOWED_TRANSITIONS[from_status]
)
CLOSABLE = sorted(
    status
    for status, targets in services.ALLOWED_TRANSITIONS.items()
    if S.CLOSED in targets and status != S.AFTERCARE
)


def change(case, *, user=None, expected_version=None, **fields):
    fields.setdefault("reason", "Discussed at the case conference")
    return services.case_change_status(
        case=case,
        user=user or case.owner,
        expected_version=case.version if expected_version is None else expected_version,
        **fields,
    )


def in_two_weeks() -> date:
    return timezone.localdate() + timedelta(days=14)


def latest_change(case) -> StatusChange:
    return StatusChange.objects.filter(case=case).order_by("-pk").first()


# --- The transition table -------------------------------------------------------------------


def test_the_table_covers_every_status_and_names_only_statuses():
    assert set(services.ALLOWED_TRANSITIONS) == set(S.values)
    for targets in services.ALLOWED_TRANSITIONS.values():
        assert targets <= set(S.values)


def test_the_table_never_moves_a_case_to_the_status_it_has():
    for status, targets in services.ALLOWED_TRANSITIONS.items():
        assert status not in targets


def test_every_status_can_be_reached_from_intake_and_every_open_case_can_be_closed():
    for status in S.values:
        path_to(status)
    for status in S.values:
        if status not in (S.CLOSED, S.AFTERCARE):
            assert S.CLOSED in services.ALLOWED_TRANSITIONS[status], status


def test_a_closed_case_goes_back_only_through_information_gathering():
    # Reopening starts again from the gathering of information, never straight into support.
    for status in (S.CLOSED, S.AFTERCARE):
        open_targets = {
            target
            for target in services.ALLOWED_TRANSITIONS[status]
            if target not in (S.CLOSED, S.AFTERCARE)
        }
        assert open_targets == {S.INFORMATION_GATHERING}


# --- Allowed and refused moves --------------------------------------------------------------


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_it_allows_each_move_of_the_table(from_status, to_status, case, move_case):
    case = move_case(case, from_status)
    version = case.version
    moved = change(
        case,
        to_status=to_status,
        reason=f"From {from_status} to {to_status}",
        next_review_date=in_two_weeks(),
        closure_reason=Case.ClosureReason.TRANSFERRED,
    )
    saved = Case.objects.get(pk=case.pk)
    assert saved.status == to_status
    assert saved.version == version + 1
    assert moved.version == saved.version
    history = latest_change(case)
    assert (history.from_status, history.to_status) == (from_status, to_status)
    assert history.reason == f"From {from_status} to {to_status}"
    assert history.changed_by == case.owner


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_it_refuses_each_move_outside_the_table(from_status, to_status, case, move_case):
    case = move_case(case, from_status)
    history_before = StatusChange.objects.filter(case=case).count()
    with pytest.raises(ValidationError) as refused:
        change(
            case,
            to_status=to_status,
            next_review_date=in_two_weeks(),
            closure_reason=Case.ClosureReason.TRANSFERRED,
        )
    assert "to_status" in refused.value.message_dict
    saved = Case.objects.get(pk=case.pk)
    assert saved.status == from_status
    assert saved.version == case.version
    assert StatusChange.objects.filter(case=case).count() == history_before


def test_it_names_the_allowed_statuses_when_refusing(case):
    with pytest.raises(ValidationError) as refused:
        change(case, to_status=S.ACTIVE_SUPPORT, next_review_date=in_two_weeks())
    message = " ".join(refused.value.message_dict["to_status"])
    for allowed in services.ALLOWED_TRANSITIONS[S.INTAKE]:
        assert str(S(allowed).label) in message


# --- Reason ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "  \n\t"])
def test_it_refuses_a_change_without_a_reason(reason, case):
    with pytest.raises(ValidationError) as refused:
        change(case, to_status=S.INFORMATION_GATHERING, reason=reason)
    assert "reason" in refused.value.message_dict
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.version) == (S.INTAKE, case.version)
    assert StatusChange.objects.filter(case=case).count() == 1  # the opening only


def test_it_keeps_every_change_as_a_history_row_with_who_from_to_and_why(case, coordinator):
    case = change(case, to_status=S.INFORMATION_GATHERING, reason="Need school's view")
    join(case, coordinator)
    case = change(case, user=coordinator, to_status=S.ON_AGENDA, reason="Ready to discuss")
    rows = list(
        StatusChange.objects.filter(case=case)
        .order_by("pk")
        .values_list("from_status", "to_status", "reason", "changed_by")
    )
    assert rows[1:] == [
        (S.INTAKE, S.INFORMATION_GATHERING, "Need school's view", case.owner.pk),
        (S.INFORMATION_GATHERING, S.ON_AGENDA, "Ready to discuss", coordinator.pk),
    ]


# --- Who may move a case --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN])
def test_it_refuses_roles_that_do_not_work_on_cases(role, case):
    with pytest.raises(PermissionDenied):
        change(case, user=make_user(role=role), to_status=S.INFORMATION_GATHERING)
    assert Case.objects.get(pk=case.pk).status == S.INTAKE


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.POLICE, Role.COORDINATOR, Role.INFORMATION_OFFICER]
)
def test_it_lets_case_workers_move_a_case(role, case):
    user = make_user(role=role)
    if role != Role.INFORMATION_OFFICER:  # the information officer sees every case
        join(case, user)
    change(case, user=user, to_status=S.INFORMATION_GATHERING)
    assert latest_change(case).changed_by == user


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.POLICE, Role.COORDINATOR])
def test_it_refuses_a_case_worker_who_is_not_on_the_case_team(role, case):
    with pytest.raises(PermissionDenied):
        change(case, user=make_user(role=role), to_status=S.INFORMATION_GATHERING)
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.version) == (S.INTAKE, case.version)
    assert StatusChange.objects.filter(case=case).count() == 1


# --- Optimistic locking ---------------------------------------------------------------------


def test_it_refuses_a_change_based_on_an_older_version(case):
    moved = change(case, to_status=S.INFORMATION_GATHERING)
    with pytest.raises(services.ConflictError) as conflict:
        change(case, to_status=S.CLOSED, closure_reason="moved_away", expected_version=1)
    assert conflict.value.current.pk == case.pk
    assert conflict.value.current.status == S.INFORMATION_GATHERING
    assert conflict.value.current.version == moved.version
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.version, saved.closed_at) == (
        S.INFORMATION_GATHERING,
        moved.version,
        None,
    )
    assert not AftercareReview.objects.filter(case=case).exists()


# --- Active support -------------------------------------------------------------------------


def on_agenda(case, move_case):
    return move_case(case, S.ON_AGENDA)


def test_active_support_stores_the_next_review_date(case, move_case):
    case = on_agenda(case, move_case)
    Case.objects.filter(pk=case.pk).update(next_review_date=None)
    change(case, to_status=S.ACTIVE_SUPPORT, next_review_date=in_two_weeks())
    assert Case.objects.get(pk=case.pk).next_review_date == in_two_weeks()


@pytest.mark.parametrize("days_from_today", [0, 1, 90])
def test_active_support_accepts_a_review_date_from_today_on(days_from_today, case, move_case):
    case = on_agenda(case, move_case)
    review = timezone.localdate() + timedelta(days=days_from_today)
    change(case, to_status=S.ACTIVE_SUPPORT, next_review_date=review)
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.next_review_date) == (S.ACTIVE_SUPPORT, review)


def test_active_support_refuses_a_case_without_a_review_date(case, move_case):
    case = on_agenda(case, move_case)
    Case.objects.filter(pk=case.pk).update(next_review_date=None)
    with pytest.raises(ValidationError) as refused:
        change(case, to_status=S.ACTIVE_SUPPORT, next_review_date=None)
    assert "next_review_date" in refused.value.message_dict
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.version) == (S.ON_AGENDA, case.version)


def test_active_support_refuses_a_review_date_in_the_past(case, move_case):
    case = on_agenda(case, move_case)
    history_before = StatusChange.objects.filter(case=case).count()
    with pytest.raises(ValidationError) as refused:
        change(
            case,
            to_status=S.ACTIVE_SUPPORT,
            next_review_date=timezone.localdate() - timedelta(days=1),
        )
    assert "next_review_date" in refused.value.message_dict
    assert Case.objects.get(pk=case.pk).status == S.ON_AGENDA
    assert StatusChange.objects.filter(case=case).count() == history_before


def test_active_support_uses_the_cases_own_review_date_when_none_is_given(case, move_case):
    case = on_agenda(case, move_case)
    review = timezone.localdate() + timedelta(days=30)
    Case.objects.filter(pk=case.pk).update(next_review_date=review)
    change(case, to_status=S.ACTIVE_SUPPORT, next_review_date=None)
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.next_review_date) == (S.ACTIVE_SUPPORT, review)


def test_active_support_refuses_when_the_cases_own_review_date_has_passed(case, move_case):
    case = on_agenda(case, move_case)
    Case.objects.filter(pk=case.pk).update(
        next_review_date=timezone.localdate() - timedelta(days=3)
    )
    with pytest.raises(ValidationError) as refused:
        change(case, to_status=S.ACTIVE_SUPPORT, next_review_date=None)
    assert "next_review_date" in refused.value.message_dict
    assert Case.objects.get(pk=case.pk).status == S.ON_AGENDA


# --- Closing --------------------------------------------------------------------------------


@pytest.mark.parametrize("from_status", CLOSABLE)
@pytest.mark.parametrize("closure_reason", ["", "not_a_reason"])
def test_closing_requires_a_valid_closure_reason(from_status, closure_reason, case, move_case):
    case = move_case(case, from_status)
    with pytest.raises(ValidationError) as refused:
        change(case, to_status=S.CLOSED, closure_reason=closure_reason)
    assert "closure_reason" in refused.value.message_dict
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.closed_at, saved.closure_reason) == (from_status, None, "")
    assert not AftercareReview.objects.filter(case=case).exists()


@pytest.mark.parametrize("closure_reason", Case.ClosureReason.values)
def test_closing_stores_each_closure_reason(closure_reason, case):
    change(case, to_status=S.CLOSED, closure_reason=closure_reason)
    assert Case.objects.get(pk=case.pk).closure_reason == closure_reason


def test_closing_sets_closed_at_to_now(case):
    before = timezone.now()
    change(case, to_status=S.CLOSED, closure_reason=Case.ClosureReason.MOVED_AWAY)
    after = timezone.now()
    closed_at = Case.objects.get(pk=case.pk).closed_at
    assert closed_at is not None
    assert before <= closed_at <= after


def test_closing_schedules_aftercare_reviews_at_six_and_twelve_months(case):
    today = timezone.localdate()
    change(case, to_status=S.CLOSED, closure_reason=Case.ClosureReason.RISK_REMOVED)
    reviews = set(
        AftercareReview.objects.filter(case=case).values_list("months", "due_date", "done_at")
    )
    assert reviews == {
        (6, services.add_months(today, 6), None),
        (12, services.add_months(today, 12), None),
    }


def test_closing_drops_the_next_review_date(case, move_case):
    case = move_case(case, S.ACTIVE_SUPPORT)
    assert case.next_review_date is not None
    change(case, to_status=S.CLOSED, closure_reason=Case.ClosureReason.RISK_REMOVED)
    assert Case.objects.get(pk=case.pk).next_review_date is None


def test_closing_an_open_case_is_no_longer_open(case):
    closed = change(case, to_status=S.CLOSED, closure_reason=Case.ClosureReason.RISK_REMOVED)
    assert case.is_open
    assert not closed.is_open


def test_moving_to_aftercare_keeps_the_closure(case):
    closed = change(case, to_status=S.CLOSED, closure_reason=Case.ClosureReason.RISK_REDUCED)
    change(closed, to_status=S.AFTERCARE)
    saved = Case.objects.get(pk=case.pk)
    assert saved.status == S.AFTERCARE
    assert saved.closure_reason == Case.ClosureReason.RISK_REDUCED
    assert saved.closed_at == closed.closed_at


def test_closing_again_from_aftercare_keeps_the_first_closure_and_its_reviews(case):
    closed = change(case, to_status=S.CLOSED, closure_reason=Case.ClosureReason.RISK_REDUCED)
    aftercare = change(closed, to_status=S.AFTERCARE)
    reviews = set(AftercareReview.objects.filter(case=case).values_list("pk", flat=True))
    change(aftercare, to_status=S.CLOSED, closure_reason="")
    saved = Case.objects.get(pk=case.pk)
    assert saved.status == S.CLOSED
    assert saved.closure_reason == Case.ClosureReason.RISK_REDUCED
    assert saved.closed_at == closed.closed_at
    assert set(AftercareReview.objects.filter(case=case).values_list("pk", flat=True)) == reviews


# --- Reopening ------------------------------------------------------------------------------


@pytest.mark.parametrize("closed_status", [S.CLOSED, S.AFTERCARE])
def test_reopening_clears_the_closure(closed_status, case, move_case):
    case = move_case(case, closed_status)
    assert case.closed_at is not None
    reopened = change(case, to_status=S.INFORMATION_GATHERING, reason="New signal from school")
    saved = Case.objects.get(pk=case.pk)
    assert saved.status == S.INFORMATION_GATHERING
    assert saved.closure_reason == ""
    assert saved.closed_at is None
    assert reopened.is_open
    history = latest_change(case)
    assert (history.from_status, history.to_status) == (closed_status, S.INFORMATION_GATHERING)


def test_reopening_cancels_the_pending_aftercare_reviews_and_keeps_the_done_ones(case, move_case):
    case = move_case(case, S.CLOSED)
    six = AftercareReview.objects.get(case=case, months=6)
    six.done_at = timezone.now()
    six.save()
    change(case, to_status=S.INFORMATION_GATHERING, reason="New signal from school")
    assert list(AftercareReview.objects.filter(case=case)) == [six]


def test_closing_again_after_reopening_schedules_new_reviews(case, move_case):
    case = move_case(case, S.CLOSED)
    case = change(case, to_status=S.INFORMATION_GATHERING)
    change(case, to_status=S.CLOSED, closure_reason=Case.ClosureReason.TRANSFERRED)
    today = timezone.localdate()
    assert set(
        AftercareReview.objects.filter(case=case, done_at__isnull=True).values_list(
            "months", "due_date"
        )
    ) == {(6, services.add_months(today, 6)), (12, services.add_months(today, 12))}


def test_a_reopened_case_needs_a_new_closure_reason_to_close_again(case, move_case):
    case = move_case(case, S.CLOSED)
    case = change(case, to_status=S.INFORMATION_GATHERING)
    with pytest.raises(ValidationError):
        change(case, to_status=S.CLOSED, closure_reason="")
    change(case, to_status=S.CLOSED, closure_reason=Case.ClosureReason.DECEASED)
    saved = Case.objects.get(pk=case.pk)
    assert saved.closure_reason == Case.ClosureReason.DECEASED
    assert saved.closed_at is not None


# --- add_months (the aftercare due dates) ---------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 15), 6, date(2025, 7, 15)),
        (date(2025, 1, 15), 12, date(2026, 1, 15)),
        (date(2025, 7, 1), 6, date(2026, 1, 1)),
        (date(2025, 12, 31), 6, date(2026, 6, 30)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 6, 30), 12, date(2026, 6, 30)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(day, months, expected):
    assert services.add_months(day, months) == expected


def test_a_case_made_by_the_factory_starts_in_intake(db):
    # The moves above start from intake; this is what path_to assumes.
    assert make_case().status == S.INTAKE
