"""The visible-case filter on a few thousand cases: a fixed number of queries, all in SQL."""

import re

from django.contrib.auth.models import Permission
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from cases import selectors
from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Person
from tests.factories import make_user

CASES = 3000
USER_GRANTS = 300
AGENCY_GRANTS = 50


def build(owner) -> None:
    persons = Person.objects.bulk_create(
        Person(code=f"SC-{i:05d}", first_name="P", last_name=str(i)) for i in range(CASES)
    )
    cases = Case.objects.bulk_create(
        Case(
            reference=f"MSC-1990-{i:05d}",
            person=p,
            lead_agency_id=owner.profile.agency_id,
            owner=owner,
            opened_by=owner,
            legal_basis="livc_law",
        )
        for i, p in enumerate(persons)
    )
    view = Permission.objects.get(codename="view_case")
    CaseUserObjectPermission.objects.bulk_create(
        CaseUserObjectPermission(user=owner, permission=view, content_object=c)
        for c in cases[:USER_GRANTS]
    )
    CaseGroupObjectPermission.objects.bulk_create(
        CaseGroupObjectPermission(
            group=owner.profile.agency.group, permission=view, content_object=c
        )
        for c in cases[-AGENCY_GRANTS:]
    )


def test_a_page_of_visible_cases_takes_a_fixed_number_of_queries(db):
    user = make_user(role=Role.SOCIAL_WORKER)
    build(user)
    cases = selectors.case_list(user=user)
    with CaptureQueriesContext(connection) as queries:
        page = Paginator(cases, 25).get_page(3)
        rows = list(page.object_list)
        _ = [list(c.categories.all()) for c in rows]
        _ = [(c.person.code, c.owner.username, c.lead_agency.name) for c in rows]
    assert page.paginator.count == USER_GRANTS + AGENCY_GRANTS
    assert len(rows) == 25
    # count, the page itself, the categories of the page: nothing per row.
    assert len(queries) == 3, [q["sql"][:120] for q in queries]
    page_sql = queries[1]["sql"].upper()
    assert "EXISTS" in page_sql
    # The grants are joined in SQL, never sent as a list of ids.
    assert not re.search(r"IN \((\d+, ){20,}", page_sql)


def test_the_deep_page_takes_the_same_number_of_queries(db):
    user = make_user(role=Role.SOCIAL_WORKER)
    build(user)
    cases = selectors.case_list(user=user)
    with CaptureQueriesContext(connection) as queries:
        page = Paginator(cases, 25).get_page(14)
        rows = list(page.object_list)
        _ = [list(c.categories.all()) for c in rows]
    assert len(rows) == 25
    assert len(queries) == 3
