import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from access.policy import CASE_TEAM_ROLES, escalation_filter
from accounts.models import Level, Role
from cases import services
from cases.models import ChronologyEntry, Escalation
from tests.cases.conftest import join
from tests.factories import make_user

Audience = Escalation.Audience
Status = Escalation.Status

# Who decides, by audience (DESIGN section 4.6 and the roles of section 2): the coordinator
# decides for the coordinator, the mayor's office for the mayor, the MAC and a requested
# meeting with the mayor, police or the information officer on the police route.
DECIDERS = {
    "coordinator": {Role.COORDINATOR},
    "mayor": {Role.MAYOR_OFFICE},
    "mac": {Role.MAYOR_OFFICE},
    "mayor_meeting": {Role.MAYOR_OFFICE},
    "police": {Role.POLICE, Role.INFORMATION_OFFICER},
}
ALLOWED = [(audience, role) for audience, roles in DECIDERS.items() for role in sorted(roles)]
REFUSED = [
    (audience, role)
    for audience, roles in DECIDERS.items()
    for role in Role.values
    if role not in roles
]
# Only the coordinator asks the mayor for a meeting; any case worker raises the others.
MAYOR_MEETING = "mayor_meeting"


def raise_escalation(case, *, raised_by=None, **fields):
    fields.setdefault("audience", Audience.COORDINATOR)
    fields.setdefault("summary", "Person talks of travelling to a conflict zone.")
    fields.setdefault("decision_requested", "Do we inform the police route?")
    if raised_by is None:
        raised_by = (
            member(case, Role.COORDINATOR) if fields["audience"] == MAYOR_MEETING else case.owner
        )
    return services.escalation_raise(case=case, raised_by=raised_by, **fields)


def member(case, role):
    """A user of the role, on the case team if the role can be on one at all."""
    user = make_user(role=role)
    if role in CASE_TEAM_ROLES:
        join(case, user)
    return user


def decider_for(case, audience):
    return member(case, sorted(DECIDERS[audience])[0])


def test_the_decider_table_names_every_audience():
    assert set(DECIDERS) == set(Audience.values)


# --- Raising --------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", Audience.values)
def test_it_raises_an_escalation_to_each_audience(audience, case):
    coordinator = member(case, Role.COORDINATOR)
    escalation = raise_escalation(
        case,
        raised_by=coordinator,
        audience=audience,
        summary="Short text",
        decision_requested="Approve outreach?",
    )
    stored = Escalation.objects.get(pk=escalation.pk)
    assert stored.case == case
    assert stored.audience == audience
    assert stored.summary == "Short text"
    assert stored.decision_requested == "Approve outreach?"
    assert stored.status == Status.RAISED
    assert stored.raised_by == coordinator
    assert (stored.decision, stored.decided_by, stored.decided_at) == ("", None, None)


@pytest.mark.parametrize("summary", ["", "  \n"])
def test_it_requires_a_summary_for_the_audience(summary, case):
    with pytest.raises(ValidationError) as refused:
        raise_escalation(case, summary=summary)
    assert set(refused.value.message_dict) == {"summary"}
    assert not case.escalations.exists()


@pytest.mark.parametrize("decision_requested", ["", "   "])
def test_it_requires_the_decision_asked_for(decision_requested, case):
    with pytest.raises(ValidationError) as refused:
        raise_escalation(case, decision_requested=decision_requested)
    assert set(refused.value.message_dict) == {"decision_requested"}
    assert not case.escalations.exists()


def test_it_reports_both_missing_texts_at_once(case):
    with pytest.raises(ValidationError) as refused:
        raise_escalation(case, summary="", decision_requested="")
    assert set(refused.value.message_dict) == {"summary", "decision_requested"}


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN])
def test_it_refuses_raising_by_roles_that_do_not_work_on_cases(role, case):
    with pytest.raises(PermissionDenied):
        raise_escalation(case, raised_by=make_user(role=role))
    assert not case.escalations.exists()


@pytest.mark.parametrize("audience", [a for a in Audience.values if a != MAYOR_MEETING])
def test_a_social_worker_on_the_team_raises_any_escalation_but_a_mayor_meeting(audience, case):
    escalation = raise_escalation(case, raised_by=case.owner, audience=audience)
    assert escalation.raised_by == case.owner


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.POLICE, Role.INFORMATION_OFFICER])
def test_only_the_coordinator_asks_for_a_meeting_with_the_mayor(role, case):
    with pytest.raises(ValidationError) as refused:
        raise_escalation(case, raised_by=member(case, role), audience=MAYOR_MEETING)
    assert "audience" in refused.value.message_dict
    assert not case.escalations.exists()


