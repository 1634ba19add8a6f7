"""People first: every page that lists or heads a case leads with the person, as far as the
reader may see them ("Zoltanius Q. · ZQ-0042"), down to the code's initials ("Z. Q. · ZQ-0042")
for a reader who may not read identities; never the name to them."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, Role
from cases import services
from cases.people import person_label
from conferences import services as conference_services
from conferences.models import ConferenceSeries
from tests.factories import make_case, make_person, make_user, set_meeting_status

pytestmark = pytest.mark.clock

FIRST, LAST = "Zoltanius", "Quarrington"


def _person(**names):
    return SimpleNamespace(**{"first_name": FIRST, "last_name": LAST, "code": "ZQ-0042", **names})


def test_a_reader_with_identity_sees_first_name_and_last_initial():
    assert str(person_label(_person(), identity=True)) == "Zoltanius Q. · ZQ-0042"


def test_a_reader_without_identity_sees_the_codes_initials():
    label = person_label(_person(), identity=False)
    assert str(label) == "Z. Q. · ZQ-0042"
    assert not label.identified


def test_a_code_without_initials_is_shown_alone():
    anonymised = _person(first_name="", last_name="", code="ANON-000042")
    assert str(person_label(anonymised, identity=True)) == "ANON-000042"
    assert str(person_label(anonymised, identity=False)) == "ANON-000042"


def _limited(user):
    user.profile.clearance = Level.L1
    user.profile.save()
    return user


@pytest.fixture
def world(db):
    owner = make_user(role=Role.SOCIAL_WORKER)
    agency = owner.profile.agency
    chair = make_user(role=Role.COORDINATOR, agency=agency)
    # On the case team, cleared for the case's existence only: no identities.
    police = _limited(make_user(role=Role.POLICE))
    limited_chair = _limited(make_user(role=Role.COORDINATOR, agency=agency))
    case = make_case(owner=owner, person=make_person(first_name=FIRST, last_name=LAST))
    services.team_add_user(case=case, user=police, granted_by=owner, reason="team")
    series = conference_services.series_create(
        user=chair,
        name="Case conference",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=chair,
        core_members=[owner, police, limited_chair],
    )
    meeting = series.meetings.get()
    for user in (owner, police, chair, limited_chair):
        conference_services.declaration_sign(meeting=meeting, user=user)
    item = conference_services.agenda_add_case(meeting=meeting, user=chair, case=case)
    set_meeting_status(meeting, "open")
    conference_services.minute_record(
        item=item, user=chair, decision="continue", level=Level.L1, discussion="Seen."
    )
    return SimpleNamespace(
        owner=owner,
        chair=chair,
        police=police,
        limited_chair=limited_chair,
        case=case,
        meeting=meeting,
        named=f"{FIRST} Q. · {case.person.code}",
        initials=f"Z. Q. · {case.person.code}",
    )


def _pages(world, *, chair: bool) -> dict[str, str]:
    pages = {
        "case list": reverse("cases:list"),
        "case search": reverse("cases:list") + f"?q={world.case.person.code}",
        "case page": reverse("cases:detail", args=[world.case.reference]),
        "agenda": reverse("conferences:meeting", args=[world.meeting.pk]),
        "minutes": reverse("conferences:minutes", args=[world.meeting.pk]),
        "referrals to services": reverse("referrals:outbound_case", args=[world.case.reference]),
        "prison release": reverse("referrals:prison_release", args=[world.case.reference]),
        "sharing decisions": reverse("sharing:log", args=[world.case.reference]),
    }
    if chair:
        pages["agenda preparation"] = reverse("conferences:agenda", args=[world.meeting.pk])
        pages["who has seen it"] = reverse("audit:case_reads", args=[world.case.reference])
    else:
        pages["home"] = reverse("home")
    return pages


def _person_leads(body: str, world) -> bool:
    """The person leads; the reference follows as secondary text (a cell or caption of its
    own, or after the person in a caption)."""
    main, reference = body.index("<main"), world.case.reference
    shown = [body.find(at, main) for at in (f">{reference}<", f" · {reference}<")]
    return 0 <= body.find(world.named, main) < min(i for i in shown if i >= 0)


@pytest.mark.parametrize("reader", ["police", "limited_chair"])
def test_a_reader_without_identity_rights_never_sees_the_name(client, world, reader):
    client.force_login(getattr(world, reader))
    for page, url in _pages(world, chair=reader == "limited_chair").items():
        body = client.get(url).content.decode()
        assert FIRST not in body and LAST not in body, page
        assert world.initials in body, page
        assert world.case.reference in body, page


@pytest.mark.parametrize("reader", ["owner", "chair"])
def test_a_reader_with_identity_rights_sees_the_person_first(client, world, reader):
    client.force_login(getattr(world, reader))
    for page, url in _pages(world, chair=reader == "chair").items():
        body = client.get(url).content.decode()
        assert world.named in body, page
        assert _person_leads(body, world), page


def test_the_case_page_is_headed_by_the_person_and_the_reference(client, world):
    client.force_login(world.owner)
    body = client.get(world.case.get_absolute_url()).content.decode()
    assert f'<h1 class="govuk-heading-l">{world.named}' in body
    assert f'<p class="govuk-caption-l">{world.case.reference}</p>' in body
    assert f"<title>{world.named} · {world.case.reference}" in body


def test_the_information_officers_releases_and_restriction_page_lead_with_the_person(
    client, world, info_officer, django_capture_on_commit_callbacks
):
    from releases import services as release_services

    youth = make_user(role=Role.YOUTH_WORKER)
    with django_capture_on_commit_callbacks(execute=True):
        release = release_services.release_create(
            case=world.case,
            author=info_officer,
            title="For outreach",
            summary="Meet him at the youth centre.",
            purpose="outreach",
            legal_basis="LIVC law",
            expires_on=timezone.localdate() + timedelta(days=30),
            recipient_users=[youth],
        )
    client.force_login(info_officer)
    restriction = reverse("audit:restriction", args=[world.case.reference])
    for url in (reverse("releases:manage"), release.get_absolute_url(), restriction):
        body = client.get(url).content.decode()
        assert _person_leads(body, world), url
    # The recipient reads the release, never which case it is about.
    client.force_login(youth)
    body = client.get(release.get_absolute_url()).content.decode()
    assert world.case.reference not in body and FIRST not in body


def test_the_owners_edit_and_team_pages_lead_with_the_person(client, world):
    client.force_login(world.owner)
    for name in ("cases:edit", "cases:team"):
        body = client.get(reverse(name, args=[world.case.reference])).content.decode()
        assert (
            f'<span class="govuk-caption-l">{world.named} · {world.case.reference}</span>' in body
        )
        assert (
            f"<title>{'Edit case' if name == 'cases:edit' else 'Case team'} · {world.named}" in body
        )
