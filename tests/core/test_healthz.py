from unittest import mock

from django.db import OperationalError, connection
from django.urls import reverse


def test_it_answers_ok_when_the_database_answers(client, db, settings):
    settings.CELERY_BROKER_URL = "memory://localhost/"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True}}


def test_it_answers_503_when_the_database_is_unreachable(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("gone")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] is False


def test_it_answers_503_when_the_broker_is_unreachable(client, db, settings):
    # Port 1 on loopback: nothing listens there, so the connection is really refused.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "broker": False}
