"""Every URL of the project, for every role, on objects inside and outside the user's grants.

A URL pattern with no expectation here fails `test_every_url_pattern_has_an_expectation`, so a
new page cannot slip through untested. Statuses: 200 page, 302 redirect (to sign-in for the
anonymous), 403 seen but not allowed to change, 404 does not exist for this user, 405 wrong
method.
"""

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from access import services as access_services
from accounts import security
from accounts.models import Level, Role
from cases import services as case_services
from cases.models import Case, Escalation
from conferences import services as conference_services
from privacy import retention
from privacy import services as sharing_services
from privacy.models import DestructionList
from referrals import services as referral_services
from referrals.models import OutboundReferral, Screening
from releases import services as release_services
from tests.factories import (
    AgencyFactory,
    make_agreement,
    make_case,
    make_person,
    make_referral,
    make_user,
)

CANARY_L4 = "CANARY-L4-police-intelligence-7731"
CANARY_L3 = "CANARY-L3-agency-held-5520"
CANARY_L2 = "CANARY-L2-shared-secrecy-1184"
CANARY_OUT = "CANARY-OUTSIDE-CASE-9042"
CANARY_NAME = "Zebulonius"
NOT_SHARED_REASON = "The parents object to the school reading it"

# The roles tried on every page. "police_other" is police of another zone on the same case.
ROLES = [
    "anonymous",
    "social_worker",
    "police",
    "police_other",
    "information_officer",
    "coordinator",
    "youth_worker",
    "partner",
    "mayor_office",
    "admin",
]


@dataclass
class World:
    users: dict
    case_in: object
    case_out: object
    entry_in: object
    entry_out: object
    attachment_in: object
    attachment_out: object
    action_in: object
    action_out: object
    escalation_in: object
    escalation_out: object
    release_in: object
    release_out: object
    request_in: object
    request_out: object
    # Referrals: "in" is the world partner's own (or, outbound, addressed to their agency).
    referral_in: object = None
    referral_out: object = None
    draft_in: object = None
    draft_out: object = None
    question_in: object = None
    question_out: object = None
    outbound_in: object = None
    outbound_out: object = None
    # Conferences: "in" is the world's series (chair: the coordinator; members: the social
    # worker and the police); "out" a series of another agency, on the outside case.
    series_in: object = None
    series_out: object = None
    meeting_in: object = None
    meeting_out: object = None
    item_in: object = None
    item_out: object = None
    # Oversight: "in" is addressed to the mayor, "out" to the coordinator.
    mayor_escalation_in: object = None
    mayor_escalation_out: object = None
    # Sharing agreements: "in" one waiting for its parties' sign-off, "out" one already ended
    # (its parties signed): the register is the coordinator's, whatever its state.
    agreement_in: object = None
    agreement_out: object = None
    party_in: object = None
    party_out: object = None
    # Retention: "in" a destruction list waiting for its approvals and a legal hold in force,
    # "out" a list already destroyed and a hold already lifted.
    destruction_list_in: object = None
    destruction_list_out: object = None
    legal_hold_in: object = None
    legal_hold_out: object = None


