import os

from celery import Celery
from celery.beat import PersistentScheduler

from config.beat_health import HEARTBEAT

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# OutboxTask keeps a task that cannot reach the broker, to send it once the broker is back.
app = Celery("config", task_cls="core.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The e-mails that services queue on commit (an app's notifications.py); its tasks.py holds the
# scheduled jobs, which call the services.
app.autodiscover_tasks(related_name="notifications")


class HeartbeatScheduler(PersistentScheduler):
    """Beat's usual scheduler, touching HEARTBEAT at every tick, so that a health check
    (config/beat_health.py) can tell a beat that runs from one that hangs."""

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        HEARTBEAT.touch()
        return interval
