from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Agency, Role
from cases import selectors, services
from cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ConcernCategory,
)
from tests.cases.conftest import join
from tests.factories import AgencyFactory, make_case, make_user

R = Case.RiskLevel


def update(case, *, user=None, expected_version=None, **changes):
    return services.case_update(
        case=case,
        user=user or case.owner,
        expected_version=case.version if expected_version is None else expected_version,
        **changes,
    )


# --- Optimistic locking ---------------------------------------------------------------------


def test_it_bumps_the_version_on_a_save_with_the_right_version(case):
    assert case.version == 1
    saved = update(case, expected_version=1, risk_level=R.HIGH)
    stored = Case.objects.get(pk=case.pk)
    assert stored.version == 2
    assert stored.risk_level == R.HIGH
    assert saved.version == stored.version


def test_it_bumps_the_version_at_every_save(case):
    first = update(case, expected_version=1, risk_level=R.HIGH)
    second = update(first, expected_version=first.version, risk_level=R.LOW)
    assert (first.version, second.version) == (2, 3)
    assert Case.objects.get(pk=case.pk).risk_level == R.LOW


def test_it_refuses_a_save_with_a_stale_version_and_carries_the_current_case(case, coordinator):
    join(case, coordinator)
    theirs = update(case, user=coordinator, expected_version=1, risk_level=R.CRITICAL)
    with pytest.raises(services.ConflictError) as conflict:
        update(case, expected_version=1, risk_level=R.LOW)
    current = conflict.value.current
    assert current.pk == case.pk
    assert current.version == theirs.version
    assert current.risk_level == R.CRITICAL


def test_a_stale_save_changes_nothing(case, coordinator):
    join(case, coordinator)
    theirs = update(case, user=coordinator, expected_version=1, risk_level=R.CRITICAL)
    other = make_user(role=Role.SOCIAL_WORKER)
    category = ConcernCategory.objects.first()
    logs_before = LogEntry.objects.count()
    with pytest.raises(services.ConflictError):
        update(
            case,
            expected_version=1,
            risk_level=R.LOW,
            owner=other,
            next_review_date=timezone.localdate() + timedelta(days=3),
            categories=[category],
        )
    stored = Case.objects.get(pk=case.pk)
    assert stored.version == theirs.version
    assert stored.risk_level == R.CRITICAL
    assert stored.owner == case.owner
    assert stored.next_review_date is None
    assert not stored.categories.exists()
    assert not CaseUserObjectPermission.objects.filter(content_object=case, user=other).exists()
    assert LogEntry.objects.count() == logs_before


def test_it_refuses_a_version_from_the_future(case):
    with pytest.raises(services.ConflictError):
        update(case, expected_version=case.version + 1, risk_level=R.HIGH)
    assert Case.objects.get(pk=case.pk).risk_level == R.MODERATE


def test_a_status_change_makes_an_edit_based_on_the_old_version_stale(case):
    services.case_change_status(
        case=case,
        user=case.owner,
        to_status=Case.Status.INFORMATION_GATHERING,
        reason="More to learn",
        expected_version=1,
    )
    with pytest.raises(services.ConflictError) as conflict:
        update(case, expected_version=1, risk_level=R.HIGH)
    assert conflict.value.current.status == Case.Status.INFORMATION_GATHERING
    assert Case.objects.get(pk=case.pk).risk_level == R.MODERATE


# --- What a save changes --------------------------------------------------------------------


def test_it_saves_each_editable_field(case, make_user):
    owner = make_user(role=Role.COORDINATOR)
    lead = make_user(role=Role.SOCIAL_WORKER).profile.agency
    review = timezone.localdate() + timedelta(days=21)
    update(
        case,
        risk_level=R.LOW,
        lead_agency=lead,
        owner=owner,
        next_review_date=review,
        person_informed=True,
        not_informed_reason="",
        legal_basis=Case.LegalBasis.CONSENT,
    )
    stored = Case.objects.get(pk=case.pk)
    assert stored.risk_level == R.LOW
    assert stored.lead_agency == lead
    assert stored.owner == owner
    assert stored.next_review_date == review
    assert stored.person_informed is True
    assert stored.legal_basis == Case.LegalBasis.CONSENT


def test_it_replaces_the_categories(case):
    first, second, third = ConcernCategory.objects.order_by("pk")[:3]
    case.categories.set([first, second])
    update(case, categories=[third])
    assert list(Case.objects.get(pk=case.pk).categories.all()) == [third]


def test_it_leaves_the_categories_alone_when_none_are_given(case):
    first = ConcernCategory.objects.order_by("pk").first()
    case.categories.set([first])
    update(case, risk_level=R.HIGH)
    assert list(Case.objects.get(pk=case.pk).categories.all()) == [first]


@pytest.mark.parametrize(
    "field", ["status", "reference", "closure_reason", "closed_at", "version", "person"]
)
def test_it_refuses_fields_that_are_not_editable(field, case):
    value = {
        "status": Case.Status.CLOSED,
        "reference": "MSC-1999-0001",
        "closure_reason": Case.ClosureReason.DECEASED,
        "closed_at": timezone.now(),
        "version": 99,
        "person": None,
    }[field]
    with pytest.raises(ValueError):
        update(case, **{field: value})
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.reference, stored.version) == (
        case.status,
        case.reference,
        case.version,
    )


