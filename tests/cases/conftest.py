from collections import deque
from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case
from tests.factories import make_case


@pytest.fixture
def case(social_worker):
    """A case in intake, owned (and opened) by the `social_worker` fixture."""
    return make_case(owner=social_worker)


def join(case: Case, *users) -> None:
    """Put users on the case team, as the owner would on the team page."""
    for user in users:
        services.team_add_user(case=case, user=user, granted_by=case.owner, reason="Joins")


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a throw-away folder; the test can look at what was written."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def path_to(status: str) -> list[str]:
    """The shortest chain of allowed moves from intake to `status`."""
    start = Case.Status.INTAKE
    previous = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for following in sorted(services.ALLOWED_TRANSITIONS[current]):
            if following not in previous:
                previous[following] = current
                queue.append(following)
    if status not in previous:
        raise AssertionError(f"{status} cannot be reached from intake")
    chain = []
    while status != start:
        chain.append(status)
        status = previous[status]
    return chain[::-1]


@pytest.fixture
def move_case():
    """Walk a case through allowed moves until it is in the given status."""

    def move(case: Case, status: str, *, user=None) -> Case:
        user = user or case.owner
        for step in path_to(status):
            case = services.case_change_status(
                case=case,
                user=user,
                to_status=step,
                reason=f"Moving on to {step}",
                expected_version=case.version,
                next_review_date=timezone.localdate() + timedelta(days=14),
                closure_reason=Case.ClosureReason.RISK_REDUCED,
            )
        assert case.status == status
        return case

    return move
