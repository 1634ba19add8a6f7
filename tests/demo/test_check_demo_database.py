"""`make run` on a db.sqlite3 built by an older checkout, whose migrations this code no longer
has: check_demo_database removes it in one line, and migrate builds a fresh one; no traceback."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.config.test_settings import _VARIABLES

ROOT = Path(__file__).resolve().parents[2]
# Migrations an older checkout applied, before every app's were rebuilt as one 0001_initial.
OLD_MIGRATIONS = [
    ("auth", "0001_initial"),
    ("access", "0001_initial"),
    ("access", "0002_role_groups"),
    ("access", "0009_security_event_audit_kinds"),
    ("cases", "0004_scale_indexes"),
]
# Migrations this code has.
CURRENT = [
    ("accounts", "0001_initial"),
    ("accounts", "0002_role_groups"),
    ("cases", "0001_initial"),
]


def old_database(path: Path, migrations: list[tuple[str, str]]) -> Path:
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE django_migrations (id integer PRIMARY KEY AUTOINCREMENT, "
            "app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied datetime NOT NULL)"
        )
        db.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, '2026-11-21')",
            migrations,
        )
    return path


def manage(database: Path, *command: str, debug: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _VARIABLES}
    env.update(
        DEBUG="1" if debug else "0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_database_from_an_older_checkout_is_removed_in_one_line(tmp_path):
    database = old_database(tmp_path / "db.sqlite3", OLD_MIGRATIONS)
    result = manage(database, "check_demo_database")
    assert result.returncode == 0, result.stderr
    assert not database.exists()
    assert result.stdout.strip().count("\n") == 0
    assert "db.sqlite3 was built by an older checkout" in result.stdout
    assert "Traceback" not in result.stderr


def test_after_it_migrate_builds_a_fresh_database(tmp_path):
    database = old_database(tmp_path / "db.sqlite3", OLD_MIGRATIONS)
    assert manage(database, "check_demo_database").returncode == 0
    result = manage(database, "migrate", "--noinput", "-v0")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        applied = set(db.execute("SELECT app, name FROM django_migrations"))
    assert ("access", "0001_initial") in applied
    assert ("access", "0002_role_groups") not in applied
    assert ("accounts", "0002_role_groups") in applied


def test_a_database_of_this_code_is_left_alone(tmp_path):
    database = old_database(tmp_path / "db.sqlite3", [("auth", "0001_initial"), *CURRENT])
    result = manage(database, "check_demo_database")
    assert result.returncode == 0, result.stderr
    assert database.exists()
    assert result.stdout == ""


def test_a_new_database_is_left_alone(tmp_path):
    database = tmp_path / "db.sqlite3"
    sqlite3.connect(database).close()
    result = manage(database, "check_demo_database")
    assert result.returncode == 0, result.stderr
    assert database.exists() and result.stdout == ""


def test_with_debug_off_nothing_is_removed_and_the_error_says_why(tmp_path):
    database = old_database(tmp_path / "db.sqlite3", OLD_MIGRATIONS)
    result = manage(database, "check_demo_database", debug=False)
    assert result.returncode != 0
    assert database.exists()
    assert "was built by an older checkout" in result.stderr
    assert "access 0002_role_groups" in result.stderr
    assert "Traceback" not in result.stderr