def pdf(name: str) -> SimpleUploadedFile:
    from tests.documents import PDF

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(db, settings, tmp_path, django_capture_on_commit_callbacks) -> World:
    settings.MEDIA_ROOT = tmp_path
    social_agency = AgencyFactory(name="Social Prevention")
    police_agency = AgencyFactory(name="Police Zone North")
    other_police = AgencyFactory(name="Police Zone South")
    other_social = AgencyFactory(name="Other Social Service")
    users = {
        "social_worker": make_user(role=Role.SOCIAL_WORKER, agency=social_agency),
        "police": make_user(role=Role.POLICE, agency=police_agency),
        "police_other": make_user(role=Role.POLICE, agency=other_police),
        "information_officer": make_user(role=Role.INFORMATION_OFFICER, agency=police_agency),
        "coordinator": make_user(role=Role.COORDINATOR, agency=social_agency),
        "youth_worker": make_user(role=Role.YOUTH_WORKER),
        "partner": make_user(role=Role.PARTNER),
        "mayor_office": make_user(role=Role.MAYOR_OFFICE),
        "admin": make_user(role=Role.ADMIN),
    }
    outsider = make_user(role=Role.SOCIAL_WORKER, agency=other_social)
    # The data protection officer sits in the municipality: the retention pages are theirs.
    security.data_protection_officer_set(user=users["mayor_office"], is_officer=True)
    now = timezone.now() - timedelta(hours=1)

    case_in = make_case(owner=users["social_worker"], person=make_person(first_name=CANARY_NAME))
    for member in ("police", "police_other"):
        case_services.team_add_user(
            case=case_in, user=users[member], granted_by=users["social_worker"], reason="team"
        )
    entry_in = case_services.entry_add(
        case=case_in,
        author=users["social_worker"],
        kind="note",
        occurred_at=now,
        level=Level.L2,
        text=f"Shared in conference {CANARY_L2}",
        attachment=pdf("in.pdf"),
    )
    case_services.entry_add(
        case=case_in,
        author=users["police"],
        kind="police_information",
        occurred_at=now,
        level=Level.L4,
        text=f"Intelligence {CANARY_L4}",
    )
    case_services.entry_add(
        case=case_in,
        author=users["police"],
        kind="observation",
        occurred_at=now,
        level=Level.L3,
        text=f"Held by the zone {CANARY_L3}",
    )
    # The sharing-decision log (issue 18): a decision not to share, with its reason.
    sharing_services.sharing_decision_record(
        user=users["social_worker"],
        case=case_in,
        kind="not_shared",
        information="His school file",
        recipient="The school",
        reason=f"{NOT_SHARED_REASON} {CANARY_L2}",
        level=Level.L2,
    )
    case_out = make_case(owner=outsider)
    sharing_services.sharing_decision_record(
        user=outsider,
        case=case_out,
        kind="not_shared",
        information="His file",
        reason=f"{NOT_SHARED_REASON} {CANARY_OUT}",
        level=Level.L2,
    )
    entry_out = case_services.entry_add(
        case=case_out,
        author=outsider,
        kind="note",
        occurred_at=now,
        level=Level.L1,
        text=f"Elsewhere {CANARY_OUT}",
        attachment=pdf("out.pdf"),
    )
    due = timezone.localdate() + timedelta(days=7)
    action_in = case_services.action_add(
        case=case_in,
        created_by=users["social_worker"],
        description="Visit",
        owner=users["social_worker"],
        due_date=due,
    )
    action_out = case_services.action_add(
        case=case_out, created_by=outsider, description="Call", owner=outsider, due_date=due
    )
    escalation_in, escalation_out = (
        case_services.escalation_raise(
            case=case,
            raised_by=case.owner,
            audience=Escalation.Audience.COORDINATOR,
            summary="Needs a decision",
            decision_requested="Approve outreach",
        )
        for case in (case_in, case_out)
    )
    expires = timezone.localdate() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        release_in = release_services.release_create(
            case=case_in,
            author=users["information_officer"],
            title="For outreach",
            summary="Meet him at the youth centre.",
            purpose="outreach",
            legal_basis="LIVC law",
            expires_on=expires,
            recipient_users=[users["youth_worker"]],
        )
        release_out = release_services.release_create(
            case=case_out,
            author=users["information_officer"],
            title="For someone else",
            summary="Not for you.",
            purpose="other",
            legal_basis="LIVC law",
            expires_on=expires,
            recipient_users=[outsider],
        )
    request_in = access_services.access_request_create(
        user=outsider, reference=case_in.reference, reason="I work with his brother"
    )
    request_out = access_services.access_request_create(
        user=users["social_worker"], reference=case_out.reference, reason="Neighbourhood"
    )
    referrals = _referral_world(users, case_in, case_out, outsider, other_social)
    conferences = _conference_world(users, case_in, case_out, outsider, other_social)
    agreements = _agreement_world(social_agency, police_agency)
    retained = _retention_world(users, outsider, case_in, case_out)
    mayor_escalation_in = case_services.escalation_raise(
        case=case_in,
        raised_by=users["social_worker"],
        audience=Escalation.Audience.MAYOR,
        summary="A closure order is considered",
        decision_requested="Approve the measure",
    )
    return World(
        **referrals,
        **agreements,
        **retained,
        **conferences,
        mayor_escalation_in=mayor_escalation_in,
        mayor_escalation_out=escalation_in,
        users=users,
        case_in=case_in,
        case_out=case_out,
        entry_in=entry_in,
        entry_out=entry_out,
        attachment_in=entry_in.attachments.get(),
        attachment_out=entry_out.attachments.get(),
        action_in=action_in,
        action_out=action_out,
        escalation_in=escalation_in,
        escalation_out=escalation_out,
        release_in=release_in,
        release_out=release_out,
        request_in=request_in,
        request_out=request_out,
    )


def _retention_world(users, outsider, case_in, case_out) -> dict:
    """A closed case of the outsider past its retention period, on a list waiting for approval;
    a list already destroyed; a legal hold in force on the case inside, one lifted outside."""
    old = make_case(owner=outsider)
    Case.objects.filter(pk=old.pk).update(
        status=Case.Status.CLOSED,
        closure_reason="risk_removed",
        closed_at=timezone.now() - timedelta(days=6 * 366),
    )
    waiting = retention.destruction_list_propose()
    done = DestructionList.objects.create(
        reference="DL-2020-0001", status=DestructionList.Status.DESTROYED
    )
    officer = users["mayor_office"]
    hold_in = retention.legal_hold_place(
        user=officer, reference=case_in.reference, reason="Inquest 2026/14"
    )
    hold_out = retention.legal_hold_place(
        user=officer, person_code=case_out.person.code, reason="Complaint 2026/3"
    )
    retention.legal_hold_lift(user=officer, hold=hold_out, reason="Complaint withdrawn")
    return {
        "destruction_list_in": waiting,
        "destruction_list_out": done,
        "legal_hold_in": hold_in,
        "legal_hold_out": hold_out,
    }


def _agreement_world(social_agency, police_agency) -> dict:
    today = timezone.localdate()
    waiting = make_agreement(
        title="Covenant waiting for signatures",
        parties=[social_agency, police_agency],
        signed=False,
    )
    ended = make_agreement(
        title="Covenant ended",
        parties=[social_agency, police_agency],
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=1),
    )
    return {
        "agreement_in": waiting,
        "agreement_out": ended,
        "party_in": waiting.parties.first(),
        "party_out": ended.parties.first(),
    }


def _conference_world(users, case_in, case_out, outsider, other_agency) -> dict:
    coordinator = users["coordinator"]
    series_in = conference_services.series_create(
        user=coordinator,
        name="Case conference",
        kind="case_conference",
        chair=coordinator,
        core_members=[users["social_worker"], users["police"]],
    )
    other_chair = make_user(role=Role.COORDINATOR, agency=other_agency)
    series_out = conference_services.series_create(
        user=other_chair,
        name="Elsewhere",
        kind="case_conference",
        chair=other_chair,
        core_members=[outsider],
    )
    meeting_in, meeting_out = series_in.meetings.get(), series_out.meetings.get()
    # Everyone who may see a meeting has signed its declaration, so the expectations below do
    # not depend on the order in which the pages are visited.
    for meeting, signers in (
        (meeting_in, ["social_worker", "police", "coordinator", "information_officer"]),
        (meeting_out, ["coordinator", "information_officer"]),
    ):
        for role in signers:
            conference_services.declaration_sign(meeting=meeting, user=users[role])
    conference_services.declaration_sign(meeting=meeting_out, user=other_chair)
    item_in = conference_services.agenda_add_case(
        meeting=meeting_in, user=coordinator, case=case_in
    )
    case_services.team_add_user(
        case=case_out, user=other_chair, granted_by=outsider, reason="chair"
    )
    item_out = conference_services.agenda_add_case(
        meeting=meeting_out, user=other_chair, case=case_out
    )
    # The item inside is on the table: every member's live screen shows it as they may.
    for meeting, item in ((meeting_in, item_in), (meeting_out, item_out)):
        type(meeting).objects.filter(pk=meeting.pk).update(current_item=item)
        meeting.current_item = item
    return {
        "series_in": series_in,
        "series_out": series_out,
        "meeting_in": meeting_in,
        "meeting_out": meeting_out,
        "item_in": item_in,
        "item_out": item_out,
    }


