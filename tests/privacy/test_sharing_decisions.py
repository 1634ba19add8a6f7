"""The sharing-decision log (issue 18, part 2): every decision to share or not to share on a
case, with its gateway and/or agreement and its reason. Read as a case item (the case team
within its clearance, and the information officer); recorded by a case worker who may write to
the case, a disclosure to a third party outside the conference only by the information officer
or the coordinator; releases, outbound referrals and "held but not shared" agency checks write
their own entry in their transaction."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from access import policy
from accounts import security
from accounts.models import Level, Role
from cases import services as case_services
from cases.models import Case
from conferences import services as conference_services
from conferences.models import AgencyCheck, ConferenceSeries, Meeting
from privacy import retention, selectors, services, subject_rights
from privacy.models import LegalGateway, SharingDecision
from referrals import services as referral_services
from referrals.models import OutboundReferral
from releases import services as release_services
from tests.factories import AgencyFactory, make_agreement, make_case, make_user

pytestmark = pytest.mark.clock

SD = SharingDecision.Kind
REASON = "The school asked for his file; the parents object: CANARY-NOT-SHARED-4410"


@pytest.fixture
def case(social_worker, police_officer):
    case = make_case(owner=social_worker)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="team"
    )
    return case


@pytest.fixture
def gateway(db):
    return LegalGateway.objects.get(name="Criminal Code art. 458ter")


def not_shared(case, user, **overrides):
    fields = {
        "user": user,
        "case": case,
        "kind": SD.NOT_SHARED,
        "information": "His school file",
        "recipient": "The school",
        "reason": REASON,
        "level": Level.L2,
    }
    fields.update(overrides)
    return services.sharing_decision_record(**fields)


def readable_by(user):
    return set(SharingDecision.objects.filter(policy.sharing_decision_filter(user)))


def test_a_not_shared_decision_is_read_by_the_case_team_and_nobody_else(
    case, social_worker, police_officer, info_officer
):
    decision = not_shared(case, social_worker)
    assert (decision.kind, decision.reason, decision.agency) == (
        SD.NOT_SHARED,
        REASON,
        social_worker.profile.agency,
    )
    # The owner's agency is on the team: a colleague and the coordinator there read it.
    colleague_coordinator = make_user(role=Role.COORDINATOR, agency=social_worker.profile.agency)
    for reader in (social_worker, police_officer, info_officer, colleague_coordinator):
        assert readable_by(reader) == {decision}, reader
    outsiders = [make_user(role=role) for role in Role.values if role != Role.INFORMATION_OFFICER]
    for outsider in outsiders:
        assert readable_by(outsider) == set(), outsider


def test_a_police_decision_at_l4_stays_with_its_agency_and_the_information_officer(
    case, social_worker, police_officer, info_officer
):
    decision = not_shared(case, police_officer, kind=SD.SECRECY, level=Level.L4)
    assert readable_by(police_officer) == readable_by(info_officer) == {decision}
    assert readable_by(social_worker) == set()
    other_zone = make_user(role=Role.POLICE)
    case_services.team_add_user(case=case, user=other_zone, granted_by=social_worker, reason="t")
    assert readable_by(other_zone) == set()


def test_a_level_above_the_writers_clearance_is_refused(case, social_worker):
    with pytest.raises(ValidationError) as refused:
        not_shared(case, social_worker, level=Level.L4)
    assert "level" in refused.value.message_dict
    assert not SharingDecision.objects.exists()


def test_a_decision_needs_what_and_why(case, social_worker):
    with pytest.raises(ValidationError) as refused:
        not_shared(case, social_worker, information=" ", reason="")
    assert {"information", "reason"} <= set(refused.value.message_dict)
    assert not SharingDecision.objects.exists()


def test_a_decision_to_share_names_its_recipient_and_rests_on_a_gateway_or_agreement(
    case, social_worker, gateway
):
    with pytest.raises(ValidationError) as refused:
        not_shared(case, social_worker, kind=SD.SHARED, recipient="")
    assert {"recipient", "gateway"} <= set(refused.value.message_dict)
    shared = not_shared(case, social_worker, kind=SD.SHARED, gateway=gateway)
    assert shared.gateway == gateway


def test_nothing_is_shared_under_an_agreement_no_longer_in_force(case, social_worker):
    today = timezone.localdate()
    ended = make_agreement(
        parties=[social_worker.profile.agency, AgencyFactory()],
        starts_on=today - timedelta(days=100),
        ends_on=today - timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        not_shared(case, social_worker, kind=SD.SHARED, agreement=ended)
    assert "agreement" in refused.value.message_dict
    # A decision not to share may still name it (the agreement the request came under).
    assert not_shared(case, social_worker, agreement=ended).agreement == ended


def test_only_the_information_officer_or_the_coordinator_records_a_third_party_disclosure(
    case, social_worker, police_officer, info_officer, gateway
):
    coordinator = make_user(role=Role.COORDINATOR, agency=social_worker.profile.agency)
    third_party = {"kind": SD.THIRD_PARTY, "recipient": "The public prosecutor"}
    for refused in (social_worker, police_officer):
        with pytest.raises(PermissionDenied):
            not_shared(case, refused, gateway=gateway, **third_party)
    assert not SharingDecision.objects.exists()
    # Outside the conference's agreements: its gateway is named, always.
    with pytest.raises(ValidationError) as no_gateway:
        not_shared(case, coordinator, **third_party)
    assert "gateway" in no_gateway.value.message_dict
    for recorder in (coordinator, info_officer):
        assert not_shared(case, recorder, gateway=gateway, **third_party).kind == SD.THIRD_PARTY


def test_nobody_records_on_a_case_they_do_not_see_or_whose_processing_is_restricted(
    case, social_worker, info_officer
):
    outsider = make_user(role=Role.SOCIAL_WORKER)
    for role in (Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            not_shared(case, make_user(role=role))
    with pytest.raises(PermissionDenied):
        not_shared(case, outsider)
    subject_rights.case_restrict(case=case, user=info_officer, reason="GDPR art. 18")
    for user in (social_worker, info_officer):
        with pytest.raises(PermissionDenied):
            not_shared(case, user)
    assert not SharingDecision.objects.exists()


def test_a_recorded_decision_is_in_the_audit_log(case, social_worker):
    decision = not_shared(case, social_worker)
    assert LogEntry.objects.get_for_object(decision).filter(action=LogEntry.Action.CREATE)


# --- Disclosures log themselves ------------------------------------------------------------------


def make_release(case, author, recipients):
    return release_services.release_create(
        case=case,
        author=author,
        title="For outreach",
        summary="Meet him at the youth centre.",
        purpose="To plan outreach after his release",
        legal_basis="LIVC law",
        expires_on=timezone.localdate() + timedelta(days=30),
        recipient_users=recipients,
    )


def test_a_release_logs_its_decision_to_share_with_its_agreement(
    case, info_officer, youth_worker, social_worker
):
    release = make_release(case, info_officer, [youth_worker])
    decision = SharingDecision.objects.get()
    assert (decision.kind, decision.release, decision.agreement, decision.reason) == (
        SD.SHARED,
        release,
        release.agreement,
        "To plan outreach after his release",
    )
    assert (decision.level, decision.agency) == (Level.L2, info_officer.profile.agency)
    # The team reads that it was shared, to whom and why, never the summary.
    assert readable_by(social_worker) == {decision}
    revised = release_services.release_revise(
        release=release,
        author=info_officer,
        title="For outreach",
        summary="Meet him on Wednesdays.",
        purpose="Outreach, new days",
        legal_basis="LIVC law",
        expires_on=timezone.localdate() + timedelta(days=30),
        recipient_users=[youth_worker],
    )
    assert SharingDecision.objects.filter(release=revised).count() == 1


def test_revoking_a_release_logs_that_it_is_no_longer_shared(
    case, info_officer, youth_worker, social_worker
):
    release = make_release(case, info_officer, [youth_worker])
    # Refused (no reason; not the information officer): nothing more is logged.
    with pytest.raises(ValidationError):
        release_services.release_revoke(release=release, user=info_officer, reason=" ")
    with pytest.raises(PermissionDenied):
        release_services.release_revoke(release=release, user=social_worker, reason="Wrong")
    assert SharingDecision.objects.count() == 1
    release_services.release_revoke(
        release=release, user=info_officer, reason="He moved away: CANARY-REVOKED-1182"
    )
    revoked = SharingDecision.objects.get(kind=SD.REVOKED)
    assert (revoked.release, revoked.agreement, revoked.reason, revoked.decided_by) == (
        release,
        release.agreement,
        "He moved away: CANARY-REVOKED-1182",
        info_officer,
    )
    assert (revoked.level, revoked.agency) == (Level.L2, info_officer.profile.agency)
    # The team reads both: shared, then no longer shared.
    assert {d.kind for d in readable_by(social_worker)} == {SD.SHARED, SD.REVOKED}


def test_a_refused_release_logs_nothing(case, info_officer):
    outside = make_user(role=Role.PARTNER, agency=AgencyFactory(party=False))
    with pytest.raises(ValidationError):
        make_release(case, info_officer, [outside])
    assert not SharingDecision.objects.exists()


def test_an_outbound_referral_logs_its_decision_to_share(case, social_worker, partner):
    outbound = referral_services.outbound_send(
        case=case,
        user=social_worker,
        service=OutboundReferral.Service.MENTAL_HEALTH,
        provider=partner.profile.agency,
        person_details="The young man the school called about",
        request="An intake, please.",
        consent=OutboundReferral.Consent.GIVEN,
    )
    decision = SharingDecision.objects.get()
    assert (decision.kind, decision.outbound_referral, decision.agreement) == (
        SD.SHARED,
        outbound,
        outbound.agreement,
    )
    assert decision.agreement is not None and decision.reason == "An intake, please."
    with pytest.raises(ValidationError):
        referral_services.outbound_revoke(outbound=outbound, user=social_worker, reason="")
    assert SharingDecision.objects.count() == 1
    referral_services.outbound_revoke(
        outbound=outbound, user=social_worker, reason="The family found help elsewhere"
    )
    revoked = SharingDecision.objects.get(kind=SD.REVOKED)
    assert (revoked.outbound_referral, revoked.agreement, revoked.reason, revoked.level) == (
        outbound,
        outbound.agreement,
        "The family found help elsewhere",
        Level.L2,
    )
    # Revoked once: a second revocation is refused and logs nothing.
    with pytest.raises(ValidationError):
        referral_services.outbound_revoke(outbound=outbound, user=social_worker, reason="Again")
    assert SharingDecision.objects.filter(kind=SD.REVOKED).count() == 1


def test_an_agency_check_logs_its_decision_to_share_or_not_at_its_level(
    case, social_worker, police_officer, coordinator
):
    series = conference_services.series_create(
        user=coordinator,
        name="Case conference",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=coordinator,
        core_members=[social_worker, police_officer],
    )
    meeting = series.meetings.get()
    case_services.team_add_user(case=case, user=coordinator, granted_by=social_worker, reason="c")
    for user in (coordinator, social_worker, police_officer):
        conference_services.declaration_sign(meeting=meeting, user=user)
    item = conference_services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PUBLISHED)
    item.meeting.refresh_from_db()
    conference_services.agency_check_answer(
        item=item, user=social_worker, answer=AgencyCheck.Answer.NO_TRACE, level=Level.L2
    )
    assert not SharingDecision.objects.exists()
    conference_services.agency_check_answer(
        item=item,
        user=police_officer,
        answer=AgencyCheck.Answer.HELD,
        reason="Source protection",
        level=Level.L4,
    )
    decision = SharingDecision.objects.get()
    assert (decision.kind, decision.reason, decision.level, decision.agency) == (
        SD.HELD,
        "Source protection",
        Level.L4,
        police_officer.profile.agency,
    )
    assert decision.agency_check == AgencyCheck.objects.get(agency=police_officer.profile.agency)
    assert readable_by(police_officer) == {decision}
    assert readable_by(social_worker) == set()
    # "Relevant, shared": shared with the conference, under the series' agreement, at the
    # answer's level; what was shared stays in its chronology entry.
    conference_services.agency_check_answer(
        item=item,
        user=social_worker,
        answer=AgencyCheck.Answer.SHARED,
        entry_text="Known to the youth service since May",
        level=Level.L2,
    )
    shared = SharingDecision.objects.get(kind=SD.SHARED)
    assert series.agreement_id is not None
    assert (shared.agreement_id, shared.level, shared.agency, shared.information) == (
        series.agreement_id,
        Level.L2,
        social_worker.profile.agency,
        "",
    )
    assert shared.recipient == f"Case conference, {timezone.localdate(meeting.starts_at)}"
    assert shared.agency_check == AgencyCheck.objects.get(agency=social_worker.profile.agency)
    assert readable_by(social_worker) == {shared}
    assert readable_by(police_officer) == {decision, shared}


def test_a_revocation_is_never_recorded_by_hand(case, social_worker, info_officer):
    assert SD.REVOKED not in policy.sharing_decision_kinds(info_officer)
    with pytest.raises(PermissionDenied):
        not_shared(case, social_worker, kind=SD.REVOKED)
    assert not SharingDecision.objects.exists()


# --- The pages -----------------------------------------------------------------------------------


def test_the_team_reads_the_log_on_the_case_and_an_outsider_gets_404(client, case, social_worker):
    not_shared(case, social_worker)
    url = reverse("sharing:log", kwargs={"reference": case.reference})
    client.force_login(social_worker)
    body = client.get(url).content.decode()
    assert REASON in body and "Not shared" in body and "The school" in body
    client.force_login(make_user(role=Role.SOCIAL_WORKER))
    assert client.get(url).status_code == 404
    client.force_login(make_user(role=Role.YOUTH_WORKER))
    assert client.get(url).status_code == 404


def test_the_form_shows_the_error_summary_and_keeps_what_was_typed(client, case, social_worker):
    client.force_login(social_worker)
    url = reverse("sharing:record", kwargs={"reference": case.reference})
    page = client.get(url).content.decode()
    # A case worker who is not the information officer or the coordinator is not offered it.
    assert 'value="not_shared"' in page and 'value="third_party"' not in page
    response = client.post(url, {"kind": SD.SHARED, "information": "His file", "level": 2})
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "His file" in body
    assert not SharingDecision.objects.exists()
    response = client.post(
        url,
        {"kind": SD.NOT_SHARED, "information": "His file", "reason": REASON, "level": 2},
    )
    decision = SharingDecision.objects.get()
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()


def test_a_wider_level_than_usual_is_saved_only_once_confirmed(client, case, police_officer):
    client.force_login(police_officer)
    url = reverse("sharing:record", kwargs={"reference": case.reference})
    form = {"kind": SD.SECRECY, "information": "Our file", "reason": "Secrecy", "level": 2}
    assert client.post(url, form).status_code == 200
    assert not SharingDecision.objects.exists()
    assert client.post(url, {**form, "share_widely": "on"}).status_code == 302
    assert SharingDecision.objects.get().level == Level.L2


def test_the_log_is_in_the_subject_access_report(case, social_worker, info_officer):
    decision = not_shared(case, social_worker)
    report = subject_rights.person_access_report(user=info_officer, person=case.person)
    assert list(report["sharing_decisions"]) == [decision]
    data = subject_rights.person_report_data(user=info_officer, person=case.person)
    (row,) = data["sharing_decisions"]
    assert (row["kind"], row["reason"], row["case"]) == (SD.NOT_SHARED, REASON, case.reference)


def test_the_log_page_asks_a_fixed_number_of_queries(
    client, case, social_worker, info_officer, youth_worker, django_assert_max_num_queries
):
    for _ in range(3):
        make_release(case, info_officer, [youth_worker])
        not_shared(case, social_worker)
    client.force_login(info_officer)
    url = reverse("sharing:log", kwargs={"reference": case.reference})
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    count = len(few.captured_queries)
    for _ in range(3):
        make_release(case, info_officer, [youth_worker])
        not_shared(case, social_worker)
    with django_assert_max_num_queries(count):
        client.get(url)
    assert selectors.sharing_decisions(user=info_officer, case=case).count() == 12


def test_the_log_of_a_destroyed_case_keeps_no_personal_data(case, social_worker):
    decision = not_shared(case, social_worker)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED,
        closure_reason="risk_removed",
        closed_at=timezone.now() - timedelta(days=6 * 366),
    )
    officer = make_user(role=Role.MAYOR_OFFICE)
    security.data_protection_officer_set(user=officer, is_officer=True)
    # Destroyed as every case is: a proposed list approved by two reviewers (part 4).
    proposed = retention.destruction_list_propose()
    assert proposed is not None and proposed.items.filter(case=case).exists()
    retention.destruction_list_approve(
        user=make_user(role=Role.COORDINATOR), destruction_list=proposed
    )
    retention.destruction_list_approve(user=officer, destruction_list=proposed)
    decision.refresh_from_db()
    assert (decision.reason, decision.information, decision.recipient) == ("", "", "")
    assert decision.kind == SD.NOT_SHARED
