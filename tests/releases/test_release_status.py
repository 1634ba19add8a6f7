"""A release's state (live, expired, revoked, replaced) is computed from its dates and rows by one
rule, Release.status_on, shown as a tag wherever releases are listed; at a fixed clock."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from access import policy
from releases import services
from releases.models import Release
from tests.factories import make_case

BRUSSELS = ZoneInfo("Europe/Brussels")
# Just after midnight in Brussels, while UTC is still on the day before: "today" is the 1st.
NOW = datetime(2027, 1, 1, 0, 5, tzinfo=BRUSSELS)
TODAY = date(2027, 1, 1)


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def make_release(info_officer, recipient, expires_on, **extra):
    release = services.release_create(
        case=make_case(),
        author=info_officer,
        title="Outreach after release",
        summary="Approach him through football.",
        purpose="outreach",
        legal_basis="Law of 30 July 2018",
        expires_on=TODAY + timedelta(days=30),
        recipient_users=[recipient],
        **extra,
    )
    Release.objects.filter(pk=release.pk).update(expires_on=expires_on)
    return Release.objects.select_related("replaced_by").get(pk=release.pk)


@pytest.mark.parametrize(
    ("expires_on", "status"),
    [
        (TODAY + timedelta(days=1), Release.Status.LIVE),
        (TODAY, Release.Status.LIVE),
        (TODAY - timedelta(days=1), Release.Status.EXPIRED),
    ],
)
def test_it_is_live_until_the_end_of_its_expiry_day(
    at_now, info_officer, youth_worker, expires_on, status
):
    release = make_release(info_officer, youth_worker, expires_on)
    assert release.status_on(TODAY) == status
    assert release.status == status
    # The policy's SQL filter says the same at the boundary.
    live = Release.objects.filter(policy.live_release_filter(), pk=release.pk).exists()
    assert live == (status == Release.Status.LIVE)


def test_revoked_and_replaced_win_over_the_dates(at_now, info_officer, youth_worker):
    first = make_release(info_officer, youth_worker, TODAY - timedelta(days=1))
    services.release_revise(
        release=first,
        author=info_officer,
        title="Corrected",
        summary="Corrected text",
        purpose="outreach",
        legal_basis="Law of 30 July 2018",
        expires_on=TODAY,
        recipient_users=[youth_worker],
    )
    first = Release.objects.select_related("replaced_by").get(pk=first.pk)
    second = first.replaced_by
    assert first.status == Release.Status.REPLACED
    services.release_revoke(release=second, user=info_officer, reason="Wrong person")
    second.refresh_from_db()
    assert second.status == Release.Status.REVOKED


def test_the_lists_show_the_state_as_a_tag(client, at_now, info_officer, youth_worker):
    today = make_release(info_officer, youth_worker, TODAY)
    yesterday = make_release(info_officer, youth_worker, TODAY - timedelta(days=1))
    assert timezone.localdate() == TODAY
    client.force_login(info_officer)
    body = client.get(reverse("releases:manage")).content.decode()
    assert body.count('govuk-tag--green">Live<') == 1
    assert body.count('govuk-tag--grey">Expired<') == 1
    detail = client.get(yesterday.get_absolute_url()).content.decode()
    assert "Expired<" in detail and ">Live<" not in detail
    client.force_login(youth_worker)
    body = client.get(reverse("releases:list")).content.decode()
    assert 'govuk-tag--green">Live<' in body
    assert "Expired" not in body
    assert [r.pk for r in client.get(reverse("releases:list")).context["page"]] == [today.pk]
