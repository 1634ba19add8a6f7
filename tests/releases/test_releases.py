from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from privacy import subject_rights
from releases import services
from releases.models import Release, ReleaseAcknowledgement
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


# --- Issue 14: the policy decides every write on a release, restriction included -------------


def release_rows() -> dict:
    """Every row a release write could touch, to compare before and after a refusal."""
    models = (
        Release,
        Release.recipient_users.through,
        Release.recipient_agencies.through,
        ReleaseAcknowledgement,
    )
    return {m._meta.label: list(m.objects.order_by("pk").values_list()) for m in models}


def restrict(case):
    officer = make_user(role=Role.INFORMATION_OFFICER)
    subject_rights.case_restrict(case=case, user=officer, reason="The person objected")


def revise(r, author, **overrides):
    fields = {
        "title": "Revised",
        "summary": "Revised text",
        "purpose": r.purpose,
        "legal_basis": r.legal_basis,
        "expires_on": r.expires_on,
        "recipient_users": list(r.recipient_users.all()),
    }
    fields.update(overrides)
    return services.release_revise(release=r, author=author, **fields)


def test_no_release_is_written_from_a_restricted_case(case, info_officer, youth_worker):
    restrict(case)
    before = release_rows()
    with pytest.raises(PermissionDenied):
        release(case, info_officer, recipient_users=[youth_worker])
    assert release_rows() == before


def test_a_release_from_a_restricted_case_is_not_revised(case, info_officer, youth_worker):
    r = release(case, info_officer, recipient_users=[youth_worker])
    restrict(case)
    before = release_rows()
    with pytest.raises(PermissionDenied):
        revise(r, info_officer)
    assert release_rows() == before


def test_a_release_from_a_restricted_case_can_still_be_revoked(case, info_officer, youth_worker):
    # Revoking ends the disclosure the restriction is about: the stricter reading lets it.
    r = release(case, info_officer, recipient_users=[youth_worker])
    restrict(case)
    services.release_revoke(release=r, user=info_officer, reason="Restricted")
    r.refresh_from_db()
    assert r.revoked_at is not None


def test_the_release_pages_refuse_a_restricted_case(client, case, info_officer, youth_worker):
    r = release(case, info_officer, recipient_users=[youth_worker])
    restrict(case)
    client.force_login(info_officer)
    before = release_rows()
    assert client.get(reverse("releases:create", args=[case.reference])).status_code == 403
    assert client.get(reverse("releases:revise", args=[r.pk])).status_code == 403
    response = client.post(
        reverse("releases:revise", args=[r.pk]),
        {
            "title": "Revised",
            "summary": "New",
            "purpose": "p",
            "legal_basis": "b",
            "expires_on": r.expires_on.isoformat(),
            "recipient_users": [youth_worker.pk],
        },
    )
    assert response.status_code == 403
    assert release_rows() == before


OTHER_ROLES = [r for r in Role.values if r != Role.INFORMATION_OFFICER]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_other_role_writes_revises_or_revokes_a_release(case, info_officer, youth_worker, role):
    r = release(case, info_officer, recipient_users=[youth_worker])
    # On the case team too, where the role can be: a release is the information officer's.
    user = make_user(role=role, agency=case.owner.profile.agency)
    before = release_rows()
    with pytest.raises(PermissionDenied):
        release(case, user, recipient_users=[youth_worker])
    with pytest.raises(PermissionDenied):
        revise(r, user)
    with pytest.raises(PermissionDenied):
        services.release_revoke(release=r, user=user, reason="Mine now")
    assert release_rows() == before


@pytest.mark.parametrize("role", Role.values)
def test_only_a_live_recipient_acknowledges_a_release(case, info_officer, youth_worker, role):
    r = release(case, info_officer, recipient_users=[youth_worker])
    stranger = make_user(role=role)
    before = release_rows()
    with pytest.raises(PermissionDenied):
        services.release_acknowledge(release=r, user=stranger)
    assert release_rows() == before
    services.release_acknowledge(release=r, user=youth_worker)
    assert r.acknowledgements.get().user == youth_worker


