from django.db import models


class AuditSeal(models.Model):
    """The audit chain: one row per audit log entry, in the order sealed. `digest` is a keyed
    hash of the entry's content and the previous row's digest, so changing, removing or
    reordering a row breaks every digest after it (`manage.py verify_audit_chain`)."""

    sequence = models.BigAutoField(primary_key=True)
    # No foreign key: the seal must outlive tampering with the row it seals, to name it.
    log_entry_id = models.BigIntegerField(unique=True)
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"seal {self.sequence} of log entry {self.log_entry_id}"


class AuditRetentionRun(models.Model):
    """Old audit rows removed by the audit log's retention rule. The last removed seal becomes
    the anchor from which the remaining chain is verified."""

    ran_at = models.DateTimeField(auto_now_add=True)
    cutoff = models.DateTimeField()
    rule = models.CharField(max_length=100)
    entries_removed = models.PositiveIntegerField()
    anchor_sequence = models.BigIntegerField()
    anchor_digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-anchor_sequence"]

    def __str__(self) -> str:
        return f"audit retention up to seal {self.anchor_sequence}"
