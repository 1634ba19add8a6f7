import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import pre_save
from django.utils import timezone, translation

from accounts.models import Role
from cases import selectors, services
from cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ConcernCategory,
    Person,
    StatusChange,
)
from tests.factories import make_case, make_person

pytestmark = pytest.mark.clock


def open_case(*, opened_by, owner=None, person=None, **overrides):
    owner = owner or opened_by
    fields = {
        "opened_by": opened_by,
        "person": person or make_person(),
        "lead_agency": owner.profile.agency,
        "owner": owner,
        "legal_basis": Case.LegalBasis.LIVC_LAW,
        "not_informed_reason": "Informing would warn the network.",
    }
    fields.update(overrides)
    return services.case_open(**fields)


def close(case, *, days_ago=0):
    case = services.case_change_status(
        case=case,
        user=case.owner,
        to_status=Case.Status.CLOSED,
        reason="Risk reduced after support",
        expected_version=case.version,
        closure_reason=Case.ClosureReason.RISK_REDUCED,
    )
    if days_ago:
        Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
        case.refresh_from_db()
    return case


# --- Opening --------------------------------------------------------------------------------


def test_it_opens_a_case_in_intake_at_version_one(social_worker):
    person = make_person()
    case = open_case(opened_by=social_worker, person=person)
    case.refresh_from_db()
    assert case.status == Case.Status.INTAKE
    assert case.version == 1
    assert case.person == person
    assert case.owner == social_worker
    assert case.opened_by == social_worker
    assert case.lead_agency == social_worker.profile.agency
    assert case.legal_basis == Case.LegalBasis.LIVC_LAW
    assert case.closed_at is None
    assert case.closure_reason == ""


def test_it_numbers_references_by_year_one_after_another(social_worker):
    year = timezone.localdate().year
    first = open_case(opened_by=social_worker)
    second = open_case(opened_by=social_worker)
    pattern = re.compile(rf"^MSC-{year}-(\d{{4}})$")
    first_number = int(pattern.match(first.reference).group(1))
    second_number = int(pattern.match(second.reference).group(1))
    assert second_number == first_number + 1


def test_it_continues_after_the_highest_reference_of_the_year(social_worker):
    year = timezone.localdate().year
    earlier = open_case(opened_by=social_worker)
    Case.objects.filter(pk=earlier.pk).update(reference=f"MSC-{year}-0041")
    case = open_case(opened_by=social_worker)
    assert case.reference == f"MSC-{year}-0042"


def test_it_stores_the_concern_categories(social_worker):
    chosen = list(ConcernCategory.objects.order_by("pk")[:2])
    case = open_case(opened_by=social_worker, categories=chosen)
    assert set(case.categories.all()) == set(chosen)


def test_it_records_the_opening_as_the_first_status_change(social_worker):
    case = open_case(opened_by=social_worker, reason="Accepted at screening")
    change = StatusChange.objects.get(case=case)
    assert change.from_status == ""
    assert change.to_status == Case.Status.INTAKE
    assert change.changed_by == social_worker
    assert change.event == StatusChange.Event.OPENED
    assert change.reason == "Accepted at screening"
    with translation.override("en"):
        assert change.text() == "Case opened. Accepted at screening"


def test_it_gives_the_opening_a_reason_when_none_is_given(social_worker):
    case = open_case(opened_by=social_worker)
    change = StatusChange.objects.get(case=case)
    assert (change.event, change.reason) == (StatusChange.Event.OPENED, "")
    with translation.override("en"):
        assert change.text() == "Case opened."


# --- The case team --------------------------------------------------------------------------


def test_it_puts_the_opener_the_owner_and_the_lead_agency_on_the_team(coordinator, make_user):
    owner = make_user(role=Role.SOCIAL_WORKER)
    case = open_case(opened_by=coordinator, owner=owner)
    granted_users = set(
        CaseUserObjectPermission.objects.filter(content_object=case).values_list("user", flat=True)
    )
    assert granted_users == {coordinator.pk, owner.pk}
    granted_groups = set(
        CaseGroupObjectPermission.objects.filter(content_object=case).values_list(
            "group", flat=True
        )
    )
    assert granted_groups == {owner.profile.agency.group.pk}


