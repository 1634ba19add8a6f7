"""Dormant accounts are disabled by a periodic job; a leaver's grants go with the account."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from access import services as access_services
from access.models import AccessRequest
from accounts.models import Role, SecurityEvent
from accounts.tasks import disable_dormant_accounts
from cases.models import Case, CaseUserObjectPermission
from tests.factories import PASSWORD, make_case, make_user

pytestmark = pytest.mark.clock


def last_signed_in(user, days_ago: int | None):
    moment = timezone.now() - timedelta(days=days_ago) if days_ago is not None else None
    get_user_model().objects.filter(pk=user.pk).update(
        last_login=moment, date_joined=timezone.now() - timedelta(days=400)
    )


def test_an_account_unused_too_long_is_disabled_with_its_grants(db, settings):
    settings.DORMANT_ACCOUNT_DAYS = 90
    owner = make_user(role=Role.SOCIAL_WORKER)
    leaver = make_user(role=Role.POLICE)
    case = make_case(owner=owner)
    from cases import services as case_services

    case_services.team_add_user(case=case, user=leaver, granted_by=owner, reason="team")
    pending = access_services.access_request_create(
        user=leaver, reference="MSC-2026-9999", reason="for a case"
    )
    last_signed_in(leaver, 91)
    last_signed_in(owner, 10)

    assert disable_dormant_accounts.delay().get() == [leaver.username]

    leaver.refresh_from_db()
    assert not leaver.is_active
    assert not CaseUserObjectPermission.objects.filter(user=leaver).exists()
    assert not leaver.groups.exists()
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.WITHDRAWN
    assert SecurityEvent.objects.filter(
        user=leaver, kind=SecurityEvent.Kind.ACCOUNT_DISABLED
    ).exists()
    owner.refresh_from_db()
    assert owner.is_active
    assert Case.objects.filter(pk=case.pk).exists()


def test_an_account_never_used_counts_from_its_creation(db, settings):
    settings.DORMANT_ACCOUNT_DAYS = 30
    fresh = make_user(role=Role.SOCIAL_WORKER)
    stale = make_user(role=Role.SOCIAL_WORKER)
    last_signed_in(stale, None)
    out = StringIO()
    call_command("disable_dormant_accounts", stdout=out)
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.is_active and not stale.is_active
    assert stale.username in out.getvalue()


def test_a_disabled_account_can_no_longer_sign_in_or_use_its_session(client, db, settings):
    settings.DORMANT_ACCOUNT_DAYS = 30
    user = make_user(role=Role.SOCIAL_WORKER)
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    last_signed_in(user, 31)
    disable_dormant_accounts()
    assert client.get(reverse("home")).status_code == 302
    refused = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated


def test_administrators_see_the_last_sign_in_of_each_user(client, db):
    admin = make_user(role=Role.ADMIN)
    user = make_user(role=Role.SOCIAL_WORKER)
    last_signed_in(user, 12)
    client.force_login(admin)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "column-last_login" in body
    expected = timezone.localtime(timezone.now() - timedelta(days=12))
    assert expected.strftime("%Y") in body


def test_an_administrator_disabling_an_account_removes_its_grants(client, db):
    admin = make_user(role=Role.ADMIN)
    owner = make_user(role=Role.SOCIAL_WORKER)
    leaver = make_user(role=Role.SOCIAL_WORKER, agency=owner.profile.agency)
    case = make_case(owner=owner)
    from cases import services as case_services

    case_services.team_add_user(case=case, user=leaver, granted_by=owner, reason="team")
    client.force_login(admin)
    url = reverse("admin:auth_user_change", args=[leaver.pk])
    form = client.get(url).context["adminform"].form
    data = {
        "username": leaver.username,
        "first_name": leaver.first_name,
        "last_name": leaver.last_name,
        "email": leaver.email,
        "is_active": "",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": leaver.profile.pk,
        "profile-0-user": leaver.pk,
        "profile-0-agency": leaver.profile.agency_id,
        "profile-0-role": leaver.profile.role,
        "profile-0-clearance": leaver.profile.clearance,
    }
    assert form is not None
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert not CaseUserObjectPermission.objects.filter(user=leaver).exists()
