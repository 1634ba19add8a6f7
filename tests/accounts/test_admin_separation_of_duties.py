"""No role grants itself more (DESIGN section 7; issue 14, finding 4).

Through the admin, nobody changes their own account; a role above L1, a clearance raise and the
data-protection-officer permission take effect only when a second person confirms them.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from access import policy
from accounts import security
from accounts.models import AccountChange, Profile, Role, SecurityEvent
from tests.factories import AgencyFactory, make_user


def profile_row(user) -> tuple:
    profile = Profile.objects.filter(user=user).first()
    return (
        (profile.agency_id, profile.role, profile.clearance) if profile else None,
        sorted(user.groups.values_list("name", flat=True)),
        type(user).objects.get(pk=user.pk).is_staff,
    )


def change_form(user, *, agency=None, role=None, clearance="", **fields) -> dict:
    """The admin's user change form as the browser posts it, with the profile inline."""
    profile = user.profile
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": profile.pk,
        "profile-0-user": user.pk,
        "profile-0-agency": (agency or profile.agency).pk,
        "profile-0-role": role or profile.role,
        "profile-0-clearance": clearance,
        **fields,
    }


def post_change(client, user, **profile):
    url = reverse("admin:auth_user_change", args=[user.pk])
    return client.post(url, change_form(user, **profile))


def is_dpo(user) -> bool:
    return Permission.objects.filter(user=user, codename="confirm_destruction").exists()


def run_action(client, action: str, *users):
    return client.post(
        reverse("admin:auth_user_changelist"),
        {"action": action, "_selected_action": [u.pk for u in users]},
        follow=True,
    )


def confirm(client, change, decision: str = "confirm"):
    return client.post(reverse("account_changes:list"), {"change": change.pk, "decision": decision})


@pytest.fixture
def admin(db):
    return make_user(role=Role.ADMIN)


@pytest.fixture
def second_admin(db):
    return make_user(role=Role.ADMIN)


# --- One's own account -------------------------------------------------------------------------


def test_the_administrator_cannot_give_themselves_the_information_officer_role(client, admin):
    police = AgencyFactory(kind="police")
    before = profile_row(admin)
    client.force_login(admin)
    response = post_change(client, admin, agency=police, role=Role.INFORMATION_OFFICER, clearance=4)
    assert response.status_code == 200
    assert "Nobody changes their own account" in response.content.decode()
    assert profile_row(admin) == before
    assert not policy.is_information_officer(type(admin).objects.get(pk=admin.pk))
    assert not AccountChange.objects.exists()
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ACCOUNT_CHANGE_REFUSED, user=admin
    ).exists()


def test_the_services_refuse_a_change_to_ones_own_account_too(admin):
    police = AgencyFactory(kind="police")
    before = profile_row(admin)
    with pytest.raises(PermissionDenied):
        security.profile_change(
            account=admin, agency=police, role=Role.POLICE, clearance=None, requested_by=admin
        )
    with pytest.raises(PermissionDenied):
        security.data_protection_officer_request(account=admin, requested_by=admin)
    with pytest.raises(PermissionDenied):
        security.password_set(account=admin, password="a-new-Passw0rd!", set_by=admin)
    with pytest.raises(PermissionDenied):
        security.second_factor_reset_request(account=admin, requested_by=admin)
    assert profile_row(admin) == before and not is_dpo(admin)
    assert not AccountChange.objects.exists()


def test_the_administrator_cannot_make_themselves_data_protection_officer(client, admin):
    client.force_login(admin)
    response = run_action(client, "make_data_protection_officer", admin)
    assert "Nobody changes their own account" in response.content.decode()
    admin = type(admin).objects.get(pk=admin.pk)
    assert not is_dpo(admin)
    assert not policy.may_confirm_destruction(admin)
    assert not AccountChange.objects.exists()
    assert client.get(reverse("retention:lists")).status_code == 404


