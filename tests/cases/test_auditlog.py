"""Every write is logged with its before and after (DESIGN section 3, rule 6)."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Level, Role
from cases import services
from cases.models import (
    Action,
    AftercareReview,
    AssessmentRating,
    Case,
    ChronologyEntry,
    Escalation,
    Indicator,
    StatusChange,
)
from tests.factories import make_case, make_user

A = LogEntry.Action
S = Case.Status


def logs_for(obj, action=None):
    entries = LogEntry.objects.get_for_object(obj)
    return entries if action is None else entries.filter(action=action)


def only_update(obj) -> LogEntry:
    updates = list(logs_for(obj, A.UPDATE))
    assert len(updates) == 1, [entry.changes for entry in updates]
    return updates[0]


# --- The case -------------------------------------------------------------------------------


def test_changing_the_status_logs_the_case_before_and_after(case):
    services.case_change_status(
        case=case,
        user=case.owner,
        to_status=S.INFORMATION_GATHERING,
        reason="More to learn",
        expected_version=1,
    )
    changes = only_update(case).changes
    assert changes["status"] == [S.INTAKE, S.INFORMATION_GATHERING]
    assert changes["version"] == [1, 2]


def test_changing_the_status_logs_the_new_history_row(case):
    services.case_change_status(
        case=case,
        user=case.owner,
        to_status=S.INFORMATION_GATHERING,
        reason="More to learn",
        expected_version=1,
    )
    row = StatusChange.objects.get(case=case, to_status=S.INFORMATION_GATHERING)
    created = logs_for(row, A.CREATE).get()
    assert created.changes["reason"] == [None, "More to learn"]
    assert created.changes["from_status"] == [None, S.INTAKE]


def test_closing_logs_the_closure_and_the_aftercare_reviews(case):
    services.case_change_status(
        case=case,
        user=case.owner,
        to_status=S.CLOSED,
        reason="Moved to another city",
        expected_version=1,
        closure_reason=Case.ClosureReason.MOVED_AWAY,
    )
    changes = only_update(case).changes
    assert changes["status"] == [S.INTAKE, S.CLOSED]
    assert changes["closure_reason"] == ["", Case.ClosureReason.MOVED_AWAY]
    assert changes["closed_at"][0] is None and changes["closed_at"][1]
    reviews = AftercareReview.objects.filter(case=case)
    assert reviews.count() == 2
    for review in reviews:
        assert logs_for(review, A.CREATE).count() == 1


def test_reopening_logs_the_cancelled_aftercare_reviews(case):
    closed = services.case_change_status(
        case=case,
        user=case.owner,
        to_status=S.CLOSED,
        reason="Risk removed",
        expected_version=1,
        closure_reason=Case.ClosureReason.RISK_REMOVED,
    )
    review_pks = {
        str(pk) for pk in AftercareReview.objects.filter(case=case).values_list("pk", flat=True)
    }
    services.case_change_status(
        case=closed,
        user=case.owner,
        to_status=S.INFORMATION_GATHERING,
        reason="New signal",
        expected_version=closed.version,
    )
    deleted = set(
        LogEntry.objects.get_for_model(AftercareReview)
        .filter(action=A.DELETE)
        .values_list("object_pk", flat=True)
    )
    assert len(review_pks) == 2
    assert deleted == review_pks


def test_editing_a_case_logs_each_changed_field(case):
    services.case_update(
        case=case,
        user=case.owner,
        expected_version=1,
        risk_level=Case.RiskLevel.CRITICAL,
        next_review_date=timezone.localdate() + timedelta(days=10),
    )
    changes = only_update(case).changes
    assert changes["risk_level"] == [Case.RiskLevel.MODERATE, Case.RiskLevel.CRITICAL]
    assert changes["version"] == [1, 2]
    assert changes["next_review_date"][0] is None
    assert "status" not in changes


def test_a_refused_write_leaves_no_log(case):
    services.case_update(
        case=case, user=case.owner, expected_version=1, risk_level=Case.RiskLevel.HIGH
    )
    before = LogEntry.objects.count()
    with pytest.raises(services.ConflictError):
        services.case_change_status(
            case=case,
            user=case.owner,
            to_status=S.INFORMATION_GATHERING,
            reason="Stale",
            expected_version=1,
        )
    with pytest.raises(ValidationError):
        services.case_change_status(
            case=case,
            user=case.owner,
            to_status=S.ACTIVE_SUPPORT,
            reason="Not allowed from intake",
            expected_version=2,
        )
    assert LogEntry.objects.count() == before


def test_opening_a_case_logs_the_case_and_its_team(social_worker):
    case = make_case(owner=social_worker)
    created = logs_for(case, A.CREATE).get()
    assert created.changes["status"] == [None, S.INTAKE]
    assert created.changes["reference"] == [None, case.reference]
    for grant in list(case.caseuserobjectpermission_set.all()) + list(
        case.casegroupobjectpermission_set.all()
    ):
        assert logs_for(grant, A.CREATE).count() == 1


def test_the_log_names_a_case_by_its_reference_not_the_person(case):
    services.case_update(
        case=case, user=case.owner, expected_version=1, risk_level=Case.RiskLevel.HIGH
    )
    entry = only_update(case)
    assert entry.object_repr == case.reference
    assert case.person.last_name not in entry.object_repr


# --- Chronology -----------------------------------------------------------------------------


def test_adding_and_correcting_an_entry_logs_two_creations_and_no_edit(case):
    entry = services.entry_add(
        case=case,
        author=case.owner,
        kind=ChronologyEntry.Kind.NOTE,
        occurred_at=timezone.now() - timedelta(hours=1),
        level=Level.L2,
        text="First version",
    )
    correction = services.entry_correct(entry=entry, author=case.owner, text="Second version")
    assert logs_for(entry, A.CREATE).get().changes["text"] == [None, "First version"]
    assert logs_for(correction, A.CREATE).get().changes["text"] == [None, "Second version"]
    assert not logs_for(entry).exclude(action=A.CREATE).exists()


# --- Assessment -----------------------------------------------------------------------------


def test_recording_an_assessment_logs_the_assessment_and_each_rating(case):
    first = Indicator.objects.create(domain=Indicator.Domain.INTENT, name="Audit indicator 1")
    second = Indicator.objects.create(domain=Indicator.Domain.INTENT, name="Audit indicator 2")
    assessment = services.assessment_record(
        case=case,
        author=case.owner,
        overall_judgement="moderate",
        ratings={first.pk: (2, "clear"), second.pk: (0, "")},
    )
    assert logs_for(assessment, A.CREATE).count() == 1
    ratings = AssessmentRating.objects.filter(assessment=assessment)
    assert ratings.count() == 2
    for rating in ratings:
        assert logs_for(rating, A.CREATE).count() == 1, f"no log row for {rating}"


# --- Support plan and escalation ------------------------------------------------------------


def test_updating_an_action_logs_its_status_before_and_after(case):
    action = services.action_add(
        case=case,
        created_by=case.owner,
        description="Meet the mother",
        owner=case.owner,
        due_date=timezone.localdate() + timedelta(days=5),
    )
    assert logs_for(action, A.CREATE).count() == 1
    services.action_update(
        action=action, user=case.owner, status=Action.Status.NOT_DONE, status_note="No slot"
    )
    changes = only_update(action).changes
    assert changes["status"] == [Action.Status.OPEN, Action.Status.NOT_DONE]
    assert changes["status_note"] == ["", "No slot"]


def test_deciding_an_escalation_logs_the_decision(case):
    escalation = services.escalation_raise(
        case=case,
        raised_by=case.owner,
        audience=Escalation.Audience.COORDINATOR,
        summary="Short text",
        decision_requested="Approve?",
    )
    assert logs_for(escalation, A.CREATE).count() == 1
    services.escalation_decide(
        escalation=escalation,
        # A coordinator of the lead agency: on the case team through the agency's grant.
        user=make_user(role=Role.COORDINATOR, agency=case.lead_agency),
        status=Escalation.Status.DECIDED,
        decision="Approved.",
    )
    changes = only_update(escalation).changes
    assert changes["status"] == [Escalation.Status.RAISED, Escalation.Status.DECIDED]
    assert changes["decision"] == ["", "Approved."]
