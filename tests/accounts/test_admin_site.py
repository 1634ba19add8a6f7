"""The admin site: every action in the sealed audit, and no case content (issue 14, findings 4
and 6; DESIGN section 3, rule 5)."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.admin_site import AuditedModelAdmin
from accounts.models import Agency, Role, SecurityEvent
from audit.models import AuditSeal
from cases.models import Case, ConcernCategory
from releases.models import Release
from tests.factories import AgencyFactory, make_case, make_user


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user(role=Role.ADMIN))
    return client


def admin_events():
    return SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ADMIN_ACTION)


def test_every_registered_model_admin_is_audited_and_has_no_view_on_site():
    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedModelAdmin), model
        assert not model_admin.view_on_site, model


def test_changing_an_agency_in_the_admin_is_a_sealed_security_event_in_the_audit_log(
    admin_client, info_officer, django_capture_on_commit_callbacks
):
    agency = AgencyFactory(name="Old name")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:accounts_agency_change", args=[agency.pk]),
            # The name in each interface language (accounts/translation.py); English required.
            {
                "name_en": "New name",
                "name_nl": "Nieuwe naam",
                "kind": agency.kind,
                "is_active": "on",
            },
        )
    assert response.status_code == 302
    [event] = admin_events()
    assert f"changed accounts.agency {agency.pk}" in event.detail
    assert "Name" in event.detail or "name" in event.detail
    entry = LogEntry.objects.get_for_object(event).get()
    assert AuditSeal.objects.filter(log_entry_id=entry.pk).exists()
    admin_client.force_login(info_officer)
    text = admin_client.get(reverse("audit:log")).content.decode()
    assert "admin_action" in text


def test_adding_reference_data_is_in_the_audit(admin_client):
    # The name in each interface language (cases/translation.py); English is required.
    page = admin_client.get(reverse("admin:cases_concerncategory_add")).content.decode()
    assert all(f'name="name_{language}"' in page for language in ("en", "nl", "fr"))
    response = admin_client.post(
        reverse("admin:cases_concerncategory_add"),
        {
            "name_en": "Online grooming",
            "name_nl": "Online grooming",
            "name_fr": "Pédopiégeage en ligne",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    category = ConcernCategory.objects.get(name="Online grooming")
    assert (category.name_nl, category.name_fr) == ("Online grooming", "Pédopiégeage en ligne")
    assert admin_events().filter(detail__startswith=f"added cases.concerncategory {category.pk}")


def test_reference_data_needs_its_english_name_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:cases_concerncategory_add"),
        {"name_nl": "Online grooming", "name_fr": "Pédopiégeage en ligne", "is_active": "on"},
    )
    assert response.status_code == 200
    assert not ConcernCategory.objects.filter(name_nl="Online grooming").exists()


def test_deleting_sign_in_attempts_in_bulk_is_in_the_audit(admin_client):
    attempts = [
        AccessAttempt.objects.create(
            username=f"someone{n}", ip_address="10.0.0.1", user_agent="x", failures_since_start=5
        )
        for n in range(2)
    ]
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert admin_events().filter(detail__startswith="deleted axes.accessattempt").count() == 2


def test_the_sign_in_attempts_page_does_not_show_where_the_person_was_going(admin_client):
    attempt = AccessAttempt.objects.create(
        username="someone",
        ip_address="10.0.0.1",
        user_agent="x",
        get_data="next=/cases/MSC-2031-0042/",
        post_data="username=someone",
        failures_since_start=1,
    )
    response = admin_client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))
    assert response.status_code == 200
    assert "MSC-2031-0042" not in response.content.decode()


def test_view_on_site_does_not_hand_the_administrator_a_case_reference(admin_client, social_worker):
    case = make_case(owner=social_worker)
    content_type = ContentType.objects.get_for_model(Case)
    response = admin_client.get(reverse("admin:view_on_site", args=[content_type.pk, case.pk]))
    assert response.status_code == 404
    assert case.reference not in response.content.decode()
    assert case.reference not in response.get("Location", "")


@pytest.mark.parametrize("content_type_id", ["999999", "abc", "1" * 40, "0"])
def test_view_on_site_answers_404_for_anything_else(admin_client, content_type_id):
    response = admin_client.get(f"/admin/r/{content_type_id}/1/")
    assert response.status_code == 404


def test_view_on_site_of_a_release_or_an_agency_is_404(admin_client, info_officer, social_worker):
    from datetime import timedelta

    from django.utils import timezone

    from releases import services

    release = services.release_create(
        case=make_case(owner=social_worker),
        author=info_officer,
        title="For the school",
        summary="Summary",
        purpose="Purpose",
        legal_basis="Law",
        expires_on=timezone.localdate() + timedelta(days=3),
        recipient_users=[social_worker],
    )
    for obj in (release, Agency.objects.first()):
        content_type = ContentType.objects.get_for_model(type(obj))
        url = reverse("admin:view_on_site", args=[content_type.pk, obj.pk])
        assert admin_client.get(url).status_code == 404, type(obj)
    assert isinstance(release, Release)


def test_view_on_site_sends_others_to_sign_in(client, social_worker):
    case = make_case(owner=social_worker)
    client.force_login(social_worker)
    content_type = ContentType.objects.get_for_model(Case)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, case.pk]))
    assert response.status_code == 302
    assert case.reference not in response["Location"]


def test_the_admin_index_links_to_the_changes_waiting(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert reverse("account_changes:list") in response.content.decode()