def test_it_refuses_an_unknown_audience(case):
    with pytest.raises(ValidationError) as refused:
        raise_escalation(case, audience="press")
    assert "audience" in refused.value.message_dict
    assert not case.escalations.exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.POLICE, Role.COORDINATOR])
def test_it_refuses_raising_by_a_case_worker_not_on_the_case_team(role, case):
    with pytest.raises(PermissionDenied):
        raise_escalation(case, raised_by=make_user(role=role))
    assert not case.escalations.exists()


# --- Deciding -------------------------------------------------------------------------------


@pytest.mark.parametrize(("audience", "role"), ALLOWED)
def test_the_audiences_decider_records_the_decision(audience, role, case):
    escalation = raise_escalation(case, audience=audience)
    decider = member(case, role)
    before = timezone.now()
    services.escalation_decide(
        escalation=escalation, user=decider, status=Status.DECIDED, decision="Go ahead."
    )
    stored = Escalation.objects.get(pk=escalation.pk)
    assert stored.status == Status.DECIDED
    assert stored.decision == "Go ahead."
    assert stored.decided_by == decider
    assert before <= stored.decided_at <= timezone.now()


@pytest.mark.parametrize(("audience", "role"), REFUSED)
def test_it_refuses_a_decision_by_anyone_else(audience, role, case):
    escalation = raise_escalation(case, audience=audience)
    with pytest.raises(PermissionDenied):
        services.escalation_decide(
            escalation=escalation,
            user=member(case, role),
            status=Status.DECIDED,
            decision="Go ahead.",
        )
    stored = Escalation.objects.get(pk=escalation.pk)
    assert (stored.status, stored.decision, stored.decided_by) == (Status.RAISED, "", None)


def test_it_refuses_a_decision_by_an_inactive_decider(case):
    escalation = raise_escalation(case, audience=Audience.COORDINATOR)
    gone = make_user(role=Role.COORDINATOR)
    gone.is_active = False
    gone.save()
    with pytest.raises(PermissionDenied):
        services.escalation_decide(
            escalation=escalation, user=gone, status=Status.DECIDED, decision="Yes."
        )


@pytest.mark.parametrize("decision", ["", "  \n"])
def test_it_requires_the_decision_taken(decision, case):
    escalation = raise_escalation(case, audience=Audience.COORDINATOR)
    with pytest.raises(ValidationError) as refused:
        services.escalation_decide(
            escalation=escalation,
            user=decider_for(case, Audience.COORDINATOR),
            status=Status.DECIDED,
            decision=decision,
        )
    assert "decision" in refused.value.message_dict
    stored = Escalation.objects.get(pk=escalation.pk)
    assert (stored.status, stored.decided_by, stored.decided_at) == (Status.RAISED, None, None)


def test_a_decision_flows_back_into_the_chronology(case):
    escalation = raise_escalation(case, audience=Audience.MAC)
    decider = decider_for(case, Audience.MAC)
    entries_before = set(case.entries.values_list("pk", flat=True))
    services.escalation_decide(
        escalation=escalation, user=decider, status=Status.DECIDED, decision="MAC agrees."
    )
    new = case.entries.exclude(pk__in=entries_before).get()
    assert new.kind == ChronologyEntry.Kind.DECISION
    assert new.level == Level.L2
    assert new.author == decider
    assert "MAC agrees." in new.text
    assert new.occurred_at == Escalation.objects.get(pk=escalation.pk).decided_at


def test_putting_an_escalation_under_review_writes_nothing_in_the_chronology(case):
    escalation = raise_escalation(case, audience=Audience.MAC)
    before = case.entries.count()
    services.escalation_decide(
        escalation=escalation, user=decider_for(case, Audience.MAC), status=Status.UNDER_REVIEW
    )
    assert case.entries.count() == before


