"""A social worker takes a case from intake to closure through the pages, as in a browser."""

from datetime import timedelta

from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from cases.models import Action, AftercareReview, Case, ConcernCategory, Indicator, StatusChange


def _post(client, name, reference, data, **kwargs):
    response = client.post(reverse(name, args=[reference, *kwargs.values()]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_a_social_worker_takes_a_case_from_intake_to_closure(client, social_worker, coordinator):
    client.force_login(social_worker)
    category = ConcernCategory.objects.get(name="Right-wing extremist")
    response = client.post(
        reverse("cases:open"),
        {
            "first_name": "Jonas",
            "last_name": "De Smet",
            "date_of_birth": "2009-04-02",
            "gender": "male",
            "is_minor": "on",
            "lead_agency": social_worker.profile.agency_id,
            "owner": social_worker.pk,
            "categories": [category.pk],
            "risk_level": "moderate",
            "legal_basis": "livc_law",
            "not_informed_reason": "Parents first",
        },
    )
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()
    ref = case.reference
    yesterday = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    # L1 is wider than the social worker's usual L2: saved once they confirm it.
    for level, text in ((1, "Met at school"), (2, "Shared in conference")):
        _post(
            client,
            "cases:entry_add",
            ref,
            {
                "kind": "contact",
                "occurred_at": yesterday,
                "level": level,
                "text": text,
                "share_widely": "on",
            },
        )
    ratings = {f"rating_{i.pk}": 1 for i in Indicator.objects.all()}
    _post(
        client,
        "cases:assessment_add",
        ref,
        {"overall_judgement": "moderate", "level": 2, **ratings},
    )
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    _post(
        client,
        "cases:action_add",
        ref,
        {
            "description": "Meet the parents",
            "owner": social_worker.pk,
            "due_date": due,
            "consent": "parent_given",
        },
    )
    _post(
        client,
        "cases:escalation_add",
        ref,
        {
            "audience": "coordinator",
            "summary": "Needs the mentor programme",
            "decision_requested": "Fund a mentor",
        },
    )
    review = (timezone.localdate() + timedelta(days=30)).isoformat()
    for to_status in ("information_gathering", "on_agenda", "active_support"):
        case.refresh_from_db()
        _post(
            client,
            "cases:status",
            ref,
            {
                "version": case.version,
                "to_status": to_status,
                "reason": f"Now {to_status}",
                "next_review_date": review,
            },
        )
    action = Action.objects.get()
    _post(
        client,
        "cases:action_update",
        ref,
        {"status": "done", "due_date": due, "consent": "parent_given"},
        action_id=action.pk,
    )
    case.refresh_from_db()
    _post(
        client,
        "cases:status",
        ref,
        {
            "version": case.version,
            "to_status": "closed",
            "reason": "Back on track",
            "closure_reason": "risk_reduced",
        },
    )
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.closure_reason == "risk_reduced"
    assert list(AftercareReview.objects.filter(case=case).values_list("months", flat=True)) == [
        6,
        12,
    ]
    history = list(
        StatusChange.objects.filter(case=case).order_by("pk").values_list("to_status", flat=True)
    )
    assert history == ["intake", "information_gathering", "on_agenda", "active_support", "closed"]
    body = client.get(case.get_absolute_url()).content.decode()
    for text in (
        "Met at school",
        "Shared in conference",
        "Meet the parents",
        "Needs the mentor programme",
        "Back on track",
    ):
        assert text in body
    # Every step left a row in the audit log, with the social worker as actor.
    written = LogEntry.objects.filter(actor=social_worker).exclude(action=LogEntry.Action.ACCESS)
    models = set(written.values_list("content_type__model", flat=True))
    assert {
        "case",
        "chronologyentry",
        "assessment",
        "action",
        "escalation",
        "statuschange",
    } <= models


def test_a_refused_transition_says_why_and_changes_nothing(client, social_worker):
    from tests.factories import make_case

    case = make_case(owner=social_worker)
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:status", args=[case.reference]),
        {"version": case.version, "to_status": "active_support", "reason": "skip ahead"},
    )
    assert response.status_code == 200
    assert "cannot go from Intake to Active support" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.INTAKE
    assert case.status_changes.count() == 1


def test_a_future_entry_is_refused_and_nothing_is_saved(client, social_worker):
    from tests.factories import make_case

    case = make_case(owner=social_worker)
    client.force_login(social_worker)
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("cases:entry_add", args=[case.reference]),
        {"kind": "note", "occurred_at": tomorrow, "level": 1, "text": "typed text survives"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This is in the future" in body
    assert "typed text survives" in body  # nothing the user typed is lost
    assert case.entries.count() == 0


def test_the_second_of_two_concurrent_edits_is_shown_the_first_and_can_reapply(
    client, social_worker, coordinator
):
    from tests.factories import make_case

    case = make_case(owner=social_worker)
    category = ConcernCategory.objects.first()
    url = reverse("cases:edit", args=[case.reference])
    base = {
        "version": case.version,
        "categories": [category.pk],
        "lead_agency": case.lead_agency_id,
        "owner": social_worker.pk,
        "legal_basis": "livc_law",
        "not_informed_reason": "Risky",
    }
    client.force_login(social_worker)
    first = client.post(url, {**base, "risk_level": "high"})
    assert first.status_code == 302
    # The second editor loaded the same version before the first saved.
    second = client.post(url, {**base, "risk_level": "low", "next_review_date": "2030-01-01"})
    body = second.content.decode()
    assert second.status_code == 200
    assert "Someone else changed this case" in body
    assert 'id="conflict"' in body and "High" in body  # what the first saved
    case.refresh_from_db()
    assert case.risk_level == "high"  # not silently overwritten
    assert second.context["form"]["version"].value() == case.version
    # Re-applying from the rebased form succeeds.
    again = client.post(url, {**base, "version": case.version, "risk_level": "low"})
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.risk_level == "low"