def test_it_lets_the_team_see_the_case_and_nobody_else(social_worker, make_user):
    case = open_case(opened_by=social_worker)
    colleague = make_user(role=Role.SOCIAL_WORKER, agency=social_worker.profile.agency)
    outsider = make_user(role=Role.SOCIAL_WORKER)
    police_elsewhere = make_user(role=Role.POLICE)
    assert selectors.visible_cases(user=social_worker).filter(pk=case.pk).exists()
    assert selectors.visible_cases(user=colleague).filter(pk=case.pk).exists()
    assert not selectors.visible_cases(user=outsider).filter(pk=case.pk).exists()
    assert not selectors.visible_cases(user=police_elsewhere).filter(pk=case.pk).exists()


def test_it_does_not_grant_the_information_officer_who_opens_a_case(info_officer, make_user):
    owner = make_user(role=Role.SOCIAL_WORKER)
    case = open_case(opened_by=info_officer, owner=owner)
    assert not CaseUserObjectPermission.objects.filter(
        content_object=case, user=info_officer
    ).exists()
    assert CaseUserObjectPermission.objects.filter(content_object=case, user=owner).exists()


def test_it_grants_the_lead_agency_even_when_the_owner_is_elsewhere(coordinator, make_user):
    owner = make_user(role=Role.SOCIAL_WORKER)
    lead = make_user(role=Role.SOCIAL_WORKER).profile.agency
    case = open_case(opened_by=coordinator, owner=owner, lead_agency=lead)
    assert CaseGroupObjectPermission.objects.filter(content_object=case, group=lead.group).exists()
    assert not CaseGroupObjectPermission.objects.filter(
        content_object=case, group=owner.profile.agency.group
    ).exists()


# --- Refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.POLICE, Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN]
)
def test_it_refuses_roles_that_may_not_open_cases(role, make_user):
    opener = make_user(role=role)
    owner = make_user(role=Role.SOCIAL_WORKER)
    person = make_person()
    with pytest.raises(PermissionDenied):
        open_case(opened_by=opener, owner=owner, person=person)
    assert not Case.objects.filter(person=person).exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.COORDINATOR, Role.INFORMATION_OFFICER])
def test_it_lets_social_workers_coordinators_and_the_information_officer_open(role, make_user):
    opener = make_user(role=role)
    owner = make_user(role=Role.SOCIAL_WORKER)
    case = open_case(opened_by=opener, owner=owner)
    assert case.opened_by == opener


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN])
def test_it_refuses_an_owner_who_cannot_work_on_cases(role, social_worker, make_user):
    owner = make_user(role=role)
    person = make_person()
    with pytest.raises(ValidationError) as refused:
        open_case(
            opened_by=social_worker,
            owner=owner,
            person=person,
            lead_agency=social_worker.profile.agency,
        )
    assert "owner" in refused.value.message_dict
    assert not Case.objects.filter(person=person).exists()


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_it_refuses_a_person_not_informed_without_a_reason(reason, social_worker):
    person = make_person()
    statuses_before = StatusChange.objects.count()
    with pytest.raises(ValidationError) as refused:
        open_case(
            opened_by=social_worker,
            person=person,
            person_informed=False,
            not_informed_reason=reason,
        )
    assert "not_informed_reason" in refused.value.message_dict
    assert not Case.objects.filter(person=person).exists()
    assert StatusChange.objects.count() == statuses_before


def test_it_drops_the_not_informed_reason_when_the_person_is_informed(social_worker):
    case = open_case(
        opened_by=social_worker, person_informed=True, not_informed_reason="left over text"
    )
    case.refresh_from_db()
    assert case.person_informed is True
    assert case.not_informed_reason == ""


def test_it_accepts_an_informed_person_without_a_reason(social_worker):
    case = open_case(opened_by=social_worker, person_informed=True, not_informed_reason="")
    assert case.pk is not None


# --- Repeat referrals -----------------------------------------------------------------------


