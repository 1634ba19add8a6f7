"""Tasks survive a broker outage: a task that cannot be sent is kept in the database and sent
again by `flush_outbox` (a beat job and a command) once the broker is back.

Every task of the project is an OutboxTask (config/celery.py), so services keep calling
`task.delay_on_commit(id)` and a page or a write never fails because Redis is down.
"""

import logging
from typing import Any

from celery import Task, current_app
from celery.contrib.django.task import DjangoTask
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
UNREACHABLE = (BrokerUnavailable, RedisError, ConnectionError, OSError)


class OutboxTask(DjangoTask):
    def apply_async(
        self, args: Any = None, kwargs: dict[str, Any] | None = None, **options: Any
    ) -> Any:
        try:
            return super().apply_async(args=args, kwargs=kwargs, **options)
        except UNREACHABLE as error:
            # local import: Celery loads this class (config/celery.py's task_cls) before
            # Django's apps are ready, and a model cannot be imported before then.
            from core.models import OutboxMessage

            log.warning("Broker unreachable; %s kept in the outbox: %s", self.name, error)
            OutboxMessage.objects.create(
                task_name=self.name,
                args=list(args or []),
                kwargs=dict(kwargs or {}),
                last_error=str(error)[:500],
            )
            return None


def flush_outbox(limit: int = 500) -> int:
    """Send what the outbox holds, oldest first; stop at the first failure. Returns how many
    were sent."""
    from core.models import OutboxMessage  # local import: as in OutboxTask, models load late

    sent = 0
    for message in OutboxMessage.objects.order_by("pk")[:limit]:
        task = current_app.tasks[message.task_name]
        try:
            Task.apply_async(task, args=message.args, kwargs=message.kwargs)
        except UNREACHABLE as error:
            OutboxMessage.objects.filter(pk=message.pk).update(last_error=str(error)[:500])
            break
        message.delete()
        sent += 1
    return sent