def _referral_world(users, case_in, case_out, outsider, other_agency) -> dict:
    """Referrals by the world's partner and by another partner, in the states the pages need;
    outbound referrals from each case, the inside one to the partner's agency."""
    other_partner = make_user(role=Role.PARTNER)
    objects = {}
    for scope, referrer in (("in", users["partner"]), ("out", other_partner)):
        # About the person of the case inside (a hit), or outside (a hit nobody on it sees).
        person = (case_in if scope == "in" else case_out).person
        about = {"first_name": person.first_name, "last_name": person.last_name}
        objects[f"referral_{scope}"] = make_referral(referrer=referrer, **about)
        # A draft is the referrer's own text, shown back to them: not about the canary.
        objects[f"draft_{scope}"] = make_referral(referrer=referrer, submit=False)
        question = make_referral(referrer=referrer, **about)
        referral_services.screening_decide(
            referral=question,
            user=users["coordinator"],
            outcome=Screening.Outcome.MORE_INFORMATION,
            reasons="Cannot identify him yet",
            question="Which school?",
        )
        objects[f"question_{scope}"] = question
    for scope, case, sender, provider in (
        ("in", case_in, users["social_worker"], users["partner"].profile.agency),
        ("out", case_out, outsider, other_agency),
    ):
        objects[f"outbound_{scope}"] = referral_services.outbound_send(
            case=case,
            user=sender,
            service=OutboundReferral.Service.MENTAL_HEALTH,
            provider=provider,
            person_details="The young man the school called about",
            request="An intake, please.",
            consent=OutboundReferral.Consent.GIVEN,
        )
    return objects


# --- Expectations ----------------------------------------------------------------------------

ALL_SIGNED_IN = [r for r in ROLES if r != "anonymous"]
CASE_WORKERS = ["social_worker", "police", "police_other", "information_officer", "coordinator"]
REGISTER_READERS = dict.fromkeys(["mayor_office", "information_officer", "coordinator"], 200)


def answer(default: int, anonymous: int = 302, **by_role: int) -> dict[str, int]:
    statuses = dict.fromkeys(ROLES, default)
    statuses["anonymous"] = anonymous
    statuses.update(by_role)
    return statuses


def case_team_page(**extra) -> tuple[dict, dict]:
    """(inside, outside): the team and the information officer see the case; nobody else."""
    inside = answer(404, **{**dict.fromkeys(CASE_WORKERS, 200), **extra})
    outside = answer(404, information_officer=200)
    return inside, outside


@dataclass
class Expect:
    kwargs: object = None  # callable(world, scope) -> kwargs, or None for no arguments
    get: tuple[dict, dict] | dict | None = None  # statuses for GET (inside, outside) or one dict
    post: tuple[dict, dict] | dict | None = None  # statuses for an empty POST


def case_ref(w, scope):
    return {"reference": getattr(w, f"case_{scope}").reference}


SCREENERS = ["coordinator", "information_officer", "police", "police_other"]


def on_referral(attribute: str):
    def kwargs(w, scope):
        return {"referral_id": getattr(w, f"{attribute}_{scope}").pk}

    return kwargs


def on_outbound(w, scope):
    return {"outbound_id": getattr(w, f"outbound_{scope}").pk}


def screen_page() -> dict:
    """Deciders screen; the police see the referral but may not decide."""
    return answer(404, coordinator=200, information_officer=200, police=403, police_other=403)


def outbound_provider_page() -> tuple[dict, dict]:
    """Only the provider answers; the case team sees the referral but may not."""
    team = {**dict.fromkeys(CASE_WORKERS, 403)}
    return answer(404, **team, partner=200), answer(404, information_officer=403)


def on_case(attribute: str, name: str):
    def kwargs(w, scope):
        return {**case_ref(w, scope), name: getattr(w, f"{attribute}_{scope}").pk}

    return kwargs


MEMBERS_IN = ["social_worker", "police", "coordinator", "information_officer"]
MEETING_IN = answer(404, **dict.fromkeys(MEMBERS_IN, 200))
MEETING_OUT = answer(404, coordinator=200, information_officer=200)
CHAIR_IN = answer(404, **{**dict.fromkeys(MEMBERS_IN, 403), "coordinator": 200})
CHAIR_OUT = answer(404, coordinator=200, information_officer=403)


def on_meeting(w, scope):
    return {"meeting_id": getattr(w, f"meeting_{scope}").pk}


def on_item(w, scope):
    item = getattr(w, f"item_{scope}")
    return {"meeting_id": item.meeting_id, "item_id": item.pk}


