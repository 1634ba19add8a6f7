"""People first on the screening pages: the coordinator's list, a referral and its screening
form lead with the person referred; the referral's number follows as secondary text."""

import pytest
from django.urls import reverse


def _person_leads(body: str, name: str, number: str) -> bool:
    main = body.index("<main")
    return 0 <= body.find(name, main) < body.find(number, main)


def test_the_screening_pages_lead_with_the_person_referred(client, coordinator, referral):
    name = f"{referral.first_name} {referral.last_name}"
    client.force_login(coordinator)
    pages = {
        "screening list": reverse("referrals:screening"),
        "referral": referral.get_absolute_url(),
        "screening form": reverse("referrals:screen", args=[referral.pk]),
    }
    for page, url in pages.items():
        body = client.get(url).content.decode()
        assert _person_leads(body, name, referral.number), page
        if page != "screening list":
            assert name in body[body.index("<title>") : body.index("</title>")], page


@pytest.mark.clock
def test_a_referral_sent_today_says_so(client, coordinator, referral):
    client.force_login(coordinator)
    body = client.get(referral.get_absolute_url()).content.decode()
    assert "Sent today." in body and "0 days" not in body
