"""The issue's "done when", in the browser: a partner refers; the coordinator screens it with a
deconfliction hit and accepts it into a new case for the existing person; the partner sees the
outcome and nothing else."""

import re
from datetime import date

from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, Role
from cases import services as case_services
from cases.models import Case, Indicator
from referrals.models import Referral, Screening
from tests.factories import make_case, make_person, make_user

BORN = date(timezone.localdate().year - 16, 2, 14)  # a minor, whatever year the test runs


def hidden_token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_a_partner_refers_the_coordinator_accepts_for_the_known_person_the_partner_sees_only_that(
    client, coordinator, partner, django_capture_on_commit_callbacks, mailoutbox
):
    social = make_user(role=Role.SOCIAL_WORKER, agency=coordinator.profile.agency)
    known = make_case(
        owner=social,
        person=make_person(first_name="Yassine", last_name="Aït Haddou", date_of_birth=BORN),
    )
    case_services.entry_add(
        case=known,
        author=social,
        kind="note",
        occurred_at=known.opened_at,
        level=Level.L2,
        text="SECRET-FROM-THE-CASE 4471",
    )

    # The partner refers, with the name spelled their way.
    client.force_login(partner)
    form = client.get(reverse("referrals:new")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("referrals:new"),
            {
                "token": hidden_token(form),
                "first_name": "Yasine",
                "last_name": "AIT HADDOU",
                "date_of_birth": BORN.isoformat(),
                "gender": "male",
                "is_minor": "on",
                "school_or_employer": "Atheneum Zuid",
                "concern": "He told classmates that those who mock the prophet deserve to die.",
                "indicators": [Indicator.objects.get(name="Justification of violence").pk],
                "urgency": "priority",
                "request": "Support for him and advice for the school.",
                "other_agencies": "Pupil guidance centre",
                "person_aware": "on",
                "consent": "parent_given",
                "action": "submit",
            },
        )
    assert sent.status_code == 302, re.findall(r'class="error"[^>]*>([^<]+)', sent.content.decode())
    referral = Referral.objects.get()
    assert sent["Location"] == referral.get_absolute_url()
    assert [m.to for m in mailoutbox] == [[coordinator.email]]

    # The coordinator finds it on the home page and screens it: a hit on the known person.
    client.force_login(coordinator)
    assert referral.number in client.get(reverse("home")).content.decode()
    screen_url = reverse("referrals:screen", args=[referral.pk])
    page = client.get(screen_url).content.decode()
    assert ">hit</span>" in page
    assert known.person.code in page and known.reference in page
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(
            screen_url,
            {
                "outcome": Screening.Outcome.ACCEPTED,
                "reasons": "Known to us; a minor who justifies violence. New case.",
                "acceptance": Screening.Acceptance.EXISTING_PERSON,
                "person": known.person.pk,
                "owner": social.pk,
                "lead_agency": coordinator.profile.agency_id,
                "risk_level": Case.RiskLevel.HIGH,
            },
        )
    assert decided.status_code == 302
    referral.refresh_from_db()
    new_case = referral.case
    assert referral.status == Referral.Status.ACCEPTED
    assert new_case != known and new_case.person == known.person
    assert new_case.owner == social
    screening = referral.screenings.get()
    assert (screening.decided_by, screening.deconfliction_hit) == (coordinator, True)
    assert partner.email in mailoutbox[-1].to

    # The partner sees the outcome, and nothing else.
    client.force_login(partner)
    body = client.get(referral.get_absolute_url()).content.decode()
    assert "Your referral was accepted" in body
    for secret in (
        new_case.reference,
        known.reference,
        known.person.code,
        "SECRET-FROM-THE-CASE",
        "Haddou",
        "Known to us",
        social.last_name,
        "deserve to die",
    ):
        assert secret not in body, secret
    assert client.get(new_case.get_absolute_url()).status_code == 404
