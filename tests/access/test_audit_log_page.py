"""The information officer and the coordinator browse and export the audit log."""

import csv
import io
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from access.models import Level, SecurityEvent
from cases import services
from cases.models import Case, ChronologyEntry
from tests.factories import make_case, make_user

SECRET = "POLICE-ONLY-TEXT-4242"


def police_entry(case, police):
    services.team_add_user(case=case, user=police, granted_by=case.owner, reason="team")
    return services.entry_add(
        case=case,
        author=police,
        kind="police_information",
        occurred_at=timezone.now() - timedelta(minutes=5),
        level=Level.L4,
        text=SECRET,
    )


def rows(response) -> list[dict]:
    return list(response.context["page"].object_list)


def test_the_information_officer_sees_who_changed_what_with_the_values(
    client, info_officer, police_officer, social_worker
):
    case = make_case(owner=social_worker)
    entry = police_entry(case, police_officer)
    client.force_login(info_officer)
    entry_type = ContentType.objects.get_for_model(ChronologyEntry)
    response = client.get(
        reverse("audit:log"), {"object_type": entry_type.pk, "object_id": str(entry.pk)}
    )
    assert response.status_code == 200
    [row] = rows(response)
    assert row["object_pk"] == str(entry.pk) and row["content_type__model"] == "chronologyentry"
    assert SECRET in response.content.decode()


def test_the_coordinator_sees_the_trail_but_not_the_changed_values(
    client, coordinator, police_officer, social_worker
):
    case = make_case(owner=social_worker)
    police_entry(case, police_officer)
    client.force_login(coordinator)
    response = client.get(reverse("audit:log"))
    assert response.status_code == 200
    assert rows(response), "the coordinator sees the rows"
    assert all("changes" not in row and "object_repr" not in row for row in rows(response))
    assert SECRET not in response.content.decode()
    assert case.reference not in response.content.decode()
    export = b"".join(client.get(reverse("audit:export")).streaming_content).decode()
    assert SECRET not in export and case.reference not in export


def test_it_filters_by_user_object_and_time(client, info_officer, social_worker):
    first = make_case(owner=social_worker)
    other_worker = make_user(role="social_worker")
    second = make_case(owner=other_worker)
    client.force_login(info_officer)
    by_user = rows(client.get(reverse("audit:log"), {"actor": other_worker.pk}))
    assert by_user == []  # factories write without a signed-in actor
    client.force_login(social_worker)
    client.get(first.get_absolute_url())  # a read, by this user
    client.force_login(info_officer)
    by_user = rows(client.get(reverse("audit:log"), {"actor": social_worker.pk}))
    assert [r["object_pk"] for r in by_user] == [str(first.pk)]
    case_type = ContentType.objects.get_for_model(Case)
    by_object = rows(
        client.get(reverse("audit:log"), {"object_type": case_type.pk, "object_id": second.pk})
    )
    assert {r["object_pk"] for r in by_object} == {str(second.pk)}
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert rows(client.get(reverse("audit:log"), {"since": tomorrow.isoformat()})) == []
    today = timezone.localdate().isoformat()
    assert rows(client.get(reverse("audit:log"), {"since": today, "until": today}))


def test_the_export_is_a_csv_that_a_spreadsheet_will_not_run(client, info_officer, social_worker):
    case = make_case(owner=social_worker)
    services.case_update(
        case=case,
        user=social_worker,
        expected_version=case.version,
        not_informed_reason='=HYPERLINK("http://evil.example")',
    )
    client.force_login(info_officer)
    response = client.get(reverse("audit:export"))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["pk", "timestamp", "actor__username"]
    assert len(table) > 1
    assert not any(cell.startswith("=") for row in table for cell in row)
    assert SecurityEvent.objects.filter(
        user=info_officer, kind=SecurityEvent.Kind.AUDIT_EXPORTED
    ).exists()


def test_nobody_else_browses_the_audit(client, social_worker, police_officer, mayor_office):
    for user in (social_worker, police_officer, mayor_office):
        client.force_login(user)
        assert client.get(reverse("audit:log")).status_code == 404
        assert client.get(reverse("audit:export")).status_code == 404
