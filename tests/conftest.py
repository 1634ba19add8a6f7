from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from config.celery import app as celery_app
from tests import factories


@pytest.fixture(autouse=True, scope="session")
def _plain_static_files():
    # The production manifest storage needs collectstatic; the tests do not exercise it.
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        yield


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgresql` (a backup through pg_dump) are deselected, not skipped, on
    SQLite: CI runs on PostgreSQL, where every test must run."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    deselected = [item for item in items if item.get_closest_marker("postgresql")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.fixture(autouse=True)
def _test_client_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain HTTP; TLS is the proxy's job and check --deploy's test.
    settings.SECURE_SSL_REDIRECT = False
    # Tests sign in with force_login. The tests of two-factor sign-in and of sign-in throttling
    # turn these on again (tests/accounts/test_two_factor.py, test_sign_in_throttling.py).
    settings.REQUIRE_2FA = False
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _deletion_register_of_the_test(settings, tmp_path_factory):
    """Each test's destructions go to a deletion register of its own, never the checkout's."""
    settings.DELETION_REGISTER_PATH = tmp_path_factory.mktemp("register") / "register.jsonl"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the dashboard keeps the city's figures in it)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_inline(request):
    """Tasks run inline unless a test asks for the real broker (marker `real_broker`)."""
    if request.node.get_closest_marker("real_broker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def compiled():
    """The .mo files as `make install` leaves them; compiled here too if stale or missing."""
    stale = [
        po
        for po in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        call_command("compile_translations", verbosity=0)
        # Changing LOCALE_PATHS empties Django's cache of loaded catalogues.
        with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
            pass


@pytest.fixture
def agency(db):
    return factories.AgencyFactory()


@pytest.fixture
def make_user(db):
    return factories.make_user


@pytest.fixture
def social_worker(db):
    return factories.make_user(role="social_worker")


@pytest.fixture
def coordinator(db):
    return factories.make_user(role="coordinator")


@pytest.fixture
def info_officer(db):
    return factories.make_user(role="information_officer")


@pytest.fixture
def police_officer(db):
    return factories.make_user(role="police")


@pytest.fixture
def youth_worker(db):
    return factories.make_user(role="youth_worker")


@pytest.fixture
def mayor_office(db):
    return factories.make_user(role="mayor_office")


@pytest.fixture
def partner(db):
    return factories.make_user(role="partner")


@pytest.fixture
def admin_user(db):
    return factories.make_user(role="admin")
