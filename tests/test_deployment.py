"""docker-compose.yml and the Dockerfile say what production does: migrations run once, as a
job, before anything that uses the database; web replicas publish no port of their own and sit
behind one proxy, the only address gunicorn believes X-Forwarded-* from; beat has a health
check that fails when it stops ticking."""

import os
from pathlib import Path

import pytest
import yaml

from config import beat_health
from config.celery import HeartbeatScheduler, app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_migrations_are_a_one_off_job(services):
    job = services["migrate"]
    assert "manage.py migrate" in command_text(job)
    assert job["restart"] == "no"
    assert job["depends_on"]["db"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_the_application_waits_for_the_migrations_and_never_runs_them(services, name):
    service = services[name]
    assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" not in command_text(service)


def test_only_the_proxy_publishes_a_port(services):
    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing == {"proxy"}
    assert services["web"]["expose"] == ["8000"]


def test_gunicorn_believes_forwarded_headers_from_the_proxy_only(services):
    proxy_address = services["proxy"]["networks"]["backend"]["ipv4_address"]
    assert services["web"]["environment"]["FORWARDED_ALLOW_IPS"] == proxy_address
    # ...and the application takes the client's address from that one proxy, for the audit.
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    for text in (command_text(services["web"]), (ROOT / "Dockerfile").read_text()):
        assert "forwarded-allow-ips" not in text


def test_the_proxy_overwrites_what_clients_send_as_their_address():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf


def test_beat_is_checked_by_its_heartbeat(services):
    beat = services["beat"]
    assert "config.celery:HeartbeatScheduler" in command_text(beat)
    assert beat["healthcheck"]["test"] == ["CMD", "python", "-m", "config.beat_health"]


def test_every_tick_of_beat_touches_the_heartbeat(tmp_path, monkeypatch):
    heartbeat = tmp_path / "heartbeat"
    monkeypatch.setattr("config.celery.HEARTBEAT", heartbeat)
    scheduler = HeartbeatScheduler(app, schedule_filename=str(tmp_path / "schedule"), lazy=True)
    monkeypatch.setattr("celery.beat.Scheduler.tick", lambda self, *a, **k: 5.0)

    assert not heartbeat.exists()
    assert scheduler.tick() == 5.0
    assert heartbeat.exists()


def test_beat_is_unhealthy_when_its_heartbeat_is_old_or_missing(tmp_path):
    heartbeat = tmp_path / "heartbeat"
    last_tick = 1_800_000_000.0
    assert not beat_health.beat_is_alive(heartbeat, now=last_tick)
    heartbeat.touch()
    os.utime(heartbeat, (last_tick, last_tick))
    silence = beat_health.MAX_SILENCE_SECONDS
    assert beat_health.beat_is_alive(heartbeat, now=last_tick + silence)
    assert not beat_health.beat_is_alive(heartbeat, now=last_tick + silence + 1)
