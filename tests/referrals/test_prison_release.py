"""The prison-release protocol: tasks for the outreach worker and the case owner at the lead
times before the release, a referral to the prison outreach programme, the case proposed for the
last conference before the release, and daily reminders."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.models import Action, Case
from referrals import selectors, services
from referrals.models import OutboundReferral, PrisonRelease, PrisonReleaseTask
from tests.factories import AgencyFactory, make_case, make_user

pytestmark = pytest.mark.clock

T = PrisonReleaseTask.For


@pytest.fixture(autouse=True)
def lead_times(settings):
    settings.PRISON_RELEASE_LEAD_DAYS = [90, 30, 7]


@pytest.fixture
def prison(db):
    return AgencyFactory(name="Mechelen Prison")


@pytest.fixture
def case(social_worker):
    return make_case(owner=social_worker)


@pytest.fixture
def outreach(social_worker):
    """An outreach worker of the owner's agency: on the case team through it."""
    return make_user(role=Role.SOCIAL_WORKER, agency=social_worker.profile.agency)


def today():
    return timezone.localdate()


def start(case, user, outreach, prison, days=120, **overrides):
    fields = {
        "institution": "Mechelen prison",
        "expected_release_date": today() + timedelta(days=days),
        "conditions": "No contact with the victims; live at the supervised address.",
        "outreach_worker": outreach,
        "provider": prison,
        "person_details": "Wing B, cell 12",
        "request": "Two talks before release and a hand-over on the day.",
        "consent": OutboundReferral.Consent.GIVEN,
    }
    fields.update(overrides)
    return services.prison_release_start(case=case, user=user, **fields)


def test_it_makes_a_task_for_each_lead_time_for_the_outreach_worker_and_the_owner(
    case, social_worker, outreach, prison
):
    release = start(case, social_worker, outreach, prison, days=120)
    tasks = {
        (t.lead_days, t.for_whom): (t.action.owner, t.action.due_date)
        for t in release.tasks.select_related("action")
    }
    released = today() + timedelta(days=120)
    assert tasks == {
        (lead, whom): (owner, released - timedelta(days=lead))
        for lead in (90, 30, 7)
        for whom, owner in ((T.OUTREACH_WORKER, outreach), (T.CASE_OWNER, social_worker))
    }
    assert Action.objects.filter(case=case, status=Action.Status.OPEN).count() == 6


def test_the_lead_times_are_a_setting(settings, case, social_worker, outreach, prison):
    settings.PRISON_RELEASE_LEAD_DAYS = [60, 14]
    release = start(case, social_worker, outreach, prison)
    assert sorted({t.lead_days for t in release.tasks.all()}) == [14, 60]


def test_a_stage_already_reached_is_due_at_once(case, social_worker, outreach, prison):
    release = start(case, social_worker, outreach, prison, days=20)
    due = {t.lead_days: t.action.due_date for t in release.tasks.filter(for_whom=T.CASE_OWNER)}
    assert due == {90: today(), 30: today(), 7: today() + timedelta(days=13)}


def test_it_refers_the_person_to_the_prison_outreach_programme(
    case, social_worker, outreach, prison
):
    release = start(case, social_worker, outreach, prison)
    outbound = release.outbound_referral
    assert outbound.service == OutboundReferral.Service.PRISON_OUTREACH
    assert (outbound.provider, outbound.case, outbound.status) == (
        prison,
        case,
        OutboundReferral.Status.SENT,
    )


def test_an_outreach_worker_not_on_the_team_is_added_by_who_may_manage_it(
    case, social_worker, prison
):
    outsider = make_user(role=Role.SOCIAL_WORKER)
    start(case, social_worker, outsider, prison)  # the owner manages the team
    assert Case.objects.filter(pk=case.pk, caseuserobjectpermission__user=outsider).exists()


def test_a_team_member_who_may_not_manage_the_team_must_ask_first(case, social_worker, prison):
    colleague = make_user(role=Role.SOCIAL_WORKER, agency=social_worker.profile.agency)
    with pytest.raises(ValidationError) as error:
        start(case, colleague, make_user(role=Role.SOCIAL_WORKER), prison)
    assert "outreach_worker" in error.value.message_dict
    assert not PrisonRelease.objects.exists()


def test_the_outreach_worker_must_be_able_to_join_a_case_team(case, social_worker, prison):
    with pytest.raises(ValidationError) as error:
        start(case, social_worker, make_user(role=Role.YOUTH_WORKER), prison)
    assert "outreach_worker" in error.value.message_dict


def test_it_refuses_a_release_date_in_the_past_and_a_missing_prison(
    case, social_worker, outreach, prison
):
    with pytest.raises(ValidationError) as error:
        start(case, social_worker, outreach, prison, days=-1, institution=" ")
    assert set(error.value.message_dict) == {"expected_release_date", "institution"}
    assert not Action.objects.exists() and not OutboundReferral.objects.exists()


def test_a_case_follows_the_protocol_once(case, social_worker, outreach, prison):
    start(case, social_worker, outreach, prison)
    with pytest.raises(ValidationError, match="already"):
        start(case, social_worker, outreach, prison)


def test_someone_not_on_the_case_cannot_start_it(case, outreach, prison):
    with pytest.raises(PermissionDenied):
        start(case, make_user(role=Role.SOCIAL_WORKER), outreach, prison)


