"""The settings module, read in a fresh interpreter for each environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in %r}, default=str))
"""


def read_settings(env: dict[str, str], *names: str) -> dict:
    result = run_settings(env, PRINT_SETTINGS % (list(names),))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _VARIABLES}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "TIME_ZONE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
}
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "msc.example.org"}


def test_it_refuses_to_start_without_secret_key_in_production():
    result = run_settings({"DEBUG": "0"}, "")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_starts_without_secret_key_in_debug():
    values = read_settings({"DEBUG": "1"}, "DEBUG", "SECRET_KEY")
    assert values["DEBUG"] is True
    assert len(values["SECRET_KEY"]) >= 50


def test_it_reads_the_secret_key_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 64 + "\n")
    values = read_settings({"DEBUG": "0", "SECRET_KEY_FILE": str(secret)}, "SECRET_KEY")
    assert values["SECRET_KEY"] == "s" * 64


def test_it_rejects_a_boolean_it_cannot_read():
    result = run_settings({**PRODUCTION, "DEBUG": "maybe"}, "")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_it_splits_allowed_hosts():
    values = read_settings({**PRODUCTION, "ALLOWED_HOSTS": "a.example, b.example"}, "ALLOWED_HOSTS")
    assert values["ALLOWED_HOSTS"] == ["a.example", "b.example"]


def test_it_defaults_to_sqlite_in_the_project_folder():
    values = read_settings(PRODUCTION, "DATABASES")
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == ROOT / "db.sqlite3"


def test_it_reads_database_url_with_persistent_healthy_connections():
    values = read_settings(
        {**PRODUCTION, "DATABASE_URL": "postgres://msc:pw@db.internal:5433/msc"}, "DATABASES"
    )
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "msc")
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_it_runs_tasks_inline_without_a_broker():
    values = read_settings(PRODUCTION, "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
    # Celery's in-memory transport: no connection to a broker on localhost is ever tried.
    assert values == {"CELERY_BROKER_URL": "memory://localhost/", "CELERY_TASK_ALWAYS_EAGER": True}


def test_it_uses_redis_as_broker_and_result_backend():
    values = read_settings(
        {**PRODUCTION, "REDIS_URL": "redis://cache:6379/2"},
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "CELERY_TASK_ALWAYS_EAGER",
    )
    assert values == {
        "CELERY_BROKER_URL": "redis://cache:6379/2",
        "CELERY_RESULT_BACKEND": "redis://cache:6379/2",
        "CELERY_TASK_ALWAYS_EAGER": False,
    }


def test_a_broker_url_overrides_redis_url():
    values = read_settings(
        {**PRODUCTION, "REDIS_URL": "redis://cache:6379/2", "CELERY_BROKER_URL": "redis://q:1/0"},
        "CELERY_BROKER_URL",
    )
    assert values["CELERY_BROKER_URL"] == "redis://q:1/0"


def test_it_reads_email_settings():
    values = read_settings(
        {**PRODUCTION, "EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "587"},
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_BACKEND",
    )
    assert values == {
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }


def test_it_rejects_a_port_that_is_not_a_number():
    result = run_settings({**PRODUCTION, "EMAIL_PORT": "twenty-five"}, "")
    assert result.returncode != 0
    assert "EMAIL_PORT must be a whole number" in result.stderr


def test_it_runs_in_brussels_time_with_three_languages():
    values = read_settings(PRODUCTION, "TIME_ZONE", "LANGUAGES", "MIDDLEWARE")
    assert values["TIME_ZONE"] == "Europe/Brussels"
    assert [code for code, _name in values["LANGUAGES"]] == ["en", "nl", "fr"]
    assert "django.middleware.locale.LocaleMiddleware" in values["MIDDLEWARE"]


def test_production_is_secure_by_default():
    values = read_settings(
        PRODUCTION,
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    )
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


def test_check_deploy_finds_nothing_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in _VARIABLES},
            **PRODUCTION,
            "SECRET_KEY": "k7#Qz!" * 10,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_it_reads_true_in_any_common_spelling(value):
    assert read_settings({**PRODUCTION, "DEBUG": value}, "DEBUG") == {"DEBUG": True}


def test_the_demo_and_the_benchmark_are_installed_in_a_checkout():
    apps = read_settings(PRODUCTION, "INSTALLED_APPS")["INSTALLED_APPS"]
    assert {"demo", "bench"} <= set(apps)


def test_without_the_demo_and_the_benchmark_the_application_starts_and_checks_clean():
    """As in the Docker image, which copies neither folder: settings leave them out, nothing
    imports them, and the deployment checks pass."""
    absent = "import sys\nsys.modules['demo'] = sys.modules['bench'] = None\n"
    code = (
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        "assert not {'demo', 'bench'} & set(settings.INSTALLED_APPS), settings.INSTALLED_APPS\n"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in _VARIABLES}
    env.update(PRODUCTION, SECRET_KEY="k7#Qz!" * 10, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", absent + "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_cache_url_shares_the_cache_in_redis_and_sessions_stay_in_the_database():
    url = "redis://cache.internal:6379/1"
    values = read_settings({**PRODUCTION, "CACHE_URL": url}, "CACHES", "SESSION_ENGINE")
    cache = values["CACHES"]["default"]
    assert (cache["BACKEND"], cache["LOCATION"]) == ("django_redis.cache.RedisCache", url)
    # Redis down is a cache miss, never a refused page.
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    # Without it, each process keeps its own cache.
    alone = read_settings(PRODUCTION, "CACHES")["CACHES"]["default"]
    assert alone["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
