from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from conferences import services
from conferences.models import ConferenceSeries
from tests.factories import make_user


@pytest.fixture
def series(coordinator, social_worker, police_officer):
    return services.series_create(
        user=coordinator,
        name="Bi-weekly case conference",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=coordinator,
        core_members=[social_worker, police_officer],
        default_location="Town hall, room 3",
    )


@pytest.fixture
def meeting(series):
    return series.meetings.get()


@pytest.fixture
def signed(meeting):
    """Sign the declaration for the given users."""

    def sign(*users):
        for user in users:
            services.declaration_sign(meeting=meeting, user=user)

    return sign


@pytest.fixture
def soon():
    return timezone.now() + timedelta(days=3)


@pytest.fixture
def other_social_worker(db):
    return make_user(role=Role.SOCIAL_WORKER)
