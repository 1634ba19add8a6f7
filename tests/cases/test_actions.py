from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from cases import services
from cases.models import Action
from tests.cases.conftest import join
from tests.factories import make_case, make_person, make_user

pytestmark = pytest.mark.clock

Consent = Action.Consent
Status = Action.Status


def next_week():
    return timezone.localdate() + timedelta(days=7)


def add(case, *, created_by=None, owner=None, **fields):
    fields.setdefault("description", "Invite the person to the boxing club.")
    fields.setdefault("due_date", next_week())
    return services.action_add(
        case=case,
        created_by=created_by or case.owner,
        owner=owner or case.owner,
        **fields,
    )


@pytest.fixture
def minors_case(social_worker):
    return make_case(owner=social_worker, person=make_person(is_minor=True))


# --- Adding ---------------------------------------------------------------------------------


def test_it_adds_an_open_action_owned_by_a_person_and_their_agency(case, coordinator):
    owner = make_user(role=Role.POLICE)
    join(case, owner, coordinator)
    action = add(
        case,
        created_by=coordinator,
        owner=owner,
        description="Street-corner contact twice a week.",
        consent=Consent.PENDING,
    )
    stored = Action.objects.get(pk=action.pk)
    assert stored.case == case
    assert stored.description == "Street-corner contact twice a week."
    assert stored.owner == owner
    assert stored.owner_agency == owner.profile.agency
    assert stored.due_date == next_week()
    assert stored.consent == Consent.PENDING
    assert stored.status == Status.OPEN
    assert stored.status_note == ""
    assert stored.created_by == coordinator


@pytest.mark.parametrize("description", ["", "   \n"])
def test_it_refuses_an_action_without_a_description(description, case):
    with pytest.raises(ValidationError) as refused:
        add(case, description=description)
    assert "description" in refused.value.message_dict
    assert not case.actions.exists()


def test_it_refuses_consent_given_by_the_person_for_a_minor(minors_case):
    with pytest.raises(ValidationError) as refused:
        add(minors_case, consent=Consent.GIVEN)
    assert "consent" in refused.value.message_dict
    assert not minors_case.actions.exists()


def test_it_accepts_a_parents_consent_for_a_minor(minors_case):
    action = add(minors_case, consent=Consent.PARENT_GIVEN)
    assert Action.objects.get(pk=action.pk).consent == Consent.PARENT_GIVEN


def test_it_accepts_consent_given_by_an_adult(case):
    action = add(case, consent=Consent.GIVEN)
    assert Action.objects.get(pk=action.pk).consent == Consent.GIVEN


def test_it_refuses_an_owner_with_no_agency(case):
    stranger = get_user_model().objects.create_user(username="no-profile", password="x")
    with pytest.raises(ValidationError) as refused:
        add(case, owner=stranger)
    assert "owner" in refused.value.message_dict
    assert not case.actions.exists()


def test_it_refuses_the_technical_administrator_as_owner(case, admin_user):
    with pytest.raises(ValidationError) as refused:
        add(case, owner=admin_user)
    assert "owner" in refused.value.message_dict
    assert not case.actions.exists()


def test_it_refuses_an_inactive_owner(case, make_user):
    gone = make_user(role=Role.SOCIAL_WORKER)
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError):
        add(case, owner=gone)
    assert not case.actions.exists()


def test_it_refuses_an_owner_who_is_not_on_the_case_team(case, make_user):
    with pytest.raises(ValidationError) as refused:
        add(case, owner=make_user(role=Role.SOCIAL_WORKER))
    assert "owner" in refused.value.message_dict
    assert not case.actions.exists()


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE])
def test_it_refuses_an_owner_who_can_never_be_on_a_case_team(role, case):
    with pytest.raises(ValidationError) as refused:
        add(case, owner=make_user(role=role))
    assert "owner" in refused.value.message_dict
    assert not case.actions.exists()


def test_it_accepts_an_owner_from_the_lead_agency(case, make_user):
    colleague = make_user(role=Role.SOCIAL_WORKER, agency=case.lead_agency)
    action = add(case, owner=colleague)
    assert (action.owner, action.owner_agency) == (colleague, case.lead_agency)


def test_it_accepts_the_information_officer_as_owner(case, info_officer):
    action = add(case, owner=info_officer)
    assert action.owner_agency == info_officer.profile.agency