def test_nobody_but_an_administrator_asks_for_an_account_change(social_worker, coordinator):
    with pytest.raises(PermissionDenied):
        security.profile_change(
            account=social_worker,
            agency=coordinator.profile.agency,
            role=Role.COORDINATOR,
            clearance=None,
            requested_by=coordinator,
        )
    assert social_worker.profile.role == Role.SOCIAL_WORKER
    assert not AccountChange.objects.exists()


# --- Another account: waits for a second person --------------------------------------------------


def test_giving_someone_the_information_officer_role_waits_for_a_second_person(
    client, admin, police_officer
):
    before = profile_row(police_officer)
    client.force_login(admin)
    response = post_change(client, police_officer, role=Role.INFORMATION_OFFICER)
    assert response.status_code == 302
    assert profile_row(police_officer) == before
    change = AccountChange.objects.get()
    assert (change.user, change.kind, change.role, change.status) == (
        police_officer,
        AccountChange.Kind.PROFILE,
        Role.INFORMATION_OFFICER,
        AccountChange.Status.PENDING,
    )
    assert change.requested_by == admin and change.requested_at is not None
    assert change.decided_by is None
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ACCOUNT_CHANGE_REQUESTED, user=police_officer
    ).exists()


def test_a_second_administrators_confirmation_makes_the_change_take_effect(
    client, admin, second_admin, police_officer
):
    client.force_login(admin)
    post_change(client, police_officer, role=Role.INFORMATION_OFFICER)
    change = AccountChange.objects.get()
    client.force_login(second_admin)
    response = confirm(client, change)
    assert response.status_code == 302
    police_officer = type(police_officer).objects.get(pk=police_officer.pk)
    assert policy.is_information_officer(police_officer)
    assert Role.INFORMATION_OFFICER in police_officer.groups.values_list("name", flat=True)
    change.refresh_from_db()
    assert change.status == AccountChange.Status.CONFIRMED
    assert (change.requested_by, change.decided_by) == (admin, second_admin)
    assert change.decided_at is not None
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ACCOUNT_CHANGE_CONFIRMED, user=police_officer
    ).exists()


def test_the_person_who_asked_cannot_confirm(client, admin, police_officer):
    client.force_login(admin)
    post_change(client, police_officer, role=Role.INFORMATION_OFFICER)
    change = AccountChange.objects.get()
    before = profile_row(police_officer)
    response = confirm(client, change)
    assert response.status_code == 403
    assert profile_row(police_officer) == before
    change.refresh_from_db()
    assert change.status == AccountChange.Status.PENDING and change.decided_by is None
    with pytest.raises(PermissionDenied):
        security.account_change_decide(change_id=change.pk, user=admin, confirm=True)
    assert profile_row(police_officer) == before


def test_the_accounts_holder_cannot_confirm_their_own_change(client, admin, second_admin):
    police = AgencyFactory(kind="police")
    client.force_login(admin)
    post_change(client, second_admin, agency=police, role=Role.INFORMATION_OFFICER, clearance=4)
    change = AccountChange.objects.get()
    before = profile_row(second_admin)
    client.force_login(second_admin)
    assert confirm(client, change).status_code == 403
    assert profile_row(second_admin) == before
    assert AccountChange.objects.get().status == AccountChange.Status.PENDING


def test_the_information_officer_confirms_a_police_role(client, admin, info_officer, social_worker):
    police = AgencyFactory(kind="police")
    client.force_login(admin)
    post_change(client, social_worker, agency=police, role=Role.POLICE, clearance=4)
    change = AccountChange.objects.get()
    client.force_login(info_officer)
    page = client.get(reverse("account_changes:list"))
    assert [c for c, may_confirm in page.context["changes"] if may_confirm] == [change]
    assert confirm(client, change).status_code == 302
    profile = Profile.objects.get(user=social_worker)
    assert (profile.role, profile.agency, profile.clearance) == (Role.POLICE, police, 4)