def test_a_new_release_date_moves_the_open_tasks_but_not_the_done_ones(
    case, social_worker, outreach, prison
):
    release = start(case, social_worker, outreach, prison, days=120)
    done = release.tasks.get(lead_days=90, for_whom=T.CASE_OWNER).action
    from cases import services as case_services

    case_services.action_update(action=done, user=social_worker, status=Action.Status.DONE)
    services.prison_release_update(
        release=release,
        user=social_worker,
        institution="Mechelen prison",
        expected_release_date=today() + timedelta(days=150),
        conditions="",
    )
    moved = release.tasks.get(lead_days=30, for_whom=T.OUTREACH_WORKER).action
    moved.refresh_from_db()
    done.refresh_from_db()
    assert moved.due_date == today() + timedelta(days=120)
    assert done.due_date == today() + timedelta(days=30)


def test_the_page_starts_and_shows_the_protocol(client, case, social_worker, outreach, prison):
    client.force_login(social_worker)
    url = reverse("referrals:prison_release", args=[case.reference])
    response = client.post(
        url,
        {
            "institution": "Mechelen prison",
            "expected_release_date": (today() + timedelta(days=100)).isoformat(),
            "conditions": "Supervised address",
            "outreach_worker": outreach.pk,
            "provider": prison.pk,
            "person_details": "Wing B",
            "request": "Two talks",
            "consent": OutboundReferral.Consent.GIVEN,
        },
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Mechelen prison" in body
    assert body.count("<tr><td>") == 6  # six tasks


def test_only_the_case_team_sees_the_protocol(client, case, social_worker, outreach, prison):
    start(case, social_worker, outreach, prison)
    client.force_login(make_user(role=Role.SOCIAL_WORKER))
    url = reverse("referrals:prison_release", args=[case.reference])
    assert client.get(url).status_code == 404
    assert client.get(reverse("referrals:prison_release_list")).status_code == 200
    assert (
        case.reference not in client.get(reverse("referrals:prison_release_list")).content.decode()
    )


# --- For the conferences app ----------------------------------------------------------------


def test_releases_between_two_dates_are_proposed_soonest_first(social_worker, outreach, prison):
    soon = make_case(owner=social_worker)
    later = make_case(owner=social_worker)
    far = make_case(owner=social_worker)
    start(soon, social_worker, outreach, prison, days=10)
    start(later, social_worker, outreach, prison, days=20)
    start(far, social_worker, outreach, prison, days=60)
    releases = selectors.prison_releases_between(start=today(), end=today() + timedelta(days=30))
    assert [r.case for r in releases] == [soon, later]


def test_a_closed_case_is_not_proposed(social_worker, outreach, prison):
    case = make_case(owner=social_worker)
    start(case, social_worker, outreach, prison, days=10)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    window = {"start": today(), "end": today() + timedelta(days=30)}
    assert not selectors.prison_releases_between(**window).exists()


def test_with_a_user_only_the_cases_they_see_are_returned(social_worker, outreach, prison):
    start(make_case(owner=social_worker), social_worker, outreach, prison, days=10)
    window = {"start": today(), "end": today() + timedelta(days=30)}
    assert selectors.prison_releases_between(**window, user=social_worker).count() == 1
    stranger = make_user(role=Role.SOCIAL_WORKER)
    assert selectors.prison_releases_between(**window, user=stranger).count() == 0


# --- Reminders ------------------------------------------------------------------------------


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the daily job as on a given day, with its e-mails sent."""

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return services.prison_release_reminders_send(today=day)

    return run


def test_the_daily_job_reminds_once_per_lead_time_reached(
    case, social_worker, outreach, prison, mailoutbox, remind
):
    release = start(case, social_worker, outreach, prison, days=40)
    assert remind(today()) == 0  # the 90-day stage was reached when the protocol started
    assert remind(today() + timedelta(days=10)) == 1  # 30 days left
    assert remind(today() + timedelta(days=10)) == 0  # the same day again
    assert remind(today() + timedelta(days=20)) == 0
    assert remind(today() + timedelta(days=33)) == 1  # 7 days left
    release.refresh_from_db()
    assert release.reminded_lead_days == 7
    assert sorted(m.to[0] for m in mailoutbox) == sorted([social_worker.email, outreach.email] * 2)


def test_no_reminder_after_the_release(case, social_worker, outreach, prison, remind):
    start(case, social_worker, outreach, prison, days=40)
    assert remind(today() + timedelta(days=41)) == 0


def test_a_reminder_is_content_free(case, social_worker, outreach, prison, mailoutbox, remind):
    start(case, social_worker, outreach, prison, days=40, institution="Mechelen prison")
    remind(today() + timedelta(days=10))
    assert mailoutbox
    for message in mailoutbox:
        text = message.subject + message.body
        for secret in (case.reference, case.person.first_name, case.person.last_name, "Mechelen"):
            assert secret not in text


def test_the_management_command_of_the_same_name_runs_the_job(
    case, social_worker, outreach, prison, mailoutbox, django_capture_on_commit_callbacks
):
    release = start(case, social_worker, outreach, prison, days=100)
    PrisonRelease.objects.filter(pk=release.pk).update(
        expected_release_date=today() + timedelta(days=25)
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notify_approaching_releases", stdout=out)
    assert "Reminded about 1 release(s)." in out.getvalue()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([social_worker.email, outreach.email])


def test_the_job_is_in_the_beat_schedule():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "referrals.tasks.notify_approaching_releases" in tasks


def test_the_list_of_upcoming_releases_is_searchable(client, social_worker, outreach, prison):
    first, second = make_case(owner=social_worker), make_case(owner=social_worker)
    start(first, social_worker, outreach, prison, institution="Mechelen prison")
    start(second, social_worker, outreach, prison, institution="Hasselt prison")
    client.force_login(social_worker)
    url = reverse("referrals:prison_release_list")
    body = client.get(url, {"q": "hasselt"}).content.decode()
    assert second.reference in body and first.reference not in body
    body = client.get(url, {"q": first.reference}).content.decode()
    assert first.reference in body and second.reference not in body
