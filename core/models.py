from django.db import models


class OutboxMessage(models.Model):
    """A task that could not reach the broker: sent again by flush_outbox. Ids only."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    last_error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"outbox {self.pk}: {self.task_name}"