def test_a_revoked_release_is_not_acknowledged(case, info_officer, youth_worker):
    r = release(case, info_officer, recipient_users=[youth_worker])
    services.release_revoke(release=r, user=info_officer, reason="Wrong recipient")
    before = release_rows()
    with pytest.raises(PermissionDenied):
        services.release_acknowledge(release=r, user=youth_worker)
    assert release_rows() == before


# --- Issue 14: the release lists record their read --------------------------------------------


def list_reads(user) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, actor=user, content_type__model="user"
        )
    )


def test_the_recipients_list_records_one_read_naming_the_releases_shown(
    client, case, info_officer, youth_worker
):
    shown = [
        release(case, info_officer, title=f"R{i}", recipient_users=[youth_worker]) for i in (1, 2)
    ]
    client.force_login(youth_worker)
    client.get(reverse("releases:list"))
    (read,) = list_reads(youth_worker)
    text = read.additional_data["read"]
    assert text.startswith("releases for you: release ")
    assert all(str(r.pk) in text for r in shown)
    client.get(reverse("releases:list"))
    assert len(list_reads(youth_worker)) == 2  # once per page view


def test_the_information_officers_list_records_one_read(client, case, info_officer, youth_worker):
    r = release(case, info_officer, recipient_users=[youth_worker])
    client.force_login(info_officer)
    client.get(reverse("releases:manage"))
    (read,) = list_reads(info_officer)
    assert read.additional_data["read"] == f"releases: release {r.pk}"


def test_an_empty_release_list_records_nothing(client, youth_worker):
    client.force_login(youth_worker)
    client.get(reverse("releases:list"))
    assert list_reads(youth_worker) == []


def test_the_read_costs_one_query_whatever_the_length_of_the_list(
    client, case, info_officer, youth_worker
):
    client.force_login(info_officer)
    release(case, info_officer, recipient_users=[youth_worker])
    client.get(reverse("releases:manage"))  # warm the caches (content types, session)
    counts = []
    for _more in range(2):
        for i in range(3):
            release(case, info_officer, title=f"More {i}", recipient_users=[youth_worker])
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("releases:manage"))
        inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "auditlog_logentry"')]
        assert len(inserts) == 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_nul_byte_in_the_search_is_not_a_server_error(client, info_officer):
    client.force_login(info_officer)
    # Refused before any view as a bad request (core.middleware.RequestSanityMiddleware);
    # a search the form finds too long is refused by the form.
    assert client.get(reverse("releases:manage"), {"q": "a\x00b"}).status_code == 400
    assert client.get(reverse("releases:manage"), {"q": "x" * 100_000}).status_code == 400
    assert client.get(reverse("releases:manage"), {"q": "x" * 500}).status_code == 200


def test_unread_releases_come_first_and_can_be_shown_alone(
    client, case, info_officer, youth_worker
):
    read = release(case, info_officer, recipient_users=[youth_worker])
    unread = release(case, info_officer, recipient_users=[youth_worker])
    older_unread = release(case, info_officer, recipient_users=[youth_worker])
    Release.objects.filter(pk=older_unread.pk).update(created_at=timezone.now() - timedelta(days=2))
    services.release_acknowledge(release=read, user=youth_worker)
    client.force_login(youth_worker)
    listed = client.get(reverse("releases:list")).context["page"].object_list
    assert [r.pk for r in listed] == [unread.pk, older_unread.pk, read.pk]
    only_unread = client.get(reverse("releases:list"), {"unread": "on"})
    assert [r.pk for r in only_unread.context["page"].object_list] == [unread.pk, older_unread.pk]


def test_the_information_officer_lists_the_live_releases_about_to_expire(
    client, case, info_officer, youth_worker
):
    soon = release(
        case,
        info_officer,
        recipient_users=[youth_worker],
        expires_on=timezone.localdate() + timedelta(days=3),
    )
    release(
        case,
        info_officer,
        recipient_users=[youth_worker],
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(info_officer)
    response = client.get(reverse("releases:manage"), {"expiring": 14})
    assert [r.pk for r in response.context["page"].object_list] == [soon.pk]
    assert 'id="filter-expiring"' in response.content.decode()
