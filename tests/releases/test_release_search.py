"""A recipient finds a release for them by its title; the search never reaches beyond the
releases addressed to them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from releases import services
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def release(info_officer, recipient, title: str):
    return services.release_create(
        case=make_case(),
        author=info_officer,
        title=title,
        summary="Approach him through football.",
        purpose="outreach",
        legal_basis="Law of 30 July 2018",
        expires_on=timezone.localdate() + timedelta(days=30),
        recipient_users=[recipient],
    )


def test_a_recipient_finds_a_release_by_its_title(client, info_officer, youth_worker, make_user):
    release(info_officer, youth_worker, "Outreach after release")
    release(info_officer, youth_worker, "School visit in March")
    other = make_user(role="youth_worker")
    release(info_officer, other, "Outreach to another worker's contact")
    client.force_login(youth_worker)
    url = reverse("releases:list")
    found = client.get(url, {"q": "outreach"}).content.decode()
    assert "Outreach after release" in found
    assert "School visit in March" not in found
    assert "another worker" not in found
    nothing = client.get(url, {"q": "nothing like it"}).content.decode()
    assert "No release matches your search." in nothing