def test_a_new_owner_joins_the_case_team(case, make_user):
    owner = make_user(role=Role.SOCIAL_WORKER)
    assert not selectors.visible_cases(user=owner).filter(pk=case.pk).exists()
    update(case, owner=owner)
    assert selectors.visible_cases(user=owner).filter(pk=case.pk).exists()


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE])
def test_it_refuses_an_owner_who_cannot_work_on_cases(role, case, make_user):
    with pytest.raises(ValidationError) as refused:
        update(case, owner=make_user(role=role))
    assert "owner" in refused.value.message_dict
    stored = Case.objects.get(pk=case.pk)
    assert (stored.owner, stored.version) == (case.owner, case.version)


# --- Why the person is not informed ---------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_requires_a_reason_when_the_person_becomes_not_informed(reason, social_worker):
    case = make_case(owner=social_worker, person_informed=True, not_informed_reason="")
    with pytest.raises(ValidationError) as refused:
        update(case, person_informed=False, not_informed_reason=reason)
    assert "not_informed_reason" in refused.value.message_dict
    stored = Case.objects.get(pk=case.pk)
    assert (stored.person_informed, stored.version) == (True, case.version)


def test_it_refuses_to_clear_the_reason_while_the_person_is_not_informed(case):
    assert case.person_informed is False
    with pytest.raises(ValidationError) as refused:
        update(case, not_informed_reason="")
    assert "not_informed_reason" in refused.value.message_dict
    stored = Case.objects.get(pk=case.pk)
    assert stored.not_informed_reason == case.not_informed_reason
    assert stored.version == case.version


def test_it_accepts_a_person_not_informed_with_a_reason(social_worker):
    case = make_case(owner=social_worker, person_informed=True, not_informed_reason="")
    update(case, person_informed=False, not_informed_reason="Contact would endanger a source")
    stored = Case.objects.get(pk=case.pk)
    assert stored.person_informed is False
    assert stored.not_informed_reason == "Contact would endanger a source"


def test_it_needs_no_reason_once_the_person_is_informed(case):
    update(case, person_informed=True, not_informed_reason="")
    assert Case.objects.get(pk=case.pk).person_informed is True


# --- Who may edit ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN])
def test_it_refuses_roles_that_do_not_work_on_cases(role, case):
    with pytest.raises(PermissionDenied):
        update(case, user=make_user(role=role), risk_level=R.CRITICAL)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.risk_level, stored.version) == (R.MODERATE, case.version)


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.POLICE, Role.COORDINATOR])
def test_it_refuses_a_case_worker_who_is_not_on_the_case_team(role, case):
    with pytest.raises(PermissionDenied):
        update(case, user=make_user(role=role), risk_level=R.CRITICAL)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.risk_level, stored.version) == (R.MODERATE, case.version)


def test_the_information_officer_may_edit_any_case(case, info_officer):
    update(case, user=info_officer, risk_level=R.HIGH)
    assert Case.objects.get(pk=case.pk).risk_level == R.HIGH


# --- Who may change the owner and the lead agency (issue 14, finding 2) ---------------------
# A new owner and a new lead agency join the case team: only those who manage the team (the
# owner, a coordinator) may change them, and the new owner must be able to be on a team.


def team_of(case) -> tuple[set, set]:
    users = set(CaseUserObjectPermission.objects.filter(content_object=case).values_list("pk"))
    agencies = set(CaseGroupObjectPermission.objects.filter(content_object=case).values_list("pk"))
    return users, agencies


def test_a_police_officer_on_the_team_may_not_change_the_owner_or_the_lead_agency(
    case, police_officer
):
    join(case, police_officer)
    health_worker = make_user(role=Role.SOCIAL_WORKER)
    prison = AgencyFactory(name="Prison", kind=Agency.Kind.PRISON)
    team_before = team_of(case)
    for change in ({"owner": health_worker}, {"lead_agency": prison}):
        with pytest.raises(PermissionDenied):
            update(case, user=police_officer, **change)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.owner, stored.lead_agency, stored.version) == (
        case.owner,
        case.lead_agency,
        case.version,
    )
    assert team_of(case) == team_before
    assert not selectors.visible_cases(user=health_worker).filter(pk=case.pk).exists()


def test_a_police_officer_still_edits_the_rest_of_the_case(case, police_officer):
    join(case, police_officer)
    update(
        case,
        user=police_officer,
        risk_level=R.HIGH,
        owner=case.owner,
        lead_agency=case.lead_agency,
    )
    assert Case.objects.get(pk=case.pk).risk_level == R.HIGH


def test_a_coordinator_on_the_team_changes_the_owner_and_the_lead_agency(case, coordinator):
    join(case, coordinator)
    new_owner = make_user(role=Role.SOCIAL_WORKER)
    lead = AgencyFactory()
    update(case, user=coordinator, owner=new_owner, lead_agency=lead)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.owner, stored.lead_agency) == (new_owner, lead)
    assert CaseGroupObjectPermission.objects.filter(content_object=case, group=lead.group).exists()


def test_the_information_officer_may_not_change_the_owner(case, info_officer):
    # They read every case but do not manage its team (policy.may_manage_team).
    with pytest.raises(PermissionDenied):
        update(case, user=info_officer, owner=make_user(role=Role.SOCIAL_WORKER))
    assert Case.objects.get(pk=case.pk).owner == case.owner


def test_the_new_owner_must_be_able_to_join_a_case_team(case, info_officer):
    with pytest.raises(ValidationError) as refused:
        update(case, owner=info_officer)
    assert "owner" in refused.value.message_dict
    assert Case.objects.get(pk=case.pk).owner == case.owner
