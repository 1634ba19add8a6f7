import os

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from django.db import transaction

from config.celery import app as celery_app
from core.tasks import ping


def test_tasks_wait_for_the_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        ping.delay_on_commit()
    assert len(callbacks) == 1


def test_tasks_run_inline_without_a_broker():
    result = ping.delay()
    assert isinstance(result, EagerResult)
    assert result.get(timeout=1) == "pong"


@pytest.mark.real_broker
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)")
def test_a_task_round_trips_through_redis():
    assert celery_app.conf.task_always_eager is False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = ping.delay()
        assert result.get(timeout=20) == "pong"
