from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from access import services
from access.models import Release, Role
from tests.factories import make_case, make_user

pytestmark = pytest.mark.clock


@pytest.fixture
def case(social_worker):
    return make_case(owner=social_worker)


def release(case, author, **overrides):
    fields = {
        "title": "Outreach after release",
        "summary": "He is back in the neighbourhood; approach through football.",
        "purpose": "To plan outreach after release from prison",
        "legal_basis": "Law of 30 July 2018",
        "expires_on": timezone.localdate() + timedelta(days=30),
    }
    fields.update(overrides)
    return services.release_create(case=case, author=author, **fields)


def test_only_the_information_officer_writes_releases(case, social_worker, youth_worker):
    with pytest.raises(PermissionDenied):
        release(case, social_worker, recipient_users=[youth_worker])


def test_a_release_needs_recipients_purpose_basis_and_a_future_expiry(case, info_officer):
    with pytest.raises(ValidationError) as error:
        release(
            case,
            info_officer,
            purpose="",
            legal_basis=" ",
            expires_on=timezone.localdate() - timedelta(days=1),
        )
    assert set(error.value.error_dict) == {
        "purpose",
        "legal_basis",
        "expires_on",
        "recipient_users",
    }
    assert not Release.objects.exists()


def test_recipients_by_name_and_by_agency_see_it_and_nobody_else(
    client, case, info_officer, youth_worker, partner
):
    colleague = make_user(role=Role.YOUTH_WORKER, agency=youth_worker.profile.agency)
    outsider = make_user(role=Role.YOUTH_WORKER)
    r = release(
        case,
        info_officer,
        recipient_agencies=[youth_worker.profile.agency],
        recipient_users=[partner],
    )
    for user, sees in ((youth_worker, True), (colleague, True), (partner, True), (outsider, False)):
        client.force_login(user)
        listed = r.title in client.get(reverse("releases:list")).content.decode()
        status = client.get(r.get_absolute_url()).status_code
        assert (listed, status) == ((True, 200) if sees else (False, 404)), user


def test_a_recipient_never_sees_the_case_reference_or_a_link_to_it(
    client, case, info_officer, youth_worker
):
    r = release(case, info_officer, recipient_users=[youth_worker])
    client.force_login(youth_worker)
    for url in (reverse("releases:list"), r.get_absolute_url(), reverse("home")):
        body = client.get(url).content.decode()
        assert case.reference not in body
        assert case.person.last_name not in body
        assert reverse("cases:detail", args=[case.reference]) not in body


def test_revoking_hides_it_at_once_and_keeps_it_for_the_audit(
    client, case, info_officer, youth_worker
):
    r = release(case, info_officer, recipient_users=[youth_worker])
    services.release_revoke(release=r, user=info_officer, reason="Wrong recipient")
    client.force_login(youth_worker)
    assert client.get(r.get_absolute_url()).status_code == 404
    assert r.title not in client.get(reverse("releases:list")).content.decode()
    client.force_login(info_officer)
    assert "Wrong recipient" in client.get(r.get_absolute_url()).content.decode()


def test_an_expired_release_disappears_for_recipients(client, case, info_officer, youth_worker):
    r = release(case, info_officer, recipient_users=[youth_worker])
    Release.objects.filter(pk=r.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    client.force_login(youth_worker)
    assert client.get(r.get_absolute_url()).status_code == 404
    assert client.get(reverse("releases:list")).context["page"].paginator.count == 0


def test_a_revision_replaces_the_old_version_which_is_kept(
    client, case, info_officer, youth_worker
):
    first = release(case, info_officer, recipient_users=[youth_worker])
    second = services.release_revise(
        release=first,
        author=info_officer,
        title="Outreach (corrected)",
        summary="Corrected text",
        purpose=first.purpose,
        legal_basis=first.legal_basis,
        expires_on=first.expires_on,
        recipient_users=[youth_worker],
    )
    assert (second.version, second.previous) == (2, first)
    client.force_login(youth_worker)
    titles = [x.title for x in client.get(reverse("releases:list")).context["page"]]
    assert titles == ["Outreach (corrected)"]
    assert client.get(first.get_absolute_url()).status_code == 404
    with pytest.raises(ValidationError):
        services.release_revise(
            release=first,
            author=info_officer,
            title="again",
            summary="x",
            purpose="x",
            legal_basis="x",
            expires_on=first.expires_on,
            recipient_users=[youth_worker],
        )


def test_acknowledging_is_recorded_and_shown_to_the_information_officer(
    client, case, info_officer, youth_worker
):
    colleague = make_user(role=Role.YOUTH_WORKER)
    r = release(case, info_officer, recipient_users=[youth_worker, colleague])
    client.force_login(youth_worker)
    response = client.post(reverse("releases:acknowledge", args=[r.pk]))
    assert response.status_code == 302
    client.post(reverse("releases:acknowledge", args=[r.pk]))  # twice is harmless
    assert r.acknowledgements.count() == 1
    client.force_login(info_officer)
    rows = client.get(r.get_absolute_url()).context["acknowledgements"]
    state = {row["user"]: row["acknowledged_at"] is not None for row in rows}
    assert state == {youth_worker: True, colleague: False}


def test_recipients_get_a_content_free_email(
    case, info_officer, youth_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = release(case, info_officer, recipient_users=[youth_worker])
    assert [m.to for m in mail.outbox] == [[youth_worker.email]]
    text = mail.outbox[0].subject + mail.outbox[0].body
    for secret in (r.title, r.summary, case.reference, case.person.code):
        assert secret not in text


def test_every_read_of_a_release_is_logged(client, case, info_officer, youth_worker):
    r = release(case, info_officer, recipient_users=[youth_worker])
    client.force_login(youth_worker)
    client.get(r.get_absolute_url())
    assert (
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS,
            content_type__model="release",
            object_pk=str(r.pk),
            actor=youth_worker,
        ).count()
        == 1
    )


def test_the_release_list_is_paginated(client, case, info_officer, youth_worker):
    for i in range(27):
        release(case, info_officer, title=f"R{i}", recipient_users=[youth_worker])
    client.force_login(youth_worker)
    page = client.get(reverse("releases:list")).context["page"]
    assert (page.paginator.count, len(page.object_list)) == (27, 25)


def test_the_information_officer_writes_a_release_through_the_page(
    client, case, info_officer, youth_worker
):
    client.force_login(info_officer)
    response = client.post(
        reverse("releases:create", args=[case.reference]),
        {
            "title": "For the street team",
            "summary": "Summary",
            "purpose": "Outreach",
            "legal_basis": "LIVC",
            "expires_on": (timezone.localdate() + timedelta(days=9)),
            "recipient_users": [youth_worker.pk],
        },
    )
    created = Release.objects.get()
    assert response["Location"] == created.get_absolute_url()
    assert list(created.recipient_users.all()) == [youth_worker]