EXPECTATIONS: dict[str, Expect] = {
    "home": Expect(get=answer(200)),
    "healthz": Expect(get=answer(200, anonymous=200)),
    "login": Expect(get=answer(200, anonymous=200)),
    "logout": Expect(get=answer(405, anonymous=405)),
    "password_change": Expect(get=answer(200)),
    "password_change_done": Expect(get=answer(200)),
    # A forgotten password: open to everyone (an empty form comes back with its error).
    "password_forgotten": Expect(get=answer(200, anonymous=200), post=answer(200, anonymous=200)),
    "password_forgotten_sent": Expect(get=answer(200, anonymous=200)),
    # A link that names no account: "This link no longer works", whoever opens it.
    "password_choose": Expect(
        kwargs=lambda w, scope: {"uidb64": "MA", "token": "no-such-token"},
        get=answer(200, anonymous=200),
    ),
    "password_chosen": Expect(get=answer(200, anonymous=200)),
    "set_language": Expect(get=answer(302, anonymous=302)),
    "cases:list": Expect(get=answer(404, **dict.fromkeys(CASE_WORKERS, 200))),
    "cases:open": Expect(
        get=answer(
            404,
            social_worker=200,
            coordinator=200,
            information_officer=200,
            police=403,
            police_other=403,
        ),
        post=answer(
            404,
            social_worker=200,
            coordinator=200,
            information_officer=200,
            police=403,
            police_other=403,
        ),
    ),
    "cases:detail": Expect(kwargs=case_ref, get=case_team_page()),
    "cases:edit": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    # The case owner and the coordinator manage the team; the others only look at it.
    "cases:team": Expect(
        kwargs=case_ref,
        get=case_team_page(),
        post=(
            answer(
                404,
                **{**dict.fromkeys(CASE_WORKERS, 403), "social_worker": 200, "coordinator": 200},
            ),
            answer(404, information_officer=403),
        ),
    ),
    "cases:status": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    "cases:entry_add": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    "cases:entry_correct": Expect(
        kwargs=on_case("entry", "entry_id"), get=case_team_page(), post=case_team_page()
    ),
    "cases:attachment": Expect(kwargs=on_case("attachment", "attachment_id"), get=case_team_page()),
    "cases:assessment_add": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    "cases:action_add": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    "cases:action_update": Expect(
        kwargs=on_case("action", "action_id"), get=case_team_page(), post=case_team_page()
    ),
    "cases:escalation_add": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    "cases:escalation_decide": Expect(
        kwargs=on_case("escalation", "escalation_id"),
        # Addressed to the coordinator: the rest of the team sees it but may not decide it.
        get=(
            answer(404, **{**dict.fromkeys(CASE_WORKERS, 403), "coordinator": 200}),
            answer(404, information_officer=403),
        ),
        post=(
            answer(404, **{**dict.fromkeys(CASE_WORKERS, 403), "coordinator": 200}),
            answer(404, information_officer=403),
        ),
    ),
    "releases:list": Expect(get=answer(200, admin=404)),
    "releases:manage": Expect(get=answer(404, information_officer=200)),
    "releases:create": Expect(
        kwargs=case_ref,
        get=(answer(404, information_officer=200), answer(404, information_officer=200)),
        post=(answer(404, information_officer=200), answer(404, information_officer=200)),
    ),
    # "Check your answers": with no draft kept, back to the form; a POST without a signed
    # draft, back to the check page; nothing released either way.
    "releases:create_check": Expect(
        kwargs=case_ref,
        get=(answer(404, information_officer=302), answer(404, information_officer=302)),
        post=(answer(404, information_officer=302), answer(404, information_officer=302)),
    ),
    "releases:detail": Expect(
        kwargs=lambda w, scope: {"release_id": getattr(w, f"release_{scope}").pk},
        get=(
            answer(404, information_officer=200, youth_worker=200),
            answer(404, information_officer=200),
        ),
    ),
    "releases:acknowledge": Expect(
        kwargs=lambda w, scope: {"release_id": getattr(w, f"release_{scope}").pk},
        get=answer(405),
        post=(answer(404, youth_worker=302), answer(404)),
    ),
    "releases:revise": Expect(
        kwargs=lambda w, scope: {"release_id": getattr(w, f"release_{scope}").pk},
        get=(answer(404, information_officer=200), answer(404, information_officer=200)),
    ),
    "releases:revise_check": Expect(
        kwargs=lambda w, scope: {"release_id": getattr(w, f"release_{scope}").pk},
        get=(answer(404, information_officer=302), answer(404, information_officer=302)),
        post=(answer(404, information_officer=302), answer(404, information_officer=302)),
    ),
    "releases:revoke": Expect(
        kwargs=lambda w, scope: {"release_id": getattr(w, f"release_{scope}").pk},
        get=(answer(404, information_officer=200), answer(404, information_officer=200)),
        post=(answer(404, information_officer=200), answer(404, information_officer=200)),
    ),
    "access_requests:mine": Expect(
        get=answer(404, social_worker=200, police=200, police_other=200, coordinator=200),
        post=answer(404, social_worker=200, police=200, police_other=200, coordinator=200),
    ),
    "access_requests:decide": Expect(
        kwargs=lambda w, scope: {"request_id": getattr(w, f"request_{scope}").pk},
        # Inside: the case owner and the coordinator decide. Outside: nobody tried here.
        get=(answer(404, social_worker=200, coordinator=200), answer(404)),
        post=(answer(404, social_worker=200, coordinator=200), answer(404)),
    ),
    "audit:case_reads": Expect(
        kwargs=case_ref,
        get=(
            answer(404, information_officer=200, coordinator=200),
            answer(404, information_officer=200),
        ),
    ),
    "audit:person_report": Expect(
        kwargs=lambda w, scope: {"code": getattr(w, f"case_{scope}").person.code},
        get=(answer(404, information_officer=200), answer(404, information_officer=200)),
    ),
    # Security and data protection. The audit log: the information officer (with the changed
    # values) and the coordinator (without them; the canaries prove it).
    "audit:log": Expect(get=answer(404, information_officer=200, coordinator=200)),
    "audit:export": Expect(get=answer(404, information_officer=200, coordinator=200)),
    # Anyone may set up a second factor; codes are shown only to a verified session.
    "two_factor:setup": Expect(get=answer(200), post=answer(200)),
    "two_factor:verify": Expect(get=answer(302), post=answer(302)),
    "two_factor:recovery_codes": Expect(get=answer(404), post=answer(404)),
    "session_status": Expect(get=answer(200, anonymous=200), post=answer(200, anonymous=200)),
    # One's own signed-in sessions (an empty POST ends none: back to the list).
    "sessions": Expect(get=answer(200), post=answer(302)),
    # Signing in through the identity provider: no provider is configured here, so there is
    # nothing to see (tests/accounts/test_provider_sign_in.py and tests/e2e/test_oidc.py).
    "oidc_authentication_init": Expect(get=answer(404, anonymous=404), post=answer(405, 405)),
    # Security keys (django-otp-webauthn): JSON ceremonies for the signed-in user's own keys; an
    # empty POST starts one (200) or completes nothing (422); the anonymous are refused (403).
    "otp_webauthn:credential-registration-begin": Expect(
        get=answer(405, anonymous=403), post=answer(200, anonymous=403)
    ),
    "otp_webauthn:credential-registration-complete": Expect(
        get=answer(405, anonymous=403), post=answer(422, anonymous=403)
    ),
    "otp_webauthn:credential-authentication-begin": Expect(
        get=answer(405, anonymous=403), post=answer(200, anonymous=403)
    ),
    "otp_webauthn:credential-authentication-complete": Expect(
        get=answer(405, anonymous=403), post=answer(422, anonymous=403)
    ),
    "otp_webauthn:js-i18n-catalog": Expect(
        get=answer(200, anonymous=200), post=answer(405, anonymous=405)
    ),
    "oidc_authentication_callback": Expect(get=answer(404, anonymous=404), post=answer(405, 405)),
    # Account changes waiting for a second person: the administrators and the information
    # officer (for police accounts) confirm them (an empty POST decides nothing: back to the list).
    "account_changes:list": Expect(
        get=answer(404, admin=200, information_officer=200),
        post=answer(404, admin=302, information_officer=302),
    ),
    # Subject rights: the information officer, who answers subject-access requests.
    "audit:person_report_export": Expect(
        kwargs=lambda w, scope: {"code": getattr(w, f"case_{scope}").person.code},
        get=(answer(404, information_officer=200), answer(404, information_officer=200)),
    ),
    "audit:restriction": Expect(
        kwargs=case_ref,
        get=(answer(404, information_officer=200), answer(404, information_officer=200)),
        post=(answer(404, information_officer=200), answer(404, information_officer=200)),
    ),
    # Retention: the holder of the data-protection-officer permission only. No case is due in
    # this world, so confirming one is refused with a message.
    # The sharing agreements register: read by those who disclose under it (the case workers
    # and the information officer), kept by the coordinator.
    "agreements:list": Expect(get=answer(404, **dict.fromkeys(CASE_WORKERS, 200))),
    "agreements:detail": Expect(
        kwargs=lambda w, scope: {"agreement_id": getattr(w, f"agreement_{scope}").pk},
        get=(
            answer(404, **dict.fromkeys(CASE_WORKERS, 200)),
            answer(404, **dict.fromkeys(CASE_WORKERS, 200)),
        ),
    ),
    "agreements:create": Expect(
        get=answer(404, coordinator=200), post=answer(404, coordinator=200)
    ),
    "agreements:end": Expect(
        kwargs=lambda w, scope: {"agreement_id": getattr(w, f"agreement_{scope}").pk},
        get=(answer(404, coordinator=200), answer(404, coordinator=200)),
        post=(answer(404, coordinator=200), answer(404, coordinator=200)),
    ),
    "agreements:sign": Expect(
        kwargs=lambda w, scope: {"party_id": getattr(w, f"party_{scope}").pk},
        get=(answer(404, coordinator=200), answer(404, coordinator=200)),
        post=(answer(404, coordinator=200), answer(404, coordinator=200)),
    ),
    # The register of processing activities: kept by the data protection officer (the mayor's
    # office here), read too by those who browse the audit log by activity. No personal data.
    "processing:list": Expect(get=answer(404, **REGISTER_READERS)),
    "processing:detail": Expect(
        kwargs=lambda w, scope: {"code": "releases" if scope == "in" else "security"},
        get=(answer(404, **REGISTER_READERS), answer(404, **REGISTER_READERS)),
    ),
    "processing:create": Expect(
        get=answer(404, mayor_office=200), post=answer(404, mayor_office=200)
    ),
    "processing:edit": Expect(
        kwargs=lambda w, scope: {"code": "releases" if scope == "in" else "security"},
        get=(answer(404, mayor_office=200), answer(404, mayor_office=200)),
        post=(answer(404, mayor_office=200), answer(404, mayor_office=200)),
    ),
    # Retention: the two reviewers (the coordinator, the data protection officer) read the
    # lists and certificates and approve; the information officer and the officer keep holds.
    "retention:lists": Expect(get=answer(404, mayor_office=200, coordinator=200)),
    "retention:log": Expect(get=answer(404, mayor_office=200, coordinator=200)),
    "retention:list": Expect(
        kwargs=lambda w, scope: {"list_id": getattr(w, f"destruction_list_{scope}").pk},
        get=(
            answer(404, mayor_office=200, coordinator=200),
            answer(404, mayor_office=200, coordinator=200),
        ),
    ),
    "retention:approve": Expect(
        kwargs=lambda w, scope: {"list_id": getattr(w, f"destruction_list_{scope}").pk},
        get=answer(405),
        # Approved (in), or refused as already destroyed (out): back to the list either way.
        post=(
            answer(404, mayor_office=302, coordinator=302),
            answer(404, mayor_office=302, coordinator=302),
        ),
    ),
    "retention:holds": Expect(
        get=answer(404, mayor_office=200, information_officer=200),
        post=answer(404, mayor_office=200, information_officer=200),
    ),
    "retention:hold_lift": Expect(
        kwargs=lambda w, scope: {"hold_id": getattr(w, f"legal_hold_{scope}").pk},
        get=(
            answer(404, mayor_office=200, information_officer=200),
            answer(404, mayor_office=200, information_officer=200),
        ),
        post=(
            answer(404, mayor_office=200, information_officer=200),
            answer(404, mayor_office=200, information_officer=200),
        ),
    ),
    # Referrals. Anyone with a role but the administrator refers; the coordinator and the
    # information officer screen and decide; the police read referrals being screened.
    "referrals:mine": Expect(get=answer(200, admin=404)),
    "referrals:new": Expect(get=answer(200, admin=404), post=answer(200, admin=404)),
    "referrals:screening": Expect(get=answer(404, **dict.fromkeys(SCREENERS, 200))),
    # The referrer sees their own (status and outcome only); screeners see every sent one.
    "referrals:detail": Expect(
        kwargs=on_referral("referral"),
        get=(
            answer(404, **dict.fromkeys(SCREENERS, 200), partner=200),
            answer(404, **dict.fromkeys(SCREENERS, 200)),
        ),
    ),
    # A draft is its referrer's alone.
    "referrals:edit": Expect(
        kwargs=on_referral("draft"),
        get=(answer(404, partner=200), answer(404)),
        post=(answer(404, partner=200), answer(404)),
    ),
    "referrals:answer": Expect(
        kwargs=on_referral("question"),
        get=(answer(404, partner=200), answer(404)),
        post=(answer(404, partner=200), answer(404)),
    ),
    "referrals:screen": Expect(
        kwargs=on_referral("referral"),
        get=(screen_page(), screen_page()),
        post=(screen_page(), screen_page()),
    ),
    "referrals:outbound_list": Expect(get=answer(200, admin=404, mayor_office=404)),
    # Outbound referrals: the case team, and the provider agency (the partner's, inside).
    "referrals:outbound_detail": Expect(
        kwargs=on_outbound,
        get=case_team_page(partner=200),
    ),
    "referrals:outbound_answer": Expect(
        kwargs=on_outbound,
        get=outbound_provider_page(),
        post=outbound_provider_page(),
    ),
    "referrals:outbound_revoke": Expect(
        kwargs=on_outbound,
        get=case_team_page(partner=403),
        post=case_team_page(partner=403),
    ),
    "referrals:outbound_case": Expect(kwargs=case_ref, get=case_team_page()),
    "referrals:outbound_new": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    # "Check your answers": with no draft kept, back to the form; a POST without a signed
    # draft, back to the check page; nothing sent either way.
    "referrals:outbound_check": Expect(
        kwargs=case_ref,
        get=(
            answer(404, **dict.fromkeys(CASE_WORKERS, 302)),
            answer(404, information_officer=302),
        ),
        post=(
            answer(404, **dict.fromkeys(CASE_WORKERS, 302)),
            answer(404, information_officer=302),
        ),
    ),
    "referrals:prison_release": Expect(
        kwargs=case_ref, get=case_team_page(), post=case_team_page()
    ),
    "referrals:prison_release_list": Expect(get=answer(404, **dict.fromkeys(CASE_WORKERS, 200))),
    # --- Conferences: members see their series; the coordinator runs every series; the
    # information officer sees every meeting but chairs none.
    "conferences:list": Expect(get=answer(200)),
    "conferences:series_new": Expect(
        get=answer(404, coordinator=200), post=answer(404, coordinator=200)
    ),
    "conferences:series": Expect(
        kwargs=lambda w, scope: {"series_id": getattr(w, f"series_{scope}").pk},
        get=(MEETING_IN, MEETING_OUT),
        post=(CHAIR_IN, CHAIR_OUT),
    ),
    # Naming the series' sharing agreement (issue 18): the chair's page; an empty POST shows
    # the form again.
    "conferences:series_agreement": Expect(
        kwargs=lambda w, scope: {"series_id": getattr(w, f"series_{scope}").pk},
        get=(CHAIR_IN, CHAIR_OUT),
        post=(CHAIR_IN, CHAIR_OUT),
    ),
    "conferences:meeting": Expect(kwargs=on_meeting, get=(MEETING_IN, MEETING_OUT)),
    "conferences:sign": Expect(
        kwargs=on_meeting,
        get=answer(405),
        post=(
            answer(404, **dict.fromkeys(MEMBERS_IN, 302)),
            answer(404, coordinator=302, information_officer=302),
        ),
    ),
    "conferences:agenda": Expect(
        kwargs=on_meeting, get=(CHAIR_IN, CHAIR_OUT), post=(CHAIR_IN, CHAIR_OUT)
    ),
    # The publication preview: the chair's, like the agenda page; it only reads (GET).
    "conferences:publish": Expect(kwargs=on_meeting, get=(CHAIR_IN, CHAIR_OUT)),
    "conferences:attendance": Expect(
        kwargs=on_meeting, get=(CHAIR_IN, CHAIR_OUT), post=(CHAIR_IN, CHAIR_OUT)
    ),
    # The item on the outside case: the coordinator chairs, but may not see the case.
    "conferences:minute": Expect(
        kwargs=on_item,
        get=(CHAIR_IN, {**CHAIR_OUT, "coordinator": 404}),
        post=(CHAIR_IN, {**CHAIR_OUT, "coordinator": 404}),
    ),
    "conferences:amend": Expect(
        kwargs=on_item,
        get=(CHAIR_IN, {**CHAIR_OUT, "coordinator": 404}),
        post=(CHAIR_IN, {**CHAIR_OUT, "coordinator": 404}),
    ),
    "conferences:finalise": Expect(
        kwargs=on_meeting,
        get=answer(405),
        post=({**CHAIR_IN, "coordinator": 302}, {**CHAIR_OUT, "coordinator": 302}),
    ),
    "conferences:minutes": Expect(kwargs=on_meeting, get=(MEETING_IN, MEETING_OUT)),
    # The minutes as a numbered PDF copy for its reader, and the meeting's calendar file: for
    # whoever sees the meeting (the copy after the declaration, which everyone here signed).
    "conferences:minutes_pdf": Expect(kwargs=on_meeting, get=(MEETING_IN, MEETING_OUT)),
    "conferences:calendar": Expect(kwargs=on_meeting, get=(MEETING_IN, MEETING_OUT)),
    # Approving draft minutes is refused with a message: back to the minutes.
    "conferences:approve": Expect(
        kwargs=on_meeting,
        get=answer(405),
        post=({**CHAIR_IN, "coordinator": 302}, {**CHAIR_OUT, "coordinator": 302}),
    ),
    # The live meeting (issue 17). Its steps are the chair's; a POST naming no step comes back
    # to the meeting. Every member follows the live screen; the chair is taken to the item on
    # the table (inside), or shown the screen with no item they see (outside).
    "conferences:state": Expect(
        kwargs=on_meeting,
        get=answer(405),
        post=({**CHAIR_IN, "coordinator": 302}, {**CHAIR_OUT, "coordinator": 302}),
    ),
    "conferences:reopen": Expect(
        kwargs=on_meeting, get=(CHAIR_IN, CHAIR_OUT), post=(CHAIR_IN, CHAIR_OUT)
    ),
    "conferences:briefing": Expect(kwargs=on_meeting, get=(MEETING_IN, MEETING_OUT)),
    "conferences:briefing_pdf": Expect(kwargs=on_meeting, get=(MEETING_IN, MEETING_OUT)),
    "conferences:live": Expect(
        kwargs=on_meeting, get=({**MEETING_IN, "coordinator": 302}, MEETING_OUT)
    ),
    "conferences:live_now": Expect(kwargs=on_meeting, get=(MEETING_IN, MEETING_OUT)),
    "conferences:live_item": Expect(
        kwargs=on_item,
        get=(CHAIR_IN, {**CHAIR_OUT, "coordinator": 404}),
        post=(CHAIR_IN, {**CHAIR_OUT, "coordinator": 404}),
    ),
    "conferences:live_move": Expect(
        kwargs=on_item,
        get=answer(405),
        post=({**CHAIR_IN, "coordinator": 302}, {**CHAIR_OUT, "coordinator": 404}),
    ),
    # Issue 17, parts 4 and 5. A recusal is the chair's; the agency checks to answer are listed
    # for every role that sees cases (empty for those asked nothing); an agency check is
    # answered by a member of an agency on the series who sees the meeting and the item (the
    # information officer sees the item outside, but their agency is not asked: 403).
    "conferences:recusal": Expect(
        kwargs=on_meeting, get=(CHAIR_IN, CHAIR_OUT), post=(CHAIR_IN, CHAIR_OUT)
    ),
    # Withdrawing a recusal is the chair's, posted from the attendance page; a POST naming no
    # recusal comes back there with a message.
    "conferences:recusal_withdraw": Expect(
        kwargs=on_meeting,
        get=answer(405),
        post=({**CHAIR_IN, "coordinator": 302}, {**CHAIR_OUT, "coordinator": 302}),
    ),
    "conferences:checks_todo": Expect(get=answer(404, **dict.fromkeys(CASE_WORKERS, 200))),
    "conferences:checks": Expect(kwargs=on_meeting, get=(CHAIR_IN, CHAIR_OUT)),
    "conferences:check": Expect(
        kwargs=on_item,
        get=(answer(404, **dict.fromkeys(MEMBERS_IN, 200)), answer(404, information_officer=403)),
        post=(answer(404, **dict.fromkeys(MEMBERS_IN, 200)), answer(404, information_officer=403)),
    ),
    # --- The sharing-decision log of a case (issue 18): read by the case team and the
    # information officer, as the case is; an empty POST shows the form again.
    "sharing:log": Expect(kwargs=case_ref, get=case_team_page()),
    "sharing:record": Expect(kwargs=case_ref, get=case_team_page(), post=case_team_page()),
    # --- Oversight.
    "oversight:dashboard": Expect(get=answer(404, coordinator=200)),
    "oversight:statistics": Expect(get=answer(404, coordinator=200, mayor_office=200)),
    "oversight:statistics_csv": Expect(get=answer(404, coordinator=200, mayor_office=200)),
    "oversight:annual_report": Expect(get=answer(404, coordinator=200, mayor_office=200)),
    "oversight:mayor": Expect(get=answer(404, mayor_office=200)),
    "oversight:mayor_decide": Expect(
        kwargs=lambda w, scope: {"escalation_id": getattr(w, f"mayor_escalation_{scope}").pk},
        get=(answer(404, mayor_office=200), answer(404)),
        post=(answer(404, mayor_office=200), answer(404)),
    ),
    "oversight:mayor_meeting": Expect(
        get=answer(404, coordinator=200), post=answer(404, coordinator=200)
    ),
}


