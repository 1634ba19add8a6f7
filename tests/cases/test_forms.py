from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Level, Role
from cases import forms, services
from cases.models import Action, Case, ChronologyEntry, ConcernCategory, Escalation, Indicator
from core.forms import apply_errors
from tests.factories import AgencyFactory, make_case, make_user

pytestmark = pytest.mark.clock

S = Case.Status


def as_input(moment) -> str:
    """What a datetime-local field sends: local time to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- EntryForm ------------------------------------------------------------------------------


def entry_data(**overrides):
    data = {
        "kind": ChronologyEntry.Kind.NOTE,
        "occurred_at": as_input(timezone.now() - timedelta(hours=3)),
        "level": str(Level.L2),
        "text": "Home visit; the father was present.",
    }
    data.update(overrides)
    return data


def test_entry_form_accepts_a_time_in_the_past(social_worker):
    form = forms.EntryForm(entry_data(), user=social_worker)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["level"] == Level.L2


@pytest.mark.parametrize("ahead", [timedelta(hours=1), timedelta(days=3)])
def test_entry_form_refuses_a_time_in_the_future(ahead, social_worker):
    form = forms.EntryForm(
        entry_data(occurred_at=as_input(timezone.now() + ahead)), user=social_worker
    )
    assert not form.is_valid()
    assert set(form.errors) == {"occurred_at"}


def test_entry_form_accepts_a_time_a_few_minutes_ahead_as_the_service_does(social_worker):
    # The service allows FUTURE_TOLERANCE because clocks differ between a laptop and the
    # server; the form is the only way a person's clock reaches the service.
    ahead = as_input(timezone.now() + timedelta(minutes=3))
    form = forms.EntryForm(entry_data(occurred_at=ahead), user=social_worker)
    assert form.is_valid(), form.errors


# When the clocks go back (Brussels, 31 October 2027, 03:00 CEST becomes 02:00 CET), 02:00 to
# 03:00 happens twice; when they go forward (28 March 2027), 02:00 to 03:00 never happens.
FIRST_PASS = datetime(2027, 10, 31, 2, 40, tzinfo=timezone.get_fixed_timezone(120))
SECOND_PASS = datetime(2027, 10, 31, 2, 40, tzinfo=timezone.get_fixed_timezone(60))


@pytest.mark.parametrize(
    ("now", "typed", "offset_minutes"),
    [
        (SECOND_PASS, "2027-10-31T02:20", 60),  # twenty minutes ago, in winter time
        (SECOND_PASS, "2027-10-31T02:43", 60),  # three minutes ahead, as tolerated
        (FIRST_PASS, "2027-10-31T02:20", 120),  # the winter 02:20 has not come yet
    ],
)
def test_entry_form_reads_a_time_of_the_repeated_hour_as_the_one_that_happened(
    now, typed, offset_minutes, social_worker
):
    with time_machine.travel(now, tick=False):
        form = forms.EntryForm(entry_data(occurred_at=typed), user=social_worker)
        assert form.is_valid(), form.errors
    occurred = form.cleaned_data["occurred_at"]
    assert occurred.utcoffset() == timedelta(minutes=offset_minutes)
    assert occurred.strftime("%H:%M") == typed[-5:]


def test_entry_form_refuses_a_time_skipped_when_the_clocks_go_forward(social_worker):
    with time_machine.travel(datetime(2027, 3, 28, 12, 0, tzinfo=UTC), tick=False):
        form = forms.EntryForm(entry_data(occurred_at="2027-03-28T02:30"), user=social_worker)
        assert not form.is_valid()
    assert set(form.errors) == {"occurred_at"}


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        (Role.SOCIAL_WORKER, [Level.L1, Level.L2]),
        (Role.COORDINATOR, [Level.L1, Level.L2]),
        (Role.POLICE, [Level.L1, Level.L2, Level.L3, Level.L4]),
        (Role.INFORMATION_OFFICER, [Level.L1, Level.L2, Level.L3, Level.L4]),
        (Role.YOUTH_WORKER, []),
    ],
)
def test_entry_form_offers_only_levels_the_author_may_write(role, offered, db):
    form = forms.EntryForm(user=make_user(role=role))
    assert [value for value, _label in form.fields["level"].choices] == offered


def test_entry_form_refuses_a_level_above_the_authors_clearance(social_worker):
    form = forms.EntryForm(entry_data(level=str(Level.L3)), user=social_worker)
    assert not form.is_valid()
    assert set(form.errors) == {"level"}


def test_entry_form_refuses_an_empty_text(social_worker):
    form = forms.EntryForm(entry_data(text="   "), user=social_worker)
    assert not form.is_valid()
    assert set(form.errors) == {"text"}


# --- CaseOpenForm ---------------------------------------------------------------------------


@pytest.fixture
def open_data(social_worker):
    return {
        "first_name": "Yusuf",
        "last_name": "Janssens",
        "gender": "male",
        "lead_agency": str(social_worker.profile.agency.pk),
        "owner": str(social_worker.pk),
        "categories": [str(ConcernCategory.objects.filter(is_active=True).first().pk)],
        "risk_level": Case.RiskLevel.MODERATE,
        "legal_basis": Case.LegalBasis.LIVC_LAW,
        "not_informed_reason": "Informing him would alert the recruiter.",
    }


def test_case_open_form_accepts_complete_data(open_data):
    form = forms.CaseOpenForm(open_data)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("blank", ["", "   "])
def test_case_open_form_refuses_a_missing_name_without_an_existing_code(blank, open_data):
    form = forms.CaseOpenForm({**open_data, "first_name": blank, "last_name": blank})
    assert not form.is_valid()
    assert set(form.errors) == {"first_name", "last_name"}


def test_case_open_form_refuses_a_missing_last_name_alone(open_data):
    form = forms.CaseOpenForm({**open_data, "last_name": ""})
    assert not form.is_valid()
    assert set(form.errors) == {"last_name"}


def test_case_open_form_needs_no_name_with_an_existing_code(open_data):
    data = {**open_data, "first_name": "", "last_name": "", "existing_person": "YJ-0042"}
    form = forms.CaseOpenForm(data)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("reason", ["", "  \n"])
def test_case_open_form_refuses_a_person_not_informed_without_a_reason(reason, open_data):
    form = forms.CaseOpenForm({**open_data, "not_informed_reason": reason})
    assert not form.is_valid()
    assert set(form.errors) == {"not_informed_reason"}


def test_case_open_form_needs_no_reason_when_the_person_is_informed(open_data):
    form = forms.CaseOpenForm({**open_data, "person_informed": "on", "not_informed_reason": ""})
    assert form.is_valid(), form.errors


def test_case_open_form_refuses_a_date_of_birth_in_the_future(open_data):
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = forms.CaseOpenForm({**open_data, "date_of_birth": tomorrow.isoformat()})
    assert not form.is_valid()
    assert set(form.errors) == {"date_of_birth"}


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE])
def test_case_open_form_refuses_an_owner_who_cannot_work_on_cases(role, open_data):
    owner = make_user(role=role)
    form = forms.CaseOpenForm({**open_data, "owner": str(owner.pk)})
    assert not form.is_valid()
    assert set(form.errors) == {"owner"}


def test_case_open_form_refuses_an_inactive_lead_agency(open_data):
    closed = AgencyFactory()
    closed.is_active = False
    closed.save()
    form = forms.CaseOpenForm({**open_data, "lead_agency": str(closed.pk)})
    assert not form.is_valid()
    assert set(form.errors) == {"lead_agency"}


def test_case_open_form_requires_a_concern_category(open_data):
    form = forms.CaseOpenForm({**open_data, "categories": []})
    assert not form.is_valid()
    assert set(form.errors) == {"categories"}


# --- CaseEditForm ---------------------------------------------------------------------------


def test_case_edit_form_accepts_the_case_as_it_is(case):
    initial = forms.CaseEditForm.initial_for(case)
    data = {
        **initial,
        "categories": [str(c.pk) for c in initial["categories"]]
        or [str(ConcernCategory.objects.first().pk)],
        "next_review_date": "",
    }
    form = forms.CaseEditForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["version"] == case.version


def test_case_edit_form_requires_the_version(case):
    data = {**forms.CaseEditForm.initial_for(case), "version": ""}
    data["categories"] = [str(ConcernCategory.objects.first().pk)]
    form = forms.CaseEditForm(data)
    assert not form.is_valid()
    assert "version" in form.errors


# --- StatusChangeForm -----------------------------------------------------------------------


@pytest.mark.parametrize("current", [S.INTAKE, S.ACTIVE_SUPPORT, S.CLOSED])
def test_status_form_offers_only_the_possible_moves_none_chosen(current, db):
    case = Case(status=current)
    form = forms.StatusChangeForm(case=case, initial={"version": 1})
    offered = [value for value, _label in form.fields["to_status"].widget.choices]
    assert set(offered) == services.ALLOWED_TRANSITIONS[current]
    assert offered == [value for value in S.values if value in offered]  # in the usual order
    html = str(form["to_status"])
    assert 'type="radio"' in html and "checked" not in html
    for impossible in set(S.values) - services.ALLOWED_TRANSITIONS[current]:
        assert f'value="{impossible}"' not in html


def test_status_form_lets_the_service_explain_a_move_outside_the_table(case):
    # A case changed meanwhile: the move chosen may no longer be possible; the service says why.
    form = forms.StatusChangeForm(
        {"version": case.version, "to_status": S.ACTIVE_SUPPORT, "reason": "r"}, case=case
    )
    assert form.is_valid()


def test_status_form_requires_a_reason(case):
    form = forms.StatusChangeForm(
        {"version": case.version, "to_status": S.INFORMATION_GATHERING, "reason": "  "},
        case=case,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"reason"}


def test_status_form_shows_the_services_refusal_on_the_field(case):
    form = forms.StatusChangeForm(
        {"version": case.version, "to_status": S.ACTIVE_SUPPORT, "reason": "Plan agreed"},
        case=case,
    )
    assert form.is_valid(), form.errors
    with pytest.raises(ValidationError) as refused:
        services.case_change_status(
            case=case,
            user=case.owner,
            expected_version=form.cleaned_data["version"],
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
        )
    apply_errors(form, refused.value)
    assert "to_status" in form.errors
    assert not form.non_field_errors()


def test_status_form_refuses_an_unknown_closure_reason(case):
    form = forms.StatusChangeForm(
        {
            "version": case.version,
            "to_status": S.CLOSED,
            "reason": "Done",
            "closure_reason": "bored",
        },
        case=case,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"closure_reason"}


# --- apply_errors ---------------------------------------------------------------------------


def test_apply_errors_puts_an_error_without_a_field_above_the_form(case):
    form = forms.CorrectionForm({"text": "Corrected"})
    assert form.is_valid()
    apply_errors(form, ValidationError("Already corrected."))
    assert form.non_field_errors() == ["Already corrected."]


def test_apply_errors_puts_an_unknown_fields_error_above_the_form(case):
    form = forms.CorrectionForm({"text": "Corrected"})
    assert form.is_valid()
    apply_errors(form, ValidationError({"level": "Not at this level."}))
    assert form.non_field_errors() == ["Not at this level."]
    assert "level" not in form.errors


# --- AssessmentForm -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        (Role.SOCIAL_WORKER, [Level.L2]),
        (Role.POLICE, [Level.L2, Level.L3, Level.L4]),
    ],
)
def test_assessment_form_offers_levels_from_professional_secrecy_up(role, offered, db):
    form = forms.AssessmentForm(user=make_user(role=role), indicators=[])
    assert [value for value, _label in form.fields["level"].choices] == offered


def test_assessment_form_requires_a_rating_for_each_indicator(social_worker):
    first = Indicator.objects.create(domain=Indicator.Domain.INTENT, name="Form indicator 1")
    second = Indicator.objects.create(domain=Indicator.Domain.INTENT, name="Form indicator 2")
    data = {
        "overall_judgement": "low",
        "level": str(Level.L2),
        f"rating_{first.pk}": "2",
        f"note_{first.pk}": "Clear signs",
    }
    form = forms.AssessmentForm(data, user=social_worker, indicators=[first, second])
    assert not form.is_valid()
    assert set(form.errors) == {f"rating_{second.pk}"}
    form = forms.AssessmentForm(
        {**data, f"rating_{second.pk}": "0"}, user=social_worker, indicators=[first, second]
    )
    assert form.is_valid(), form.errors
    assert form.ratings() == {first.pk: (2, "Clear signs"), second.pk: (0, "")}


def test_assessment_form_refuses_a_rating_outside_the_scale(social_worker):
    indicator = Indicator.objects.create(domain=Indicator.Domain.INTENT, name="Form indicator")
    data = {"overall_judgement": "low", "level": str(Level.L2), f"rating_{indicator.pk}": "7"}
    form = forms.AssessmentForm(data, user=social_worker, indicators=[indicator])
    assert not form.is_valid()
    assert set(form.errors) == {f"rating_{indicator.pk}"}


# --- Actions and escalations ----------------------------------------------------------------


def test_action_form_offers_the_case_team_as_owners(db):
    from cases import services as case_services

    case = make_case()
    police = make_user(role=Role.POLICE)
    case_services.team_add_user(case=case, user=police, granted_by=case.owner, reason="team")
    colleague = make_user(role=Role.SOCIAL_WORKER, agency=case.owner.profile.agency)
    outsider = make_user(role=Role.SOCIAL_WORKER)
    offered = set(forms.ActionForm(case=case).fields["owner"].queryset)
    assert {case.owner, police, colleague} <= offered
    assert outsider not in offered


def test_action_form_offers_no_owner_who_can_never_be_on_a_case_team(db):
    # services.action_add refuses an owner who does not see the case, and these roles never
    # see one (policy.case_filter); offering them only leads to a refusal the user cannot fix.
    case = make_case()
    users = {role: make_user(role=role, agency=case.owner.profile.agency) for role in Role.values}
    offered = set(forms.ActionForm(case=case).fields["owner"].queryset)
    never_on_a_team = [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN]
    assert [role for role in never_on_a_team if users[role] in offered] == []


def test_action_update_form_refuses_an_unknown_status(db):
    form = forms.ActionUpdateForm(
        {
            "status": "forgotten",
            "due_date": timezone.localdate().isoformat(),
            "consent": Action.Consent.NOT_NEEDED,
        }
    )
    assert not form.is_valid()
    assert set(form.errors) == {"status"}


def test_escalation_form_requires_the_summary_and_the_decision_asked_for(db):
    form = forms.EscalationForm({"audience": Escalation.Audience.MAYOR})
    assert not form.is_valid()
    assert set(form.errors) == {"summary", "decision_requested"}


def test_escalation_decision_form_cannot_send_an_escalation_back_to_raised(db):
    form = forms.EscalationDecisionForm({"status": Escalation.Status.RAISED, "decision": "x"})
    assert not form.is_valid()
    assert set(form.errors) == {"status"}
