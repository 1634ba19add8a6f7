"""The privacy lists are searchable as well as paginated: the certificates of destruction by the
case's or the list's reference, the legal holds by case reference or person code, the sharing
agreements by title or a party's name, the destruction lists by their reference or a case's on
them, a case's sharing decisions by what, with whom or why. A search finds only within what the
list shows its reader (the same selector), and says so when nothing matches."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Level
from cases import services as case_services
from privacy import retention, services
from privacy.models import DestructionList, DestructionListItem, DestructionRecord, SharingDecision
from privacy.views import PAGE_SIZE
from tests.factories import AgencyFactory, make_agreement, make_case, make_person

pytestmark = pytest.mark.django_db


def certificate(reference: str, list_reference: str) -> DestructionRecord:
    return DestructionRecord.objects.create(
        reference=reference,
        rule="Closed: risk removed, 5 years",
        closure_reason="risk_removed",
        opened_on=datetime.date(2019, 1, 10),
        list_reference=list_reference,
    )


def test_the_certificates_are_found_by_case_or_list_reference(client, coordinator):
    certificate("C-2019-0007", "DL-2026-01")
    certificate("C-2019-0042", "DL-2026-02")
    client.force_login(coordinator)
    url = reverse("retention:log")
    by_case = client.get(url, {"q": "0042"}).content.decode()
    assert "C-2019-0042" in by_case and "C-2019-0007" not in by_case
    by_list = client.get(url, {"q": "dl-2026-01"}).content.decode()
    assert "C-2019-0007" in by_list and "C-2019-0042" not in by_list
    nothing = client.get(url, {"q": "C-2031"}).content.decode()
    assert "No certificate matches your search." in nothing
    assert "C-2019" not in nothing


def test_the_legal_holds_are_found_by_case_reference_or_person_code(client, info_officer):
    case = make_case()
    person = make_person()
    retention.legal_hold_place(user=info_officer, reason="Court order", reference=case.reference)
    retention.legal_hold_place(user=info_officer, reason="Inquiry", person_code=person.code)
    client.force_login(info_officer)
    url = reverse("retention:holds")
    by_case = client.get(url, {"q": case.reference}).content.decode()
    assert "Court order" in by_case and "Inquiry" not in by_case
    by_person = client.get(url, {"q": person.code}).content.decode()
    assert "Inquiry" in by_person and "Court order" not in by_person
    assert "No legal hold matches your search." in client.get(url, {"q": "zzz"}).content.decode()


def test_the_agreements_are_found_by_title_or_a_partys_name(client, social_worker):
    school = AgencyFactory(name="Athenaeum Noord")
    make_agreement(title="Protocol with the schools", parties=[school])
    make_agreement(title="Prison release covenant")
    client.force_login(social_worker)
    url = reverse("agreements:list")
    by_title = client.get(url, {"q": "covenant"}).content.decode()
    assert "Prison release covenant" in by_title and "Protocol with the schools" not in by_title
    by_party = client.get(url, {"q": "athenaeum"}).content.decode()
    assert "Protocol with the schools" in by_party and "Prison release covenant" not in by_party
    assert "No agreement matches your search." in client.get(url, {"q": "zzz"}).content.decode()


def test_a_search_does_not_open_a_list_to_those_it_is_closed_to(client, social_worker):
    certificate("C-2019-0007", "DL-2026-01")
    client.force_login(social_worker)
    assert client.get(reverse("retention:log"), {"q": "C-2019"}).status_code == 404
    assert client.get(reverse("retention:holds"), {"q": "C-2019"}).status_code == 404


def test_the_next_page_of_a_search_keeps_the_search(client, coordinator):
    for n in range(PAGE_SIZE + 1):
        certificate(f"C-2019-{n:04d}", "DL-2026-01")
    client.force_login(coordinator)
    page = client.get(reverse("retention:log"), {"q": "DL-2026"}).content.decode()
    assert "?q=DL-2026&amp;page=2" in page


def test_the_destruction_lists_are_found_by_their_reference_or_a_case_on_them(client, coordinator):
    on_the_list = make_case()
    first = DestructionList.objects.create(reference="DL-2026-03")
    DestructionListItem.objects.create(destruction_list=first, case=on_the_list, rule="5 years")
    DestructionList.objects.create(reference="DL-2026-04")
    client.force_login(coordinator)
    url = reverse("retention:lists")
    by_list = client.get(url, {"q": "2026-04"}).content.decode()
    assert "DL-2026-04" in by_list and "DL-2026-03" not in by_list
    by_case = client.get(url, {"q": on_the_list.reference}).content.decode()
    assert "DL-2026-03" in by_case and "DL-2026-04" not in by_case
    nothing = client.get(url, {"q": "DL-2031"}).content.decode()
    assert "No destruction list matches your search." in nothing


def test_the_sharing_log_is_searched_within_the_decisions_its_reader_may_read(
    client, social_worker, police_officer
):
    case = make_case(owner=social_worker)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="team"
    )
    decision = {
        "case": case,
        "kind": SharingDecision.Kind.NOT_SHARED,
        "information": "File",
        "level": Level.L2,
    }
    services.sharing_decision_record(
        user=social_worker, recipient="The school", reason="Parents object", **decision
    )
    services.sharing_decision_record(
        user=social_worker, recipient="The youth club", reason="Not needed", **decision
    )
    # The police's own decision at L4 holds the word too; the social worker may not read it.
    services.sharing_decision_record(
        user=police_officer,
        recipient="The school's director",
        reason="Source protection",
        **{**decision, "kind": SharingDecision.Kind.SECRECY, "level": Level.L4},
    )
    url = reverse("sharing:log", args=[case.reference])
    client.force_login(social_worker)
    found = client.get(url, {"q": "school"}).content.decode()
    assert "Parents object" in found
    assert "Not needed" not in found and "Source protection" not in found
    assert "Not needed" in client.get(url, {"q": "NEEDED"}).content.decode()
    nothing = client.get(url, {"q": "director"}).content.decode()
    assert "No decision matches your search." in nothing and "Source protection" not in nothing
    client.force_login(police_officer)
    assert "Source protection" in client.get(url, {"q": "director"}).content.decode()


def test_a_partys_name_is_found_in_any_language(client, social_worker):
    # Shown to a Dutch reader in English (it has no Dutch name), or known by its French name.
    english_only = AgencyFactory(name="Harbour Youth Club")
    bilingual = AgencyFactory(name="Prison of Haren")
    bilingual.name_fr = "Prison de Haren"
    bilingual.save()
    make_agreement(title="Club protocol", parties=[english_only])
    make_agreement(title="Release covenant", parties=[bilingual])
    client.force_login(social_worker)
    url = reverse("agreements:list")
    dutch = client.get(url, {"q": "harbour"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert 'lang="nl"' in dutch.content.decode()
    # (The standing agreement of the tests has every agency as a party.)
    found = {a.title for a in dutch.context["page"]}
    assert "Club protocol" in found and "Release covenant" not in found
    found = {a.title for a in client.get(url, {"q": "prison de"}).context["page"]}
    assert "Release covenant" in found and "Club protocol" not in found