def test_it_puts_an_escalation_under_review_without_deciding_it(case):
    escalation = raise_escalation(case, audience=Audience.MAC)
    services.escalation_decide(
        escalation=escalation, user=decider_for(case, Audience.MAC), status=Status.UNDER_REVIEW
    )
    stored = Escalation.objects.get(pk=escalation.pk)
    assert stored.status == Status.UNDER_REVIEW
    assert (stored.decision, stored.decided_by, stored.decided_at) == ("", None, None)


def test_an_escalation_under_review_can_then_be_decided(case):
    escalation = raise_escalation(case, audience=Audience.MAC)
    decider = decider_for(case, Audience.MAC)
    services.escalation_decide(escalation=escalation, user=decider, status=Status.UNDER_REVIEW)
    services.escalation_decide(
        escalation=escalation, user=decider, status=Status.DECIDED, decision="MAC agrees."
    )
    stored = Escalation.objects.get(pk=escalation.pk)
    assert (stored.status, stored.decision, stored.decided_by) == (
        Status.DECIDED,
        "MAC agrees.",
        decider,
    )


@pytest.mark.parametrize("new_status", [Status.DECIDED, Status.UNDER_REVIEW, Status.RAISED])
def test_a_decided_escalation_cannot_be_decided_again(new_status, case):
    escalation = raise_escalation(case, audience=Audience.POLICE)
    first = member(case, Role.POLICE)
    services.escalation_decide(
        escalation=escalation, user=first, status=Status.DECIDED, decision="Police route."
    )
    decided_at = Escalation.objects.get(pk=escalation.pk).decided_at
    with pytest.raises(ValidationError):
        services.escalation_decide(
            escalation=Escalation.objects.get(pk=escalation.pk),
            user=member(case, Role.INFORMATION_OFFICER),
            status=new_status,
            decision="Something else.",
        )
    stored = Escalation.objects.get(pk=escalation.pk)
    assert (stored.status, stored.decision, stored.decided_by, stored.decided_at) == (
        Status.DECIDED,
        "Police route.",
        first,
        decided_at,
    )


def test_a_decider_whose_page_was_opened_before_another_decided_is_refused(case):
    escalation = raise_escalation(case, audience=Audience.POLICE)
    as_the_second_decider_read_it = Escalation.objects.get(pk=escalation.pk)
    first = member(case, Role.POLICE)
    services.escalation_decide(
        escalation=escalation, user=first, status=Status.DECIDED, decision="Police route."
    )
    with pytest.raises(ValidationError):
        services.escalation_decide(
            escalation=as_the_second_decider_read_it,
            user=member(case, Role.INFORMATION_OFFICER),
            status=Status.DECIDED,
            decision="Something else.",
        )
    stored = Escalation.objects.get(pk=escalation.pk)
    assert (stored.status, stored.decision, stored.decided_by) == (
        Status.DECIDED,
        "Police route.",
        first,
    )
    assert case.entries.filter(kind=ChronologyEntry.Kind.DECISION).count() == 1


def test_it_refuses_to_send_an_escalation_back_to_raised(case):
    escalation = raise_escalation(case, audience=Audience.COORDINATOR)
    decider = decider_for(case, Audience.COORDINATOR)
    services.escalation_decide(escalation=escalation, user=decider, status=Status.UNDER_REVIEW)
    with pytest.raises(ValidationError) as refused:
        services.escalation_decide(escalation=escalation, user=decider, status=Status.RAISED)
    assert "status" in refused.value.message_dict
    assert Escalation.objects.get(pk=escalation.pk).status == Status.UNDER_REVIEW


@pytest.mark.parametrize(
    ("audience", "role"),
    [(Audience.POLICE, Role.POLICE), (Audience.COORDINATOR, Role.COORDINATOR)],
)
def test_it_refuses_a_decision_by_a_decider_for_whom_the_case_does_not_exist(audience, role, case):
    # Every other write on a case re-checks that the case is visible to the writer
    # (DESIGN section 3, rule 1); a police officer of another zone or a coordinator off the
    # team does not see this escalation (policy.escalation_filter), so may not decide it.
    escalation = raise_escalation(case, audience=audience)
    outsider = make_user(role=role)
    assert not Escalation.objects.filter(escalation_filter(outsider), pk=escalation.pk).exists()
    with pytest.raises(PermissionDenied):
        services.escalation_decide(
            escalation=escalation, user=outsider, status=Status.DECIDED, decision="Closed."
        )
    assert Escalation.objects.get(pk=escalation.pk).status == Status.RAISED