def test_it_refuses_a_creator_who_is_not_on_the_case_team(case, make_user):
    with pytest.raises(PermissionDenied):
        add(case, created_by=make_user(role=Role.COORDINATOR))
    assert not case.actions.exists()


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN])
def test_it_refuses_creators_who_do_not_work_on_cases(role, case):
    with pytest.raises(PermissionDenied):
        add(case, created_by=make_user(role=role))
    assert not case.actions.exists()


# --- Updating -------------------------------------------------------------------------------


def update(action, *, user=None, **fields):
    return services.action_update(action=action, user=user or action.created_by, **fields)


def test_it_marks_an_action_done_without_a_note(case):
    action = add(case)
    update(action, status=Status.DONE)
    assert Action.objects.get(pk=action.pk).status == Status.DONE


@pytest.mark.parametrize("status", [Status.NOT_POSSIBLE, Status.NOT_DONE])
@pytest.mark.parametrize("note", ["", "  \n"])
def test_it_requires_a_note_when_an_action_was_not_possible_or_not_done(status, note, case):
    action = add(case)
    with pytest.raises(ValidationError) as refused:
        update(action, status=status, status_note=note)
    assert "status_note" in refused.value.message_dict
    stored = Action.objects.get(pk=action.pk)
    assert (stored.status, stored.status_note) == (Status.OPEN, "")


@pytest.mark.parametrize("status", [Status.NOT_POSSIBLE, Status.NOT_DONE])
def test_it_stores_the_note_of_an_action_not_possible_or_not_done(status, case):
    action = add(case)
    update(action, status=status, status_note="The family moved to another city.")
    stored = Action.objects.get(pk=action.pk)
    assert (stored.status, stored.status_note) == (status, "The family moved to another city.")


def test_it_moves_the_due_date_and_records_consent(case):
    action = add(case)
    later = timezone.localdate() + timedelta(days=30)
    update(action, status=Status.OPEN, due_date=later, consent=Consent.GIVEN)
    stored = Action.objects.get(pk=action.pk)
    assert (stored.due_date, stored.consent) == (later, Consent.GIVEN)


def test_it_keeps_due_date_and_consent_when_not_given(case):
    action = add(case, consent=Consent.PENDING)
    update(action, status=Status.DONE)
    stored = Action.objects.get(pk=action.pk)
    assert (stored.due_date, stored.consent) == (next_week(), Consent.PENDING)


def test_it_refuses_to_record_consent_given_by_a_minor(minors_case):
    action = add(minors_case, consent=Consent.PENDING)
    with pytest.raises(ValidationError) as refused:
        update(action, status=Status.OPEN, consent=Consent.GIVEN)
    assert "consent" in refused.value.message_dict
    assert Action.objects.get(pk=action.pk).consent == Consent.PENDING


def test_a_refused_update_changes_nothing_at_all(minors_case):
    action = add(minors_case, consent=Consent.PENDING)
    later = timezone.localdate() + timedelta(days=60)
    with pytest.raises(ValidationError):
        update(
            action,
            status=Status.DONE,
            status_note="Done",
            due_date=later,
            consent=Consent.GIVEN,
        )
    stored = Action.objects.get(pk=action.pk)
    assert (stored.status, stored.status_note, stored.due_date, stored.consent) == (
        Status.OPEN,
        "",
        next_week(),
        Consent.PENDING,
    )


def test_another_case_worker_may_update_the_action(case, make_user):
    action = add(case)
    police = make_user(role=Role.POLICE)
    join(case, police)
    update(action, user=police, status=Status.DONE)
    assert Action.objects.get(pk=action.pk).status == Status.DONE


def test_it_refuses_an_unknown_status(case):
    action = add(case)
    with pytest.raises(ValidationError) as refused:
        update(action, status="forgotten")
    assert "status" in refused.value.message_dict
    assert Action.objects.get(pk=action.pk).status == Status.OPEN


def test_it_refuses_an_update_by_a_case_worker_not_on_the_case_team(case, make_user):
    action = add(case)
    with pytest.raises(PermissionDenied):
        update(action, user=make_user(role=Role.POLICE), status=Status.DONE)
    assert Action.objects.get(pk=action.pk).status == Status.OPEN


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN])
def test_it_refuses_updates_by_roles_that_do_not_work_on_cases(role, case):
    action = add(case)
    with pytest.raises(PermissionDenied):
        update(action, user=make_user(role=role), status=Status.DONE)
    assert Action.objects.get(pk=action.pk).status == Status.OPEN
