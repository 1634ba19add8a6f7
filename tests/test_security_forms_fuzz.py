"""The forms of this issue, fuzzed with hypothesis: no server error, nothing half-saved, and a
script payload comes back escaped."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy.models import CaseRestriction
from tests.factories import make_case, make_user

PAYLOAD = '<script>alert("x")</script>'
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=300,
)
anything = st.one_of(text, st.just(PAYLOAD), st.integers().map(str), st.just(""))
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def people(db):
    info = make_user(role="information_officer")
    owner = make_user(role="social_worker")
    return info, owner, make_case(owner=owner)


@FUZZ
@given(actor=anything, object_type=anything, object_id=anything, since=anything, until=anything)
def test_the_audit_filter_never_fails(client, people, actor, object_type, object_id, since, until):
    info, _owner, _case = people
    client.force_login(info)
    query = {
        "actor": actor,
        "object_type": object_type,
        "object_id": object_id,
        "since": since,
        "until": until,
    }
    assert client.get(reverse("audit:log"), query).status_code == 200
    assert client.get(reverse("audit:export"), query).status_code == 200


@FUZZ
@given(reason=anything)
def test_the_restriction_form_saves_whole_or_not_at_all_and_escapes(client, people, reason):
    info, _owner, case = people
    client.force_login(info)
    url = reverse("audit:restriction", args=[case.reference])
    before = CaseRestriction.objects.count()
    response = client.post(url, {"reason": reason})
    assert response.status_code in (200, 302)
    saved = CaseRestriction.objects.count() - before
    if response.status_code == 302:
        # Restricted or lifted: one row made or one row closed, never more.
        assert saved in (0, 1)
        page = client.get(url).content.decode()
        if reason.strip():
            assert PAYLOAD not in page
    else:
        assert saved == 0


@FUZZ
@given(token=anything)
def test_the_two_factor_forms_never_fail(client, people, token):
    _info, owner, _case = people
    client.force_login(owner)
    for name in ("two_factor:setup", "two_factor:verify"):
        response = client.post(reverse(name), {"token": token})
        assert response.status_code in (200, 302)
        assert PAYLOAD.encode() not in response.content
