"""The model backend answers as Django's does, with the profile read together with the user."""

from django.contrib.auth import backends as django_backends
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import ModelBackend


def test_it_reads_the_user_with_profile_and_agency_in_one_query(social_worker):
    with CaptureQueriesContext(connection) as queries:
        user = ModelBackend().get_user(social_worker.pk)
        assert user.profile.agency.name == social_worker.profile.agency.name
    assert len(queries) == 1


def test_it_refuses_inactive_and_unknown_users(social_worker):
    social_worker.is_active = False
    social_worker.save(update_fields=["is_active"])
    assert ModelBackend().get_user(social_worker.pk) is None
    assert ModelBackend().get_user(10**9) is None


def test_it_grants_the_same_model_permissions_as_djangos_backend(make_user, admin_user):
    worker = make_user(role="social_worker")
    direct = Permission.objects.get(codename="view_case", content_type__app_label="cases")
    worker.user_permissions.add(direct)
    group = Group.objects.create(name="extra")
    group.permissions.add(Permission.objects.get(codename="view_agency"))
    worker.groups.add(group)
    superuser = make_user(role="social_worker")
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    for user in (worker, admin_user, superuser):
        ours = ModelBackend().get_all_permissions(type(user).objects.get(pk=user.pk))
        django = django_backends.ModelBackend().get_all_permissions(
            type(user).objects.get(pk=user.pk)
        )
        assert ours == django
    assert {"cases.view_case", "accounts.view_agency"} <= ModelBackend().get_all_permissions(
        type(worker).objects.get(pk=worker.pk)
    )
    assert ModelBackend().get_all_permissions(worker, obj=object()) == set()


def test_the_permissions_every_page_asks_come_with_the_user_and_answer_as_djangos(make_user):
    """The navigation asks privacy.confirm_destruction on every page: the user read by the
    backend carries the answer (no query of its own), the same as Django's backend gives,
    whether held directly, through a group, or not at all."""
    perm = Permission.objects.get(codename="confirm_destruction", content_type__app_label="privacy")
    direct, by_group, without = (make_user(role="information_officer") for _ in range(3))
    direct.user_permissions.add(perm)
    group = Group.objects.create(name="data protection")
    group.permissions.add(perm)
    by_group.groups.add(group)
    superuser = make_user(role="information_officer")
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    for user, holds in ((direct, True), (by_group, True), (without, False), (superuser, True)):
        read = ModelBackend().get_user(user.pk)
        with CaptureQueriesContext(connection) as queries:
            ours = read.has_perm("privacy.confirm_destruction")
        django = django_backends.ModelBackend().has_perm(
            type(user).objects.get(pk=user.pk), "privacy.confirm_destruction"
        )
        assert ours == django == holds, user
        if not user.is_superuser:
            assert len(queries) == 0


def test_the_second_factor_is_read_with_the_user(make_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import security

    user = make_user(role="social_worker")
    assert (
        security.has_second_factor(ModelBackend().get_user(user.pk), as_read_with_user=True)
        is False
    )
    TOTPDevice.objects.create(user=user, name="phone", confirmed=False)
    assert (
        security.has_second_factor(ModelBackend().get_user(user.pk), as_read_with_user=True)
        is False
    )
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    read = ModelBackend().get_user(user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert security.has_second_factor(read, as_read_with_user=True) is True
    assert len(queries) == 0
    assert security.has_second_factor(read) is True