def test_the_information_officer_neither_sees_nor_confirms_other_roles(
    client, admin, info_officer, social_worker
):
    client.force_login(admin)
    post_change(client, social_worker, role=Role.COORDINATOR)
    change = AccountChange.objects.get()
    before = profile_row(social_worker)
    client.force_login(info_officer)
    page = client.get(reverse("account_changes:list"))
    assert page.context["changes"] == []
    assert confirm(client, change).status_code == 404
    with pytest.raises(PermissionDenied):
        security.account_change_decide(change_id=change.pk, user=info_officer, confirm=True)
    assert profile_row(social_worker) == before
    assert AccountChange.objects.get().status == AccountChange.Status.PENDING


def test_declining_leaves_the_account_as_it_was(client, admin, second_admin, police_officer):
    client.force_login(admin)
    post_change(client, police_officer, role=Role.INFORMATION_OFFICER)
    change = AccountChange.objects.get()
    before = profile_row(police_officer)
    client.force_login(second_admin)
    assert confirm(client, change, "decline").status_code == 302
    assert profile_row(police_officer) == before
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (AccountChange.Status.DECLINED, second_admin)
    # Decided once: a later confirmation changes nothing.
    client.force_login(make_user(role=Role.ADMIN))
    confirm(client, change)
    assert profile_row(police_officer) == before


def test_a_clearance_raise_waits_for_a_second_person(client, admin, second_admin, db):
    worker = make_user(role=Role.SOCIAL_WORKER, clearance=1)
    client.force_login(admin)
    post_change(client, worker, clearance=2)
    assert Profile.objects.get(user=worker).clearance == 1
    client.force_login(second_admin)
    confirm(client, AccountChange.objects.get())
    assert Profile.objects.get(user=worker).clearance == 2


def test_making_someone_an_administrator_waits_for_a_second_person(client, admin, social_worker):
    """Otherwise one administrator makes a second one and confirms their own changes with it."""
    client.force_login(admin)
    post_change(client, social_worker, role=Role.ADMIN)
    social_worker = type(social_worker).objects.get(pk=social_worker.pk)
    assert not social_worker.is_staff
    assert social_worker.profile.role == Role.SOCIAL_WORKER
    assert AccountChange.objects.get().role == Role.ADMIN


def test_lowering_a_role_to_l1_applies_at_once(client, admin, social_worker):
    youth = AgencyFactory(kind="youth_work")
    client.force_login(admin)
    post_change(client, social_worker, agency=youth, role=Role.YOUTH_WORKER, clearance=1)
    assert Profile.objects.get(user=social_worker).role == Role.YOUTH_WORKER
    assert not AccountChange.objects.exists()


def test_saving_an_account_unchanged_asks_for_nothing(client, admin, police_officer):
    client.force_login(admin)
    response = post_change(
        client, police_officer, clearance=police_officer.profile.clearance, first_name="Renamed"
    )
    assert response.status_code == 302
    assert not AccountChange.objects.exists()
    assert type(police_officer).objects.get(pk=police_officer.pk).first_name == "Renamed"


def test_a_new_account_with_a_police_role_has_no_role_until_confirmed(client, admin, second_admin):
    police = AgencyFactory(kind="police")
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "password1": "a-long-Passw0rd-here",
            "password2": "a-long-Passw0rd-here",
            "usable_password": "true",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "1",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-agency": police.pk,
            "profile-0-role": Role.POLICE,
            "profile-0-clearance": "4",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    newcomer = type(admin).objects.get(username="newcomer")
    assert not Profile.objects.filter(user=newcomer).exists()
    assert policy.role_of(newcomer) is None and not newcomer.groups.exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_SET, user=newcomer)
    client.force_login(second_admin)
    confirm(client, AccountChange.objects.get(user=newcomer))
    assert Profile.objects.get(user=newcomer).role == Role.POLICE


def test_a_later_request_replaces_the_earlier_one(client, admin, police_officer):
    client.force_login(admin)
    post_change(client, police_officer, role=Role.INFORMATION_OFFICER)
    post_change(client, police_officer, role=Role.SOCIAL_WORKER, clearance=2)
    statuses = dict(AccountChange.objects.values_list("role", "status"))
    assert statuses == {
        Role.INFORMATION_OFFICER: AccountChange.Status.WITHDRAWN,
        Role.SOCIAL_WORKER: AccountChange.Status.PENDING,
    }