def url_names(resolver=None, namespace: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(url_names(pattern, inner))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}")
    return names


def test_every_url_pattern_has_an_expectation():
    # The admin site is checked on its own below: it is for the admin role only.
    names = {name for name in url_names() if not name.startswith("admin:")}
    assert names - set(EXPECTATIONS) == set(), "add these pages to EXPECTATIONS"
    assert set(EXPECTATIONS) - names == set(), "these expectations name no page"


def readable(response) -> bytes:
    """What a reader reads in a response: the text of a PDF (its streams are compressed and
    its fonts subset, so a canary in it is not in its bytes), the body of anything else."""
    if response.streaming:
        return b"".join(response.streaming_content)
    if response.get("Content-Type") == "application/pdf":
        from pypdf import PdfReader

        pages = PdfReader(io.BytesIO(response.content)).pages
        return "\n".join(page.extract_text() for page in pages).encode()
    return response.content


def _client_for(client, world, role):
    client.logout()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _requests(world):
    """Every (description, method, url, expected-by-role) this file knows."""
    for name, expect in EXPECTATIONS.items():
        for method, table in (("get", expect.get), ("post", expect.post)):
            if table is None:
                continue
            tables = table if isinstance(table, tuple) else (table,)
            scopes = ("in", "out") if expect.kwargs else (None,)
            for scope, statuses in zip(
                scopes, tables if expect.kwargs else tables[:1], strict=False
            ):
                kwargs = expect.kwargs(world, scope) if expect.kwargs else {}
                yield (
                    f"{method.upper()} {name} [{scope or '-'}]",
                    method,
                    reverse(name, kwargs=kwargs),
                    statuses,
                )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_every_page(client, world, role):
    client = _client_for(client, world, role)
    wrong = []
    for label, method, url, statuses in _requests(world):
        response = getattr(client, method)(url)
        if response.status_code != statuses[role]:
            wrong.append(f"{label}: got {response.status_code}, expected {statuses[role]}")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)


