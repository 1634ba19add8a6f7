"""The audit's "from where": the connection's peer, or X-Forwarded-For only as far as our own
proxies (settings.TRUSTED_PROXY_COUNT) vouch for it. Never a server error, whatever the header
holds."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from accounts.models import SecurityEvent
from cases.models import Case
from core.middleware import client_address
from tests.config.test_settings import run_settings
from tests.factories import PASSWORD, make_case

PROXY = "172.30.0.10"


def read_case(client, user, **headers) -> LogEntry:
    """Open a case page with the given request headers; the read audit row it left."""
    case = make_case(owner=user)
    client.force_login(user)
    response = client.get(case.get_absolute_url(), **headers)
    assert response.status_code == 200
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(case.pk)).get(
        content_type__model=Case._meta.model_name
    )


def test_with_no_trusted_proxy_a_forwarded_address_sent_by_the_client_is_ignored(
    client, social_worker
):
    row = read_case(client, social_worker, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert row.remote_addr == "127.0.0.1"


@pytest.mark.parametrize(
    "header",
    ["not-an-address", "'; DROP TABLE x; --", "999.1.1.1", "", ",,,", "\u00e9\u00e9", "x" * 5000],
)
def test_a_forwarded_header_that_is_no_address_never_breaks_an_audited_page(
    client, social_worker, settings, header
):
    settings.TRUSTED_PROXY_COUNT = 1
    row = read_case(client, social_worker, HTTP_X_FORWARDED_FOR=header, REMOTE_ADDR=PROXY)
    # A header our proxy wrote with no address in it: the address is unknown, not made up.
    assert row.remote_addr in (None, PROXY)


def test_behind_one_proxy_the_address_it_adds_is_the_clients(client, social_worker, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote the first entry itself; our proxy appended the address it saw.
    row = read_case(
        client,
        social_worker,
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
        REMOTE_ADDR=PROXY,
    )
    assert row.remote_addr == "198.51.100.7"


def test_the_port_a_client_claims_is_not_recorded_behind_a_proxy(client, social_worker, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    row = read_case(
        client,
        social_worker,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        HTTP_X_FORWARDED_PORT="31337",
        REMOTE_ADDR=PROXY,
    )
    assert row.remote_port is None


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),
        (1, PROXY, "203.0.113.9", "203.0.113.9"),
        (1, PROXY, "1.1.1.1, 203.0.113.9", "203.0.113.9"),
        (2, "10.0.0.2", "1.1.1.1, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        # Fewer addresses than proxies: it did not come through them all; its peer is used.
        (2, "10.0.0.2", "203.0.113.9", "10.0.0.2"),
        (1, PROXY, "", PROXY),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
        (1, PROXY, "fe80::1%eth0", "fe80::1"),
        (1, PROXY, "[2001:db8::1]:443", None),
        (1, PROXY, "203.0.113.9:443", None),
        (0, "", "203.0.113.9", None),
        (0, "unix:/run/gunicorn.sock", "", None),
    ],
)
def test_the_client_address_is_taken_as_far_as_trusted_proxies_vouch(
    count, remote, forwarded, expected
):
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(meta, count) == expected


def test_a_sign_in_from_behind_the_proxy_records_the_clients_address(
    client, social_worker, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(
        reverse("login"),
        {"username": social_worker.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
        REMOTE_ADDR=PROXY,
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(user=social_worker, kind=SecurityEvent.Kind.SIGNED_IN)
    assert event.remote_addr == "198.51.100.7"


@pytest.mark.parametrize("value", ["-1", "6", "one", "1.5"])
def test_a_wrong_number_of_trusted_proxies_stops_the_start_with_a_clear_message(value):
    result = run_settings({"SECRET_KEY": "x" * 60, "TRUSTED_PROXY_COUNT": value}, "")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr
