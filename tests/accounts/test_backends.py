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
