"""A case's concerns read with the case (cases.models.concern_names): the same names, in the
reader's language, as asking the case's categories would give, with no query of their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from access import doors
from cases.models import ConcernCategory
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_the_door_brings_the_concerns_in_the_readers_language(social_worker):
    named = ConcernCategory.objects.create(name_en="Zeta concern", name_nl="Alfa zorg")
    untranslated = ConcernCategory.objects.create(name_en="Beta concern", name_nl="")
    case = make_case(owner=social_worker, categories=[named, untranslated])
    bare = make_case(owner=social_worker)
    for language in ("en", "nl", "fr"):
        with translation.override(language):
            asked = sorted(str(c) for c in case.categories.all())
            opened = doors.access_case(social_worker, case.reference, audit=False)
            with CaptureQueriesContext(connection) as queries:
                assert opened.concerns() == asked
            assert len(queries) == 0
            empty = doors.access_case(social_worker, bare.reference, audit=False)
            assert empty.concerns() == []
    with translation.override("nl"):
        assert doors.access_case(social_worker, case.reference, audit=False).concerns() == [
            "Alfa zorg",
            "Beta concern",  # no Dutch name: the English one, as the field falls back
        ]
