"""Subject rights: the access report with the data held (exportable), rectification by
superseding entries, and restriction of processing (a frozen case)."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level
from cases import services as case_services
from cases.models import ChronologyEntry
from privacy import subject_rights
from releases import services as release_services
from tests.factories import make_case, make_user

WHEN = timezone.now() - timedelta(hours=2)


def entry(case, author, text, level=Level.L2):
    return case_services.entry_add(
        case=case, author=author, kind="note", occurred_at=WHEN, level=level, text=text
    )


def test_the_exported_report_holds_the_data_who_read_it_and_the_releases(
    client, info_officer, social_worker, youth_worker
):
    case = make_case(owner=social_worker)
    first = entry(case, social_worker, "Met him at school")
    case_services.entry_correct(entry=first, author=social_worker, text="Met him at the club")
    release_services.release_create(
        case=case,
        author=info_officer,
        title="For outreach",
        summary="s",
        purpose="outreach",
        legal_basis="LIVC law",
        expires_on=timezone.localdate() + timedelta(days=5),
        recipient_users=[youth_worker],
    )
    client.force_login(social_worker)
    client.get(case.get_absolute_url())
    client.force_login(info_officer)
    response = client.get(reverse("audit:person_report_export", args=[case.person.code]))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["person"]["last_name"] == case.person.last_name
    texts = [row["text"] for row in data["chronology"]]
    # Rectification keeps both: the original and the correction that supersedes it.
    assert "Met him at school" in texts and "Met him at the club" in texts
    corrected = next(r for r in data["chronology"] if r["text"] == "Met him at the club")
    assert corrected["supersedes_id"] == first.pk
    assert [r["who"] for r in data["reads"]] == [social_worker.username]
    assert data["releases"][0]["recipients"] == [youth_worker.username]


def test_only_the_information_officer_exports_the_report(client, social_worker, coordinator):
    case = make_case(owner=social_worker)
    for user in (social_worker, coordinator):
        client.force_login(user)
        url = reverse("audit:person_report_export", args=[case.person.code])
        assert client.get(url).status_code == 404


def test_a_restricted_case_takes_no_additions_until_the_restriction_is_lifted(
    client, info_officer, social_worker
):
    case = make_case(owner=social_worker)
    client.force_login(info_officer)
    url = reverse("audit:restriction", args=[case.reference])
    assert client.post(url, {"reason": "Accuracy contested"}).status_code == 302

    with pytest.raises(ValidationError, match="restricted"):
        entry(case, social_worker, "More news")
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:entry_add", args=[case.reference]),
        {"kind": "note", "occurred_at": WHEN.strftime("%Y-%m-%dT%H:%M"), "level": 2, "text": "x"},
    )
    assert response.status_code == 200 and "restricted" in response.content.decode()
    assert not ChronologyEntry.objects.filter(case=case).exists()
    # It stays readable.
    assert client.get(case.get_absolute_url()).status_code == 200

    client.force_login(info_officer)
    client.post(url, {"reason": "Checked with the person"})
    assert entry(case, social_worker, "More news").pk


def test_only_the_information_officer_restricts(social_worker, coordinator):
    case = make_case(owner=social_worker)
    with pytest.raises(PermissionDenied):
        subject_rights.case_restrict(case=case, user=coordinator, reason="r")
    other = make_user(role="social_worker")
    with pytest.raises(PermissionDenied):
        subject_rights.case_restrict(case=case, user=other, reason="r")


# --- The pages that show a person's data record the read, once per page shown ----------------


def reads_of(obj) -> list:
    from auditlog.models import LogEntry

    return list(
        LogEntry.objects.get_for_object(obj).filter(action=LogEntry.Action.ACCESS).order_by("pk")
    )


def test_the_access_report_page_records_one_read_of_the_person(client, info_officer, social_worker):
    case = make_case(owner=social_worker)
    client.force_login(info_officer)
    assert client.get(reverse("audit:person_report", args=[case.person.code])).status_code == 200
    [read] = reads_of(case.person)
    assert read.actor == info_officer and read.remote_addr == "127.0.0.1"
    client.get(reverse("audit:person_report", args=[case.person.code]))
    assert len(reads_of(case.person)) == 2


def test_the_restriction_page_records_one_read_of_the_case_per_page_shown(
    client, info_officer, social_worker
):
    case = make_case(owner=social_worker)
    client.force_login(info_officer)
    url = reverse("audit:restriction", args=[case.reference])
    assert client.get(url).status_code == 200
    [read] = reads_of(case)
    assert read.actor == info_officer
    # A post that redirects shows no page; the page it lands on is the next read.
    assert client.post(url, {"reason": "Accuracy contested"}).status_code == 302
    assert len(reads_of(case)) == 1
    client.get(url)
    assert len(reads_of(case)) == 2
    # A refused post shows the page again: one read.
    assert client.post(url, {"reason": ""}).status_code == 200
    assert len(reads_of(case)) == 3


def test_nobody_else_leaves_a_read_on_the_restriction_page(client, social_worker, coordinator):
    case = make_case(owner=social_worker)
    for user in (social_worker, coordinator):
        client.force_login(user)
        assert client.get(reverse("audit:restriction", args=[case.reference])).status_code == 404
    assert reads_of(case) == []
