from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Agency, Profile, Role
from cases.models import Action, Assessment, Case, ChronologyEntry, Escalation, Person, StatusChange
from demo import conferences as conferences_demo
from demo.city import USERS

DEMO_PASSWORD = "demo-password-for-tests"


def snapshot():
    User = get_user_model()
    return {
        "users": sorted(User.objects.values_list("username", "password", "is_staff")),
        "profiles": sorted(Profile.objects.values_list("user__username", "agency__name", "role")),
        "agencies": sorted(Agency.objects.values_list("name", "kind")),
        "groups": sorted(Group.objects.values_list("name", "user__username")),
        "audit_rows": LogEntry.objects.count(),
        "cases": sorted(Case.objects.values_list("reference", "status", "person__code")),
        "persons": Person.objects.count(),
        "entries": ChronologyEntry.objects.count(),
        "assessments": Assessment.objects.count(),
        "actions": Action.objects.count(),
        "escalations": Escalation.objects.count(),
        "status_changes": StatusChange.objects.count(),
    }


@pytest.fixture
def seeded(db, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("seed_demo", stdout=StringIO())


def test_it_makes_one_user_per_role_with_the_design_usernames(seeded):
    usernames = {username for username, *_ in USERS}
    assert usernames == {
        "social",
        "youth",
        "street",
        "police",
        "info",
        "coordinator",
        "mayor",
        "partner",
        "admin",
    }
    roles = set(Profile.objects.filter(user__username__in=usernames).values_list("role", flat=True))
    assert roles == set(Role.values)


def test_every_demo_user_signs_in_with_the_demo_password(seeded, client):
    for username, *_ in USERS:
        assert client.login(username=username, password=DEMO_PASSWORD), username


def test_running_it_twice_changes_nothing(seeded):
    before = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == before


def test_it_refuses_without_a_demo_password(db, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo")


def test_it_refuses_with_debug_off(db, monkeypatch, settings):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="social").exists()


@pytest.mark.clock
def test_the_demo_city_tells_the_same_story_at_any_hour(seeded):
    """DESIGN section 9, whatever the instant of seeding: cases in every status, meetings held
    in the past and one to come, releases both live and expired, actions both overdue and not
    yet due. (CI seeds it at every instant of tests/clock.py.)"""
    from conferences.models import Meeting
    from releases.models import Release

    now = timezone.now()
    today = timezone.localdate()
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    final = Meeting.objects.filter(status=Meeting.Status.FINAL)
    assert final.count() == 3
    assert not final.filter(starts_at__gte=now).exists()
    upcoming = Meeting.objects.exclude(status=Meeting.Status.FINAL).filter(starts_at__gt=now)
    assert upcoming.filter(series__name=conferences_demo.SERIES_NAME).exists()
    assert Release.objects.filter(revoked_at__isnull=True, expires_on__gte=today).exists()
    assert Release.objects.filter(expires_on__lt=today).exists()
    open_actions = Action.objects.filter(status=Action.Status.OPEN)
    assert open_actions.filter(due_date__lt=today).exists()
    assert open_actions.filter(due_date__gte=today).exists()
    assert not ChronologyEntry.objects.filter(occurred_at__gt=now).exists()


def test_the_upcoming_meeting_has_agency_checks_to_show_and_one_recusal(seeded):
    """Issue 17: the chair's checks page, the briefing and the live screen have answers to
    show (and one the police have not given), and the attendance page a recusal."""
    from conferences.models import AgencyCheck, Meeting, Recusal

    upcoming = Meeting.objects.get(
        series__name=conferences_demo.SERIES_NAME, status=Meeting.Status.PUBLISHED
    )
    answers = AgencyCheck.objects.filter(item__meeting=upcoming)
    assert {"social", "police"} == {
        check.answered_by.username for check in answers.select_related("answered_by")
    }
    assert answers.filter(answer=AgencyCheck.Answer.HELD).exclude(reason="").exists()
    assert answers.filter(answer=AgencyCheck.Answer.SHARED, entry__isnull=False).exists()
    recusal = Recusal.objects.get(item__meeting=upcoming)
    assert recusal.user.username == "police" and recusal.withdrawn_at is None


def test_every_demo_series_shares_under_the_protocol_in_force(seeded):
    from conferences.models import ConferenceSeries
    from demo.agreements import PROTOCOL

    series = list(ConferenceSeries.objects.select_related("agreement"))
    assert series and {s.agreement.title for s in series} == {PROTOCOL}
    assert all(s.agreement.is_in_force(timezone.localdate()) for s in series)