# Which canaries each role may read. Anything not listed must appear in no response.
MAY_READ = {
    "anonymous": set(),
    "social_worker": {CANARY_L2, CANARY_NAME},
    "police": {CANARY_L2, CANARY_L3, CANARY_L4, CANARY_NAME},
    "police_other": {CANARY_L2, CANARY_NAME},
    "information_officer": {CANARY_L2, CANARY_L3, CANARY_L4, CANARY_OUT, CANARY_NAME},
    "coordinator": {CANARY_L2, CANARY_NAME},
    "youth_worker": set(),
    "partner": set(),
    "mayor_office": set(),
    "admin": set(),
}
CANARIES = {CANARY_L2, CANARY_L3, CANARY_L4, CANARY_OUT, CANARY_NAME}


@pytest.mark.parametrize("role", ROLES)
def test_no_response_leaks_what_the_role_may_not_read(client, world, role):
    client = _client_for(client, world, role)
    forbidden = CANARIES - MAY_READ[role]
    leaks = []
    for label, method, url, _statuses in _requests(world):
        response = getattr(client, method)(url)
        body = readable(response)
        leaks += [f"{label}: {canary}" for canary in forbidden if canary.encode() in body]
    # Searches too: a name search must not find a person through a case one may not see.
    if role != "anonymous":
        for term in (CANARY_NAME, world.case_out.reference):
            response = client.get(reverse("cases:list"), {"q": term})
            leaks += [f"search {term}: {c}" for c in forbidden if c.encode() in response.content]
    assert leaks == []


