"""What the case doors answer to a path no case can have: 404, never a server error."""

import pytest
from django.http import Http404
from django.urls import reverse

from access import doors

ENORMOUS = 2**64  # beyond the database's 64-bit integers


def test_a_reference_with_a_nul_byte_is_no_case(client, case):
    client.force_login(case.owner)
    # A bad request before any view (core.middleware.RequestSanityMiddleware); the door
    # itself also answers 404 for a NUL byte, whoever calls it.
    assert client.get(f"/cases/{case.reference}%00/").status_code == 400
    with pytest.raises(Http404):
        doors.access_case(case.owner, f"{case.reference}\x00")


@pytest.mark.parametrize(
    ("name", "id_name"),
    [
        ("entry_correct", "entry_id"),
        ("attachment", "attachment_id"),
        ("action_update", "action_id"),
        ("escalation_decide", "escalation_id"),
    ],
)
def test_an_id_beyond_the_database_integers_is_no_object(client, case, name, id_name):
    client.force_login(case.owner)
    url = reverse(f"cases:{name}", kwargs={"reference": case.reference, id_name: ENORMOUS})
    assert client.get(url).status_code == 404
