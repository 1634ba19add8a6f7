import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# OutboxTask keeps a task that cannot reach the broker, to send it once the broker is back.
app = Celery("config", task_cls="access.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
