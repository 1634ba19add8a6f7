"""The information officer and the coordinator browse and export the audit log."""

import csv
import io
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, SecurityEvent
from audit.selectors import AUDIT_COLUMNS
from cases import services
from cases.models import Case, ChronologyEntry
from referrals import services as referral_services
from referrals.models import Referral, Screening
from tests.factories import make_case, make_referral, make_user, referral_fields

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
    services.team_add_user(case=case, user=coordinator, granted_by=social_worker, reason="team")
    police_entry(case, police_officer)
    client.force_login(coordinator)
    response = client.get(reverse("audit:log"))
    assert response.status_code == 200
    assert rows(response), "the coordinator sees the rows"
    shown = {"pk", *AUDIT_COLUMNS, "remote_addr", "activity_name"}
    assert all(set(row) == shown for row in rows(response)), "no values, no object names"
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


# --- Only what the reader may read ------------------------------------------------------------


def listed(client, user, **filters) -> set[tuple[str, str]]:
    """(kind of object, object number) of every row `user` sees in the log and the export."""
    client.force_login(user)
    page = {
        (r["content_type__model"], r["object_pk"])
        for r in rows(client.get(reverse("audit:log"), {"page": 1, **filters}))
    }
    export = b"".join(client.get(reverse("audit:export"), filters).streaming_content).decode()
    table = list(csv.DictReader(io.StringIO(export)))
    assert {(r["content_type__model"], r["object_pk"]) for r in table} >= page
    return {(r["content_type__model"], r["object_pk"]) for r in table}


def activity(case, author) -> dict[str, tuple[str, str]]:
    """A read, an entry and an action on `case`: (kind, number) of each object."""
    entry = services.entry_add(
        case=case,
        author=author,
        kind="note",
        occurred_at=timezone.now() - timedelta(minutes=5),
        level=Level.L2,
        text="A visit at home",
    )
    action = services.action_add(
        case=case,
        created_by=author,
        description="Call the school",
        owner=author,
        due_date=timezone.localdate() + timedelta(days=7),
    )
    return {
        "case": ("case", str(case.pk)),
        "entry": ("chronologyentry", str(entry.pk)),
        "action": ("action", str(action.pk)),
    }


def test_the_coordinator_lists_no_activity_on_cases_they_cannot_see(
    client, coordinator, social_worker
):
    mine = make_case(owner=social_worker)
    services.team_add_user(case=mine, user=coordinator, granted_by=social_worker, reason="team")
    elsewhere = make_case(owner=make_user(role="social_worker"))
    seen, unseen = activity(mine, social_worker), activity(elsewhere, elsewhere.owner)
    client.force_login(elsewhere.owner)
    client.get(elsewhere.get_absolute_url())  # a read of the unseen case, too

    rows_seen = listed(client, coordinator)
    assert set(seen.values()) <= rows_seen
    assert set(unseen.values()) & rows_seen == set()
    # Not even when asked for by kind and number.
    case_type = ContentType.objects.get_for_model(Case)
    asked = {"object_type": case_type.pk, "object_id": str(elsewhere.pk)}
    assert listed(client, coordinator, **asked) == set()
    # The information officer lists everything.
    assert set(seen.values()) | set(unseen.values()) <= listed(
        client, make_user(role="information_officer")
    )


def test_the_coordinator_lists_no_entry_above_their_clearance(
    client, coordinator, police_officer, social_worker
):
    case = make_case(owner=social_worker)
    services.team_add_user(case=case, user=coordinator, granted_by=social_worker, reason="team")
    secret = police_entry(case, police_officer)
    shared = activity(case, social_worker)["entry"]
    rows_seen = listed(client, coordinator)
    assert shared in rows_seen
    assert ("chronologyentry", str(secret.pk)) not in rows_seen


def test_the_coordinator_lists_no_rows_about_accounts_agencies_or_security_events(
    client, coordinator
):
    make_user(role="police")
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGN_IN_FAILED, username="someone")
    kinds = {kind for kind, _number in listed(client, coordinator)}
    assert kinds & {"user", "profile", "agency", "securityevent"} == set()


DRAFT_TEXT = "DRAFT-ONLY-the-referrer-is-still-thinking-3317"
SENT_TEXT = "SENT-he-was-seen-at-the-station"


def draft_then_sent(partner) -> Referral:
    """A draft, changed twice, then sent with a different text: every step an audit row."""
    import uuid

    token = uuid.uuid4()
    fields = referral_fields(concern=DRAFT_TEXT, request=f"first {DRAFT_TEXT}")
    referral_services.referral_save(referrer=partner, token=token, submit=False, **fields)
    fields["request"] = f"second {DRAFT_TEXT}"
    referral_services.referral_save(referrer=partner, token=token, submit=False, **fields)
    fields.update(concern=SENT_TEXT, request="Please assess him.")
    return referral_services.referral_save(referrer=partner, token=token, submit=True, **fields)


def test_the_information_officer_does_not_read_a_draft_referral_through_the_audit_log(
    client, info_officer, partner
):
    draft = make_referral(referrer=partner, submit=False, concern=DRAFT_TEXT)
    sent = draft_then_sent(partner)
    client.force_login(info_officer)
    referral_type = ContentType.objects.get_for_model(Referral)
    for referral in (draft, sent):
        asked = {"object_type": referral_type.pk, "object_id": str(referral.pk)}
        response = client.get(reverse("audit:log"), asked)
        assert rows(response), "the rows are listed: who wrote, when"
        assert DRAFT_TEXT not in response.content.decode()
        export = b"".join(client.get(reverse("audit:export"), asked).streaming_content)
        assert DRAFT_TEXT not in export.decode()
        assert all(r["changed_values"] is None and r["object_name"] is None for r in rows(response))


def test_the_information_officer_still_reads_the_values_of_what_they_may_read(
    client, info_officer, partner, coordinator
):
    referral = draft_then_sent(partner)
    screening = referral_services.screening_decide(
        referral=referral,
        user=coordinator,
        outcome=Screening.Outcome.MORE_INFORMATION,
        reasons="REASONS-FOR-ASKING-9981",
        question="Which school?",
    )
    case = make_case(owner=make_user(role="social_worker"))
    action = activity(case, case.owner)["action"]
    client.force_login(info_officer)
    page = client.get(reverse("audit:log")).content.decode()
    assert "REASONS-FOR-ASKING-9981" in page, "the screening's values"
    assert "Call the school" in page, "an action's values"
    assert action[1] in page
    assert screening.pk


def test_the_coordinator_does_not_list_a_referral_while_it_is_a_draft(client, coordinator, partner):
    draft = make_referral(referrer=partner, submit=False)
    sent = draft_then_sent(partner)
    rows_seen = listed(client, coordinator)
    assert ("referral", str(draft.pk)) not in rows_seen
    sent_rows = [
        r
        for r in rows(client.get(reverse("audit:log"), {"object_id": str(sent.pk)}))
        if r["content_type__model"] == "referral"
    ]
    # Only the row that sent it; not the three written while it was a draft.
    assert len(sent_rows) == 1
