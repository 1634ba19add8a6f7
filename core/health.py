"""Liveness checks for /healthz: the database, and the broker when one is configured."""

import redis
from django.conf import settings
from django.db import connection


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False


def broker_ok() -> bool | None:
    """None when no broker is configured (tasks run inline)."""
    url = settings.CELERY_BROKER_URL
    if not url or url.startswith("memory://"):
        return None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False
