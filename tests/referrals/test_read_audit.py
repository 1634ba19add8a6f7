"""Pages that show a person or case content record the read, once per page view, in one
query (issue 14, finding 5); and a draft referral is its referrer's alone, the information
officer included (finding 6)."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services as case_services
from referrals import services
from referrals.models import OutboundReferral, Referral
from tests.factories import AgencyFactory, make_case, make_person, make_referral, make_user

pytestmark = pytest.mark.clock

BORN = date(2003, 6, 14)


def reads(user, model: str) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, actor=user, content_type__model=model
        ).order_by("pk")
    )


def insert_count(queries) -> int:
    return len([q for q in queries if q["sql"].startswith('INSERT INTO "auditlog_logentry"')])


@pytest.fixture
def case(social_worker):
    person = make_person(first_name="Ilias", last_name="Vermeulen", date_of_birth=BORN)
    return make_case(owner=social_worker, person=person)


@pytest.fixture
def provider(db):
    return make_user(role=Role.PARTNER, agency=AgencyFactory(name="Youth Mental Health"))


def send(case, user, provider_agency):
    return services.outbound_send(
        case=case,
        user=user,
        service=OutboundReferral.Service.MENTAL_HEALTH,
        provider=provider_agency,
        person_details="Ilias Vermeulen, 14/06/2003",
        request="An intake, please.",
        consent=OutboundReferral.Consent.GIVEN,
    )


# --- Forms pre-filled with the person's name and date of birth --------------------------------


@pytest.mark.parametrize("page", ["referrals:outbound_new", "referrals:prison_release"])
def test_a_form_prefilled_with_name_and_date_of_birth_records_the_case_read(
    client, case, social_worker, page
):
    client.force_login(social_worker)
    body = client.get(reverse(page, args=[case.reference])).content.decode()
    assert "Ilias Vermeulen" in body
    (read,) = reads(social_worker, "case")
    assert read.object_pk == str(case.pk)
    client.get(reverse(page, args=[case.reference]))
    assert len(reads(social_worker, "case")) == 2  # once per page view


def test_the_outbound_referrals_of_a_case_record_the_case_read(client, case, social_worker):
    client.force_login(social_worker)
    client.get(reverse("referrals:outbound_case", args=[case.reference]))
    assert [r.object_pk for r in reads(social_worker, "case")] == [str(case.pk)]


# --- Lists --------------------------------------------------------------------------------------


def test_the_providers_list_records_one_read_of_the_referrals_it_shows(
    client, case, social_worker, provider
):
    shown = send(case, social_worker, provider.profile.agency)
    client.force_login(provider)
    client.get(reverse("referrals:outbound_list"))
    (read,) = reads(provider, "user")
    assert read.additional_data["read"] == f"referrals to your agency: outbound referral {shown.pk}"


def test_the_list_of_releases_from_prison_records_one_read(client, case, social_worker):
    prison = AgencyFactory(name="Mechelen Prison")
    protocol = services.prison_release_start(
        case=case,
        user=social_worker,
        institution="Mechelen prison",
        expected_release_date=timezone.localdate() + timedelta(days=60),
        conditions="",
        outreach_worker=social_worker,
        provider=prison,
        person_details="Wing B",
        request="Talks before release",
        consent=OutboundReferral.Consent.GIVEN,
    )
    client.force_login(social_worker)
    client.get(reverse("referrals:prison_release_list"))
    (read,) = reads(social_worker, "user")
    assert read.additional_data["read"] == f"releases from prison: prison release {protocol.pk}"


def test_the_screening_list_records_one_read_of_the_people_it_names(client, coordinator, partner):
    shown = [make_referral(referrer=partner, first_name="Ottilie") for _i in range(2)]
    client.force_login(coordinator)
    body = client.get(reverse("referrals:screening")).content.decode()
    assert "Ottilie" in body
    (read,) = reads(coordinator, "user")
    text = read.additional_data["read"]
    assert text.startswith("screening: referral ")
    assert sorted(text.removeprefix("screening: referral ").split(", ")) == sorted(
        str(r.pk) for r in shown
    )


def test_the_screening_lists_read_is_one_query_whatever_its_length(client, coordinator, partner):
    make_referral(referrer=partner)
    client.force_login(coordinator)
    client.get(reverse("referrals:screening"))  # warm the caches (content types, session)
    counts = []
    for _more in range(2):
        for _i in range(3):
            make_referral(referrer=partner)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("referrals:screening"))
        assert insert_count(queries) == 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The screening pages: the referral and the matches they show --------------------------------


@pytest.mark.parametrize("page", ["referrals:detail", "referrals:screen"])
def test_a_screening_page_records_one_read_naming_the_matches_it_shows(
    client, case, coordinator, partner, page
):
    case_services.team_add_user(
        case=case, user=coordinator, granted_by=case.owner, reason="Chairs the conference"
    )
    earlier = make_referral(
        referrer=partner, first_name="Ilias", last_name="Vermeulen", date_of_birth=BORN
    )
    referral = make_referral(
        referrer=partner, first_name="Ilias", last_name="Vermeulen", date_of_birth=BORN
    )
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse(page, args=[referral.pk])).content.decode()
    assert case.reference in body  # the match is shown, with its case
    assert insert_count(queries) == 1
    (read,) = reads(coordinator, "referral")
    assert read.object_pk == str(referral.pk)
    assert read.additional_data["read"] == (
        f"referral; persons {case.person.pk}; cases {case.pk}; earlier referrals {earlier.pk}"
    )


# --- Finding 6: a draft is its referrer's alone --------------------------------------------------


def test_the_information_officer_never_reads_a_draft_referral(client, info_officer, partner):
    draft = make_referral(referrer=partner, submit=False, first_name="Draftina")
    sent = make_referral(referrer=partner, first_name="Draftina", last_name=draft.last_name)
    client.force_login(info_officer)
    for page in ("referrals:detail", "referrals:screen", "referrals:edit", "referrals:answer"):
        assert client.get(reverse(page, args=[draft.pk])).status_code == 404, page
    for status in ("", "all", Referral.Status.DRAFT):
        body = client.get(reverse("referrals:screening"), {"status": status}).content.decode()
        assert draft.number not in body, status
    # Deconfliction on a sent referral about the same person does not show the draft either.
    body = client.get(reverse("referrals:detail", args=[sent.pk])).content.decode()
    assert draft.number not in body
    assert not LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, content_type__model="referral", object_pk=str(draft.pk)
    ).exists()
