"""Every referral row is in the audit log with its before and after; the log names ids only."""

from auditlog.models import LogEntry
from auditlog.registry import auditlog

from referrals import models
from tests.factories import make_referral
from tests.referrals.conftest import accept_new


def test_every_referral_model_is_registered():
    for model in (
        models.Referral,
        models.Screening,
        models.OutboundReferral,
        models.PrisonRelease,
        models.PrisonReleaseTask,
    ):
        assert auditlog.contains(model), model


def test_a_screening_leaves_a_trace_that_names_no_one(partner, coordinator):
    referral = make_referral(referrer=partner, first_name="Quirijn", last_name="Vos")
    accept_new(referral, coordinator)
    entries = LogEntry.objects.filter(
        content_type__app_label="referrals", content_type__model__in=["referral", "screening"]
    )
    assert entries.filter(content_type__model="screening").count() == 1
    assert {e.object_repr for e in entries} <= {
        f"referral {referral.pk}",
        f"screening {referral.screenings.get().pk} of referral {referral.pk}",
    }
    status_changes = [
        e.changes_dict.get("status") for e in entries.filter(content_type__model="referral")
    ]
    assert ["submitted", "accepted"] in status_changes