@pytest.mark.parametrize("role", ROLES)
def test_the_roles_own_readable_canaries_do_show(client, world, role):
    """Guards the leak test: it must be able to see a canary where one is allowed."""
    client = _client_for(client, world, role)
    seen = set()
    for _label, method, url, _statuses in _requests(world):
        if method == "get":
            response = client.get(url)
            body = b"" if response.streaming else readable(response)
            seen |= {c for c in CANARIES if c.encode() in body}
    assert seen == MAY_READ[role]


@pytest.mark.parametrize("role", ROLES)
def test_the_sharing_log_shows_a_not_shared_decision_to_the_case_team_and_nothing_to_others(
    client, world, role
):
    """Done when (issue 18): the case team (and the information officer, who sees every case)
    read the decision not to share with its reason; anyone else gets 404 and not a word of it,
    on the log's page or on any other page of the matrix."""
    client = _client_for(client, world, role)
    response = client.get(reverse("sharing:log", kwargs=case_ref(world, "in")))
    body = response.content.decode()
    if role in CASE_WORKERS:
        assert response.status_code == 200
        assert NOT_SHARED_REASON in body and "Not shared" in body and "The school" in body
        return
    assert response.status_code == (302 if role == "anonymous" else 404)
    shown = [
        label
        for label, method, url, _statuses in _requests(world)
        if NOT_SHARED_REASON.encode() in readable(getattr(client, method)(url))
    ]
    assert shown == []


def test_no_email_carries_case_content(world):
    assert mail.outbox, "releases notify their recipients"
    for message in mail.outbox:
        text = message.subject + message.body
        assert not any(canary in text for canary in CANARIES)
        assert world.case_in.reference not in text
        assert world.release_in.title not in text


# --- The admin site --------------------------------------------------------------------------

CASE_CONTENT_MODELS = {
    "case",
    "person",
    "chronologyentry",
    "attachment",
    "assessment",
    "assessmentrating",
    "action",
    "escalation",
    "statuschange",
    "release",
    "accessrequest",
    "logentry",
    "caseuserobjectpermission",
    "casegroupobjectpermission",
    "releaseacknowledgement",
    "referral",
    "screening",
    "outboundreferral",
    "prisonrelease",
    "prisonreleasetask",
    "sharingdecision",
}


def test_no_case_content_is_in_the_admin():
    registered = {model._meta.model_name for model in admin.site._registry}
    assert registered & CASE_CONTENT_MODELS == set()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_admin_role_enters_the_admin(client, world, role):
    client = _client_for(client, world, role)
    pages = [reverse("admin:index")] + [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    ]
    for url in pages:
        response = client.get(url)
        if role == "admin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert reverse("admin:login") in response["Location"]