def test_it_flags_a_new_case_within_twelve_months_of_closure_as_a_repeat(social_worker):
    person = make_person()
    earlier = close(make_case(owner=social_worker, person=person), days_ago=300)
    case = open_case(opened_by=social_worker, person=person)
    assert case.repeat_of == earlier


def test_it_flags_a_repeat_of_a_case_in_aftercare(social_worker):
    person = make_person()
    earlier = close(make_case(owner=social_worker, person=person), days_ago=30)
    earlier = services.case_change_status(
        case=earlier,
        user=social_worker,
        to_status=Case.Status.AFTERCARE,
        reason="Aftercare started",
        expected_version=earlier.version,
    )
    case = open_case(opened_by=social_worker, person=person)
    assert case.repeat_of == earlier


def test_it_flags_the_most_recently_closed_case(social_worker):
    person = make_person()
    close(make_case(owner=social_worker, person=person), days_ago=200)
    latest = close(make_case(owner=social_worker, person=person), days_ago=20)
    case = open_case(opened_by=social_worker, person=person)
    assert case.repeat_of == latest


def test_it_does_not_flag_a_case_closed_more_than_twelve_months_ago(social_worker):
    person = make_person()
    close(make_case(owner=social_worker, person=person), days_ago=400)
    case = open_case(opened_by=social_worker, person=person)
    assert case.repeat_of is None


def test_it_does_not_flag_a_case_while_the_earlier_one_is_still_open(social_worker):
    person = make_person()
    make_case(owner=social_worker, person=person)
    case = open_case(opened_by=social_worker, person=person)
    assert case.repeat_of is None


def test_it_does_not_flag_another_persons_closed_case(social_worker):
    close(make_case(owner=social_worker), days_ago=10)
    case = open_case(opened_by=social_worker, person=make_person())
    assert case.repeat_of is None


# --- Persons --------------------------------------------------------------------------------


def test_it_gives_a_person_a_code_of_initials_and_number_only(db):
    person = services.person_create(first_name="Jan", last_name="Peeters")
    assert person.code == f"JP-{person.pk:04d}"
    assert "Jan" not in person.code and "Peeters" not in person.code


@pytest.mark.parametrize(
    ("first_name", "last_name", "initials"),
    [
        ("Çetin", "Öztürk", "CO"),
        ("émile", "de Vries", "ED"),
        ("  anna", " 'T Hooft", "AT"),
        ("", "Peeters", "XP"),
        ("Жанна", "Ivanova", "XI"),
    ],
)
def test_it_makes_initials_anyone_can_type(first_name, last_name, initials, db):
    person = services.person_create(first_name=first_name, last_name=last_name)
    assert person.code == f"{initials}-{person.pk:04d}"


def test_it_never_writes_a_person_code_longer_than_the_field(db, monkeypatch):
    # PostgreSQL refuses a value longer than the column; SQLite silently stores it.
    written = []

    def remember(sender, instance, **kwargs):
        written.append(instance.code)

    moment = datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    pre_save.connect(remember, sender=Person, weak=False)
    try:
        services.person_create(first_name="Jan", last_name="Peeters")
    finally:
        pre_save.disconnect(remember, sender=Person)
    limit = Person._meta.get_field("code").max_length
    assert written
    assert [code for code in written if len(code) > limit] == []


def test_it_strips_the_persons_name(db):
    person = services.person_create(first_name="  Jan ", last_name=" Peeters  ")
    assert (person.first_name, person.last_name) == ("Jan", "Peeters")


def test_it_refuses_a_date_of_birth_in_the_future(db):
    before = Person.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.person_create(
            first_name="Jan",
            last_name="Peeters",
            date_of_birth=timezone.localdate() + timedelta(days=1),
        )
    assert "date_of_birth" in refused.value.message_dict
    assert Person.objects.count() == before


def test_it_accepts_a_person_born_today(db):
    person = services.person_create(
        first_name="Jan", last_name="Peeters", date_of_birth=timezone.localdate()
    )
    assert person.date_of_birth == timezone.localdate()
