"""With a worker, a request does not seal its own audit rows: once its transaction commits it
asks the worker (at most once a second per process) to seal every recent row a moment later,
in one transaction (audit.chain.seal_after_commit; bench/README.md says why)."""

from datetime import timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from celery import current_app
from django.utils import timezone

from audit import chain, tasks
from audit.chain import seal_entries, verify_chain
from audit.models import AuditSeal
from tests.factories import AgencyFactory

pytestmark = pytest.mark.clock


@pytest.fixture
def with_worker(monkeypatch):
    """Tasks go to a worker (not inline); the worker's queue is a list we read."""
    monkeypatch.setitem(chain._asking, "asked_at", float("-inf"))
    monkeypatch.setitem(chain._asking, "down_until", float("-inf"))
    asked: list[tuple] = []
    monkeypatch.setattr(
        current_app, "send_task", lambda name, **options: asked.append((name, options))
    )
    current_app.conf.task_always_eager = False  # tests/conftest.py puts it back
    yield asked
    current_app.conf.task_always_eager = True


def sealed(rows) -> set[int]:
    return set(
        AuditSeal.objects.filter(log_entry_id__in=[r.pk for r in rows]).values_list(
            "log_entry_id", flat=True
        )
    )


def committed_rows(count: int, capture) -> list[LogEntry]:
    with capture(execute=True):
        agencies = [AgencyFactory(party=False) for _ in range(count)]
    return [
        LogEntry.objects.get_for_object(agency).get(action=LogEntry.Action.CREATE)
        for agency in agencies
    ]


def test_requests_ask_the_worker_once_and_the_worker_seals_them_all(
    db, with_worker, django_capture_on_commit_callbacks
):
    rows = committed_rows(3, django_capture_on_commit_callbacks)
    assert sealed(rows) == set()  # the requests did not seal
    # Asked once for the three, by the name of the worker's task.
    assert with_worker == [(chain.SEAL_TASK, {"countdown": chain.SEAL_DELAY_SECONDS})]
    assert tasks.seal_recent_audit_rows.name == chain.SEAL_TASK
    assert tasks.seal_recent_audit_rows() >= 3
    assert sealed(rows) == {r.pk for r in rows}
    assert verify_chain().ok


def test_a_process_asks_again_once_a_second_has_passed(
    db, with_worker, monkeypatch, django_capture_on_commit_callbacks
):
    clock = {"now": 1000.0}
    monkeypatch.setattr(chain.time, "monotonic", lambda: clock["now"])
    committed_rows(1, django_capture_on_commit_callbacks)
    clock["now"] += chain.SEAL_DELAY_SECONDS - 1.01
    committed_rows(1, django_capture_on_commit_callbacks)
    assert len(with_worker) == 1  # the sealing asked for runs after this row committed
    clock["now"] += 0.02
    committed_rows(1, django_capture_on_commit_callbacks)
    assert len(with_worker) == 2


def test_while_the_broker_cannot_be_reached_requests_seal_their_own_rows(
    db, with_worker, monkeypatch, django_capture_on_commit_callbacks
):
    clock = {"now": 1000.0}
    monkeypatch.setattr(chain.time, "monotonic", lambda: clock["now"])
    tries = []

    def unreachable(name, **options):
        tries.append(name)
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(current_app, "send_task", unreachable)
    rows = committed_rows(2, django_capture_on_commit_callbacks)
    assert sealed(rows) == {r.pk for r in rows}
    assert len(tries) == 1  # the second request did not wait on the broker again
    clock["now"] += chain.BROKER_RETRY_SECONDS
    committed_rows(1, django_capture_on_commit_callbacks)
    assert len(tries) == 2
    assert verify_chain().ok


def test_without_a_worker_each_row_is_sealed_when_it_commits(
    db, django_capture_on_commit_callbacks
):
    assert current_app.conf.task_always_eager  # development and the test suite
    rows = committed_rows(2, django_capture_on_commit_callbacks)
    assert sealed(rows) == {r.pk for r in rows}


def test_the_worker_seals_recent_rows_and_leaves_older_ones_to_the_sweep(db):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        old = AgencyFactory(party=False)  # never committed in the test: no seal
    later = start + timedelta(minutes=chain.RECENT_SEAL_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        new = AgencyFactory(party=False)
        old_row = LogEntry.objects.get_for_object(old).get()
        new_row = LogEntry.objects.get_for_object(new).get()
        assert seal_entries(recent=True) >= 1
        assert sealed([old_row, new_row]) == {new_row.pk}
        assert seal_entries() >= 1  # the periodic sweep: the whole grace period
        assert sealed([old_row, new_row]) == {old_row.pk, new_row.pk}
        assert verify_chain().ok
