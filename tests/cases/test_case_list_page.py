from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import selectors, services
from cases.models import Case, ConcernCategory
from tests.factories import make_case, make_person, make_user


def test_it_lists_only_the_cases_the_user_is_on(client, social_worker):
    mine = make_case(owner=social_worker)
    other = make_case()
    client.force_login(social_worker)
    body = client.get(reverse("cases:list")).content.decode()
    assert mine.reference in body
    assert other.reference not in body


def test_it_searches_by_reference_and_code(client, social_worker):
    first = make_case(owner=social_worker)
    second = make_case(owner=social_worker)
    client.force_login(social_worker)
    for term in (first.reference, first.person.code.lower()):
        body = client.get(reverse("cases:list"), {"q": term}).content.decode()
        assert first.reference in body
        assert second.reference not in body


def test_it_searches_by_name_for_those_who_may_read_names(client, social_worker):
    case = make_case(owner=social_worker, person=make_person(first_name="Ayoub", last_name="Z"))
    make_case(owner=social_worker)
    client.force_login(social_worker)
    response = client.get(reverse("cases:list"), {"q": "ayoub"})
    assert case.reference in response.content.decode()
    assert response.context["page"].paginator.count == 1


def test_a_name_search_does_not_reach_cases_outside_the_team(client, social_worker):
    make_case(person=make_person(first_name="Hidden"))
    client.force_login(social_worker)
    response = client.get(reverse("cases:list"), {"q": "Hidden"})
    assert response.context["page"].paginator.count == 0


def test_it_filters_by_status_category_risk_owner_agency_and_overdue(client, social_worker):
    islamist = ConcernCategory.objects.get(name="Islamist")
    target = make_case(owner=social_worker, risk_level=Case.RiskLevel.HIGH, categories=[islamist])
    make_case(owner=social_worker)
    services.action_add(
        case=target,
        created_by=social_worker,
        description="Call the school",
        owner=social_worker,
        due_date=timezone.localdate() - timedelta(days=2),
    )
    client.force_login(social_worker)
    for params in (
        {"status": Case.Status.INTAKE, "risk_level": Case.RiskLevel.HIGH},
        {"category": islamist.pk},
        {"overdue": "on"},
        {
            "owner": social_worker.username[2:],
            "agency": social_worker.profile.agency.name[1:-1].upper(),
            "risk_level": "high",
        },
    ):
        page = client.get(reverse("cases:list"), params).context["page"]
        assert [c.reference for c in page.object_list] == [target.reference], params


def test_it_paginates(client, social_worker):
    for _ in range(27):
        make_case(owner=social_worker)
    client.force_login(social_worker)
    first = client.get(reverse("cases:list")).context["page"]
    second = client.get(reverse("cases:list"), {"page": 2}).context["page"]
    assert (len(first.object_list), len(second.object_list)) == (25, 2)
    assert {c.pk for c in first.object_list}.isdisjoint({c.pk for c in second.object_list})


def test_its_query_count_does_not_grow_with_the_number_of_cases(
    client, social_worker, django_assert_num_queries
):
    make_case(owner=social_worker)
    client.force_login(social_worker)
    client.get(reverse("cases:list"))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:list"))
    for _ in range(20):
        make_case(owner=social_worker)
    with django_assert_num_queries(len(few)):
        client.get(reverse("cases:list"))


def test_only_case_workers_reach_the_list(client, db):
    for role in Role.values:
        client.force_login(make_user(role=role))
        expected = (
            200
            if role in {"social_worker", "police", "coordinator", "information_officer"}
            else 404
        )
        assert client.get(reverse("cases:list")).status_code == expected, role


def test_the_owner_filter_finds_cases_by_any_part_of_the_owners_name(
    client, make_user, info_officer
):
    zoe = make_user(role="social_worker", first_name="Zoë", last_name="Peeters")
    other = make_user(role="social_worker", first_name="Jan", last_name="Claes")
    hers = make_case(owner=zoe)
    make_case(owner=other)
    client.force_login(info_officer)  # sees every case
    for term, expected in (("peet", [hers]), ("Zoë Pee", [hers]), ("Zoë Claes", []), ("", None)):
        page = client.get(reverse("cases:list"), {"owner": term}).context["page"]
        found = [c.reference for c in page.object_list]
        if expected is None:
            assert len(found) >= 2
        else:
            assert found == [c.reference for c in expected], term


def test_the_newest_cases_are_the_users_own_newest_with_their_overdue_flag(social_worker):
    """cases.selectors.newest_cases (a home's panel): chosen among the visible cases first."""
    mine = [make_case(owner=social_worker) for _ in range(3)]
    make_case()  # newer, another team's: never in the panel
    Case.objects.filter(pk=mine[0].pk).update(opened_at=timezone.now() + timedelta(days=1))
    services.action_add(
        case=mine[1],
        created_by=social_worker,
        description="Call the school",
        owner=social_worker,
        due_date=timezone.localdate() - timedelta(days=2),
    )
    rows = list(selectors.newest_cases(user=social_worker, limit=2))
    assert [c.pk for c in rows] == [mine[0].pk, mine[2].pk]
    assert [c.has_overdue_actions for c in rows] == [False, False]
    flagged = {
        c.pk: c.has_overdue_actions for c in selectors.newest_cases(user=social_worker, limit=5)
    }
    assert flagged == {mine[0].pk: False, mine[1].pk: True, mine[2].pk: False}


def _fold(body: str) -> str:
    """The case list's "More filters" fold, from its opening tag to its end."""
    start = body.index('<details class="govuk-details filters"')
    return body[start : body.index("</details>", start)]


def test_the_filters_beyond_the_search_box_fold_away_until_one_is_used(client, social_worker):
    client.force_login(social_worker)
    body = client.get(reverse("cases:list")).content.decode()
    fold = _fold(body)
    # The search box stays in view; the other filters wait behind "More filters", closed.
    assert 'name="q"' not in fold and 'name="q"' in body
    assert 'name="status"' in fold and 'name="overdue"' in fold
    assert fold.startswith('<details class="govuk-details filters">')
    assert ">More filters<" in fold

    # A filter in use opens it and says how many are.
    fold = _fold(
        client.get(reverse("cases:list"), {"overdue": "on", "risk_level": "high"}).content.decode()
    )
    assert fold.startswith('<details class="govuk-details filters" open>')
    assert "More filters (2 in use)" in fold
    # A filter refused opens it too, with its error in view.
    fold = _fold(client.get(reverse("cases:list"), {"new_within": "many"}).content.decode())
    assert fold.startswith('<details class="govuk-details filters" open>')
    assert "govuk-error-message" in fold


def test_a_short_search_form_shows_all_its_fields(client, coordinator):
    client.force_login(coordinator)
    body = client.get(reverse("referrals:screening")).content.decode()
    assert 'name="overdue"' in body and "govuk-details filters" not in body
