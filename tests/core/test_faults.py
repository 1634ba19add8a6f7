"""Faults: the broker down, the database connection lost."""

import io
import json
import sys
from datetime import timedelta

import psycopg2
import pytest
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from core.models import OutboxMessage
from core.outbox import flush_outbox
from tests.factories import make_case

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused


@pytest.fixture
def broker_down(settings):
    """A broker that really cannot be reached; tasks are not run inline."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = UNREACHABLE
    celery_app.conf.task_always_eager = False
    _reset_pools()
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    _reset_pools()


def _reset_pools() -> None:
    # Connections are pooled per broker URL; forget the pools so the new URL is used.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_with_the_broker_down_a_write_succeeds_and_its_notice_waits(
    client,
    broker_down,
    social_worker,
    info_officer,
    youth_worker,
    django_capture_on_commit_callbacks,
):
    case = make_case(owner=social_worker)
    client.force_login(info_officer)
    client.post(
        reverse("releases:create", args=[case.reference]),
        {
            "title": "Outreach",
            "summary": "Summary",
            "purpose": "Outreach",
            "legal_basis": "LIVC",
            "recipient_users": [youth_worker.pk],
            "expires_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    check = reverse("releases:create_check", args=[case.reference])
    draft = client.get(check).context["draft"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check, {"draft": draft})
    assert response.status_code == 302
    assert mail.outbox == []
    [kept] = OutboxMessage.objects.all()
    assert kept.task_name == "releases.notifications.notify_release"
    # Every page still answers.
    client.force_login(youth_worker)
    assert client.get(reverse("releases:list")).status_code == 200
    # Still down: the flush keeps the message.
    assert flush_outbox() == 0
    assert OutboxMessage.objects.count() == 1


def test_once_the_broker_is_back_the_notice_goes_out(
    broker_down, social_worker, info_officer, youth_worker, django_capture_on_commit_callbacks
):
    from releases import services

    case = make_case(owner=social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_create(
            case=case,
            author=info_officer,
            title="t",
            summary="s",
            purpose="p",
            legal_basis="b",
            expires_on=timezone.localdate() + timedelta(days=5),
            recipient_users=[youth_worker],
        )
    assert OutboxMessage.objects.count() == 1
    # The broker is back (a worker runs the tasks: here, inline).
    celery_app.conf.task_always_eager = True
    assert flush_outbox() == 1
    assert OutboxMessage.objects.count() == 0
    assert [m.to for m in mail.outbox] == [[youth_worker.email]]


def wsgi_get(path: str) -> tuple[str, bytes]:
    """A request through the real WSGI handler, as gunicorn makes it: unlike the test client,
    it sends request_started, where Django checks its persistent connection."""
    statuses = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    body = b"".join(WSGIHandler()(environ, lambda status, headers: statuses.append(status)))
    return statuses[0], body


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="ends a PostgreSQL session from the server side (CI runs it)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_application_reconnects_after_the_database_ends_its_session():
    """As after a PostgreSQL restart: the server ends our session; the next request works."""
    assert wsgi_get("/healthz")[0].startswith("200")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.get_connection_params()
    killer = psycopg2.connect(
        **{k: params[k] for k in ("host", "port", "user", "database") if params.get(k)}
    )
    killer.autocommit = True
    killer.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
    killer.close()
    status, body = wsgi_get("/healthz")
    assert status.startswith("200"), body
    assert json.loads(body)["checks"]["database"] is True