# --- The data-protection-officer permission ---------------------------------------------------


def test_making_someone_data_protection_officer_waits_for_a_second_person(
    client, admin, second_admin, mayor_office
):
    client.force_login(admin)
    run_action(client, "make_data_protection_officer", mayor_office)
    assert not is_dpo(mayor_office)
    change = AccountChange.objects.get()
    assert change.kind == AccountChange.Kind.DATA_PROTECTION_OFFICER
    assert confirm(client, change).status_code == 403
    assert not is_dpo(mayor_office)
    client.force_login(second_admin)
    confirm(client, change)
    assert is_dpo(mayor_office)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DPO_GRANTED, user=mayor_office)


def test_the_information_officer_does_not_confirm_the_data_protection_officer(
    client, admin, info_officer, mayor_office
):
    client.force_login(admin)
    run_action(client, "make_data_protection_officer", mayor_office)
    client.force_login(info_officer)
    assert confirm(client, AccountChange.objects.get()).status_code == 404
    assert not is_dpo(mayor_office)


def test_an_administrator_is_never_data_protection_officer(client, admin, second_admin):
    """The retention pages show case references, which the administrator never reads."""
    client.force_login(admin)
    response = run_action(client, "make_data_protection_officer", second_admin)
    assert "cannot be data protection officer" in response.content.decode()
    assert not AccountChange.objects.exists()
    security.data_protection_officer_set(user=second_admin, is_officer=True)
    assert not policy.may_confirm_destruction(type(admin).objects.get(pk=second_admin.pk))


def test_taking_the_permission_away_applies_at_once(client, admin, mayor_office):
    security.data_protection_officer_set(user=mayor_office, is_officer=True)
    client.force_login(admin)
    run_action(client, "remove_data_protection_officer", mayor_office)
    assert not is_dpo(mayor_office)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DPO_REMOVED, user=mayor_office)


def test_the_admin_form_has_no_way_to_staff_superuser_groups_or_permissions(client, admin):
    """Those follow from the role, which waits for a second person; posting them does nothing."""
    client.force_login(admin)
    before = profile_row(admin)
    dpo = Permission.objects.get(codename="confirm_destruction")
    response = post_change(
        client,
        admin,
        is_superuser="on",
        groups=[g.pk for g in Group.objects.all()],
        user_permissions=[dpo.pk],
    )
    assert response.status_code == 302
    admin = type(admin).objects.get(pk=admin.pk)
    assert profile_row(admin) == before
    assert not admin.is_superuser and not is_dpo(admin)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"change": "9" * 30, "decision": "confirm"},
        {"change": "-1", "decision": "confirm"},
        {"change": "1\x00", "decision": "confirm"},
        {"change": "one", "decision": "confirm"},
        {"change": "{pk}", "decision": "yes"},
        {"change": "{pk}"},
    ],
)
def test_a_malformed_decision_changes_nothing(client, admin, police_officer, data):
    client.force_login(make_user(role=Role.ADMIN))
    post_change(client, police_officer, role=Role.INFORMATION_OFFICER)
    change = AccountChange.objects.get()
    before = profile_row(police_officer)
    client.force_login(admin)
    data = {k: v.replace("{pk}", str(change.pk)) for k, v in data.items()}
    response = client.post(reverse("account_changes:list"), data, follow=True)
    assert response.status_code == 200
    assert "Choose a change and a decision." in response.content.decode()
    assert AccountChange.objects.get().status == AccountChange.Status.PENDING
    assert profile_row(police_officer) == before


def test_an_unknown_change_is_404(client, admin):
    client.force_login(admin)
    response = client.post(reverse("account_changes:list"), {"change": 4242, "decision": "confirm"})
    assert response.status_code == 404
