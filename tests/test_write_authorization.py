"""Every state-changing URL of the project, posted a valid form by every role, on objects inside
and outside the user's reach: the write matrix, next to the read matrix (test_authorization.py).

A URL pattern whose view takes a POST and has no write here fails
`test_every_state_changing_url_has_a_write_expectation`, so a new write cannot slip through
untested. Each write is the form a real user would send (a chronology entry, a new owner, a team
grant, a guest, an approval, a prison-release protocol, a release, a minute, a screening ...).

A refused write answers its refusal (404 for what the user may not see, 403 for what they see
but may not change, the form again with the reason, or the sign-in page) and leaves every row of
every application table as it was: the tables are compared, not just the status. An allowed
write answers as a page does after writing and changes at least one table, and the change the
write is about (a new owner, a grant) is checked where it widens access. Every answer is also
searched for the canaries of the read matrix the role may not read.

Also here: every case write again once the case's processing is restricted; a POST to each page
that declares no methods (it must change nothing); the administration's writes. The services
are tried on their own, without a URL, in tests/cases/test_write_policy.py,
tests/conferences/test_service_writes.py and tests/referrals/test_write_rules.py.

Each role's test builds the world once and runs every write in a savepoint rolled back after it.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.oath import TOTP

from access.models import AccessRequest
from accounts import security
from accounts.models import Level, Role, SecurityEvent, SignedInSession
from audit.models import ProcessingActivity
from cases.models import (
    Action,
    Assessment,
    AssessmentRating,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ChronologyEntry,
    ConcernCategory,
    Escalation,
    Indicator,
)
from conferences import selectors as conference_selectors
from conferences.models import (
    AgencyCheck,
    AgendaItem,
    ConferenceSeries,
    DeclarationSignature,
    Meeting,
    MinutesApproval,
    Recusal,
)
from core import drafts
from privacy import subject_rights
from privacy.models import (
    AgreementParty,
    DestructionList,
    LegalGateway,
    LegalHold,
    SharingAgreement,
    SharingDecision,
)
from referrals import forms as referral_forms
from referrals.models import OutboundReferral, PrisonRelease, Referral, Screening
from releases.models import ReleaseAcknowledgement
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    make_agreement,
    make_case,
    make_user,
    referral_fields,
    standing_agreement,
)
from tests.test_authorization import (  # noqa: F401 (fixture)
    ALL_SIGNED_IN,
    CANARIES,
    CANARY_L4,
    CASE_WORKERS,
    EXPECTATIONS,
    MAY_READ,
    MEMBERS_IN,
    ROLES,
    World,
    world,
)

# --- Which URL patterns take a POST -----------------------------------------------------------


def allowed_methods(view) -> set[str] | None:
    """The HTTP methods a view declares (require_POST, require_http_methods, a class-based
    view's handlers), looking through its decorators; None when it declares none and so
    answers every method."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    layer = view
    while layer is not None:
        code = getattr(layer, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = layer.__closure__[code.co_freevars.index("request_method_list")]
            return set(cell.cell_contents)
        layer = getattr(layer, "__wrapped__", None)
    return None


def url_views(resolver=None, namespace: str = "") -> dict[str, object]:
    resolver = resolver or get_resolver()
    views = {}
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            views.update(url_views(pattern, inner))
        elif isinstance(pattern, URLPattern):
            views[f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}"] = pattern.callback
    return views


# Patterns that take a POST but are no write of the kind this matrix is about, and why.
EXEMPT = {
    "login": "signing in: tests/access/test_login.py and test_sign_in_throttling.py",
    "logout": "signing out ends one's own session and changes no table",
    "two_factor:verify": "a sign-in step, one's own second factor: tests/access/test_two_factor.py",
    "two_factor:recovery_codes": (
        "one's own recovery codes, only in a session verified by the second factor: "
        "tests/access/test_two_factor.py"
    ),
    "session_status": "keeps one's own session alive; changes only the session",
    **dict.fromkeys(
        [
            "otp_webauthn:credential-registration-begin",
            "otp_webauthn:credential-registration-complete",
            "otp_webauthn:credential-authentication-begin",
            "otp_webauthn:credential-authentication-complete",
        ],
        "one's own security key (django-otp-webauthn), registered or used as the second factor: "
        "tests/accounts/test_security_keys.py and tests/e2e/test_security_keys.py",
    ),
    "sessions": (
        "ends one's own sessions only (the session tables and a security event): "
        "tests/accounts/test_sessions.py tries another's session and ending every session"
    ),
    "set_language": "one's own interface language: tests/access/test_translations.py",
    "password_forgotten": (
        "asks for a link to be e-mailed to an address's holder, whoever asks: it writes only "
        "security events (not compared here) and shows the one who asks nothing of the account: "
        "tests/accounts/test_password_links.py"
    ),
    "password_choose": (
        "a password chosen through the link e-mailed to the account's holder (its token, not "
        "the role, decides): tests/accounts/test_password_links.py tries another account's "
        "link, a used, an expired and a disabled account's one"
    ),
}
# The administration site is the admin role's alone (test_authorization.py checks that nobody
# else enters it); its writes and their separation of duties are tests/access/test_admin_*.py.
ADMIN_NAMESPACE = "admin:"


# --- What a write may change ------------------------------------------------------------------

# Not compared: sessions (the sign-in, and the messages shown after a write), the security
# events (a sign-in is one) and the records of signed-in sessions: bookkeeping of the request,
# not application data.
NOT_COMPARED = {Session, SecurityEvent, SignedInSession}


@cache
def _table_queries() -> list[tuple[str, str, tuple]]:
    """(label, SQL, parameters) reading every row of every table of every installed app,
    many-to-many tables included, in primary-key order. Plain SQL: the ORM would compile the
    same queries again for every one of the thousand comparisons. The audit log is read
    without the rows a request writes whatever it does: the reads (a door records the read
    before it refuses a write) and the audit rows of the security events."""
    quote = connection.ops.quote_name
    queries = []
    for model in apps.get_models(include_auto_created=True):
        if model in NOT_COMPARED or model._meta.proxy or not model._meta.managed:
            continue
        where, params = "", ()
        if model is LogEntry:
            types = ContentType._meta.db_table
            where = (
                f" WHERE {quote('action')} <> %s AND {quote('content_type_id')} NOT IN"
                f" (SELECT {quote('id')} FROM {quote(types)} WHERE {quote('app_label')} = %s"
                f" AND {quote('model')} = %s)"
            )
            meta = SecurityEvent._meta
            params = (LogEntry.Action.ACCESS, meta.app_label, meta.model_name)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        queries.append((model._meta.label, f"SELECT * FROM {table}{where} ORDER BY {pk}", params))
    return queries


def table_checksums() -> dict[str, str]:
    """A digest of every compared table's rows."""
    sums = {}
    with connection.cursor() as cursor:
        for label, sql, params in _table_queries():
            cursor.execute(sql, params)
            sums[label] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return sums


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


# --- Outcomes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int | tuple[int, ...]
    writes: bool  # whether a table changes
    effect: bool | None  # whether the write's own effect (Write.effect) shows, where checked
    label: str


WRITTEN = Outcome(302, True, True, "written, then sent on to what was written")
NOT_FOUND = Outcome(404, False, False, "404, nothing changed")
FORBIDDEN = Outcome(403, False, False, "403, nothing changed")
REFUSED = Outcome(200, False, False, "the form again with the refusal, nothing changed")
SIGN_IN = Outcome(302, False, False, "sent to sign in, nothing changed")
# A write refused on a page without a form (its message shown on the page it came from).
SENT_BACK = Outcome(302, False, False, "sent back with the refusal, nothing changed")
# A disclosure's form keeps its draft and sends on to "check your answers": nothing is written
# until the check page's button (its own write below).
DRAFTED = Outcome(302, False, False, "the draft kept, sent on to be checked, nothing changed")
# The case edit form keeps the owner and lead agency fixed for who may not change them (the
# fields are disabled): the rest of the form is saved, the owner and lead agency are not.
SAVED_WITHOUT_IT = Outcome(302, True, False, "the rest saved, the owner and lead agency kept")
# On a case whose processing is restricted, seen by the user: the form says why, or 403.
STOPPED = Outcome((200, 403), False, False, "refused on the restricted case, nothing changed")


def outcomes(default: Outcome = NOT_FOUND, **by_role: Outcome) -> dict[str, Outcome]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = SIGN_IN
    table.update(by_role)
    return table


def written_by(*roles: str, **others: Outcome) -> dict[str, Outcome]:
    return outcomes(**dict.fromkeys(roles, WRITTEN), **others)


# --- One attempt ------------------------------------------------------------------------------


@dataclass
class Attempt:
    w: World
    scope: str  # "in" or "out"
    role: str
    user: object | None  # None for the anonymous visitor
    prepared: dict = field(default_factory=dict)

    def get(self, name: str):
        return getattr(self.w, f"{name}_{self.scope}")

    @property
    def case(self) -> Case:
        return Case.objects.get(pk=self.get("case").pk)

    def newcomer(self):
        """A social worker on no team of the case tried: the one a widening write lets in."""
        return self.w.case_out.owner if self.scope == "in" else self.w.users["social_worker"]

    def agency(self, role: str):
        return self.w.users[role].profile.agency


@dataclass
class Write:
    url: str
    what: str
    inside: dict[str, Outcome]
    outside: dict[str, Outcome] | None = None  # None: the write names no object
    kwargs: Callable[[Attempt], dict] = lambda a: {}
    data: Callable[[Attempt], dict] = lambda a: {}
    prepare: Callable[[Attempt], dict | None] | None = None
    effect: Callable[[Attempt], bool] | None = None
    # On the case inside once its processing is restricted: False, refused to everyone; True,
    # still allowed (it ends a disclosure, refuses, or lifts the restriction); None, the write
    # is not on that case (see test_a_restricted_case_takes_no_write_from_any_page).
    restricted: bool | None = None
    # A write nobody may make: a finding of issue 14, or an id taken from elsewhere.
    nobody: bool = False

    @property
    def label(self) -> str:
        return f"{self.url} ({self.what})"


def today_plus(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def wall_clock(delta: timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def case_ref(a: Attempt) -> dict:
    return {"reference": a.get("case").reference}


def on_case(attribute: str, name: str) -> Callable[[Attempt], dict]:
    return lambda a: {**case_ref(a), name: a.get(attribute).pk}


# The register of processing activities has no reach: "in" and "out" are two of its entries.
REGISTER_ENTRY = {
    "name_en": "Camera surveillance",
    "name_nl": "Camerabewaking",
    "name_fr": "Vidéosurveillance",
    "purpose": "Protect the case files room",
    "legal_basis": "GDPR art. 6(1)(f)",
    "data_subjects": "Visitors and staff",
    "data_categories": "Images",
    "recipients": "The security officer",
    "retention": "Thirty days",
}


def register_code(a: Attempt) -> str:
    return "releases" if a.scope == "in" else "security"


def on_id(attribute: str, name: str) -> Callable[[Attempt], dict]:
    return lambda a: {name: a.get(attribute).pk}


def on_item(a: Attempt) -> dict:
    item = a.get("item")
    return {"meeting_id": item.meeting_id, "item_id": item.pk}


def has_grant(a: Attempt, user) -> bool:
    return CaseUserObjectPermission.objects.filter(content_object=a.case, user=user).exists()


# --- The case's own forms ---------------------------------------------------------------------


def case_open_form(a: Attempt) -> dict:
    """A new case for a person already known, by their code: on a case the user sees (inside)
    or on one they do not (outside)."""
    return {
        "existing_person": a.get("case").person.code,
        "gender": "unknown",
        "lead_agency": a.agency("social_worker").pk,
        "owner": a.w.users["social_worker"].pk,
        "categories": [ConcernCategory.objects.filter(is_active=True).first().pk],
        "risk_level": "moderate",
        "legal_basis": "livc_law",
        "not_informed_reason": "Informing him would put his sister at risk.",
    }


def case_edit_form(**changes) -> Callable[[Attempt], dict]:
    def data(a: Attempt) -> dict:
        case = a.case
        form = {
            "version": case.version,
            "risk_level": case.risk_level,
            "categories": [ConcernCategory.objects.filter(is_active=True).first().pk],
            "lead_agency": case.lead_agency_id,
            "owner": case.owner_id,
            "next_review_date": "",
            "legal_basis": case.legal_basis,
            "not_informed_reason": case.not_informed_reason,
        }
        for name, value in changes.items():
            form[name] = value(a) if callable(value) else value
        return form

    return data


def team_form(action: str) -> Callable[[Attempt], dict]:
    def data(a: Attempt) -> dict:
        if action == "add_user":
            return {
                "action": action,
                "user-user": a.newcomer().pk,
                "user-reason": "Works with the family",
                "user-expires_on": "",
            }
        if action == "add_agency":
            return {
                "action": action,
                "agency-agency": a.agency("partner").pk,
                "agency-reason": "The school follows him",
            }
        leaving = a.w.users["police_other"] if a.scope == "in" else a.w.case_out.owner
        return {"action": action, "user": leaving.pk}

    return data


def assessment_form(a: Attempt) -> dict:
    form = {
        "overall_judgement": Assessment.Judgement.MODERATE,
        "what_changed": "He left the group chat.",
        "level": Level.L2,
        # L2 is wider than the police's usual L4: confirmed, as the form asks.
        "share_widely": "on",
    }
    for indicator in Indicator.objects.filter(is_active=True):
        form[f"rating_{indicator.pk}"] = AssessmentRating.Rating.values[1]
        form[f"note_{indicator.pk}"] = ""
    return form


CASE_WRITES = [
    Write(
        "cases:open",
        "a new case for a known person",
        inside=written_by(
            "social_worker",
            "coordinator",
            "information_officer",
            police=FORBIDDEN,
            police_other=FORBIDDEN,
        ),
        outside=written_by(
            "information_officer",
            social_worker=REFUSED,
            coordinator=REFUSED,
            police=FORBIDDEN,
            police_other=FORBIDDEN,
        ),
        data=case_open_form,
        effect=lambda a: Case.objects.filter(person=a.get("case").person).count() == 2,
    ),
    Write(
        "cases:edit",
        "risk level",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=case_edit_form(risk_level="high"),
        effect=lambda a: a.case.risk_level == "high",
    ),
    Write(
        "cases:edit",
        "change of owner",
        restricted=False,
        inside=written_by(
            "social_worker",
            "coordinator",
            police=SAVED_WITHOUT_IT,
            police_other=SAVED_WITHOUT_IT,
            information_officer=SAVED_WITHOUT_IT,
        ),
        outside=outcomes(information_officer=SAVED_WITHOUT_IT),
        kwargs=case_ref,
        data=case_edit_form(owner=lambda a: a.newcomer().pk),
        effect=lambda a: a.case.owner_id == a.newcomer().pk or has_grant(a, a.newcomer()),
    ),
    Write(
        "cases:edit",
        "change of lead agency",
        restricted=False,
        inside=written_by(
            "social_worker",
            "coordinator",
            police=SAVED_WITHOUT_IT,
            police_other=SAVED_WITHOUT_IT,
            information_officer=SAVED_WITHOUT_IT,
        ),
        outside=outcomes(information_officer=SAVED_WITHOUT_IT),
        kwargs=case_ref,
        data=case_edit_form(lead_agency=lambda a: a.agency("partner").pk),
        effect=lambda a: (
            a.case.lead_agency_id == a.agency("partner").pk
            or CaseGroupObjectPermission.objects.filter(
                content_object=a.case, group=a.agency("partner").group
            ).exists()
        ),
    ),
    Write(
        "cases:team",
        "a person joins the team",
        restricted=False,
        inside=written_by(
            "social_worker",
            "coordinator",
            police=FORBIDDEN,
            police_other=FORBIDDEN,
            information_officer=FORBIDDEN,
        ),
        outside=outcomes(information_officer=FORBIDDEN),
        kwargs=case_ref,
        data=team_form("add_user"),
        effect=lambda a: has_grant(a, a.newcomer()),
    ),
    Write(
        "cases:team",
        "an agency joins the team",
        restricted=False,
        inside=written_by(
            "social_worker",
            "coordinator",
            police=FORBIDDEN,
            police_other=FORBIDDEN,
            information_officer=FORBIDDEN,
        ),
        outside=outcomes(information_officer=FORBIDDEN),
        kwargs=case_ref,
        data=team_form("add_agency"),
        effect=lambda a: CaseGroupObjectPermission.objects.filter(
            content_object=a.case, group=a.agency("partner").group
        ).exists(),
    ),
    Write(
        "cases:team",
        "a person leaves the team",
        restricted=False,
        inside=written_by(
            "social_worker",
            "coordinator",
            police=FORBIDDEN,
            police_other=FORBIDDEN,
            information_officer=FORBIDDEN,
        ),
        outside=outcomes(information_officer=FORBIDDEN),
        kwargs=case_ref,
        data=team_form("remove"),
    ),
    Write(
        "cases:status",
        "to information gathering",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=lambda a: {
            "version": a.case.version,
            "to_status": Case.Status.INFORMATION_GATHERING,
            "reason": "The school and the police are asked.",
            "next_review_date": "",
            "closure_reason": "",
        },
    ),
    Write(
        "cases:entry_add",
        "a chronology entry",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=lambda a: {
            "kind": ChronologyEntry.Kind.CONTACT,
            "occurred_at": wall_clock(-timedelta(hours=2)),
            "level": Level.L1,
            "text": "Phoned his mother.",
            # L1 is wider than every writer's usual level: they confirm it (issue 16).
            "share_widely": "on",
        },
    ),
    Write(
        "cases:entry_correct",
        "a correction",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=on_case("entry", "entry_id"),
        data=lambda a: {"text": "Met at the sports hall, not the youth centre."},
    ),
    Write(
        "cases:entry_correct",
        "an entry of the case outside, under the address of the case inside",
        inside=outcomes(),
        kwargs=lambda a: {**case_ref(a), "entry_id": a.w.entry_out.pk},
        data=lambda a: {"text": "Rewritten."},
        nobody=True,
    ),
    Write(
        "cases:assessment_add",
        "an assessment",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=assessment_form,
    ),
    Write(
        "cases:action_add",
        "an action",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=lambda a: {
            "description": "Find him a football club.",
            "owner": a.get("case").owner_id,
            "due_date": today_plus(14),
            "consent": Action.Consent.NOT_NEEDED,
        },
    ),
    Write(
        "cases:action_update",
        "an action done",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=on_case("action", "action_id"),
        data=lambda a: {
            "status": Action.Status.DONE,
            "status_note": "",
            "due_date": today_plus(7),
            "consent": Action.Consent.NOT_NEEDED,
        },
    ),
    Write(
        "cases:action_update",
        "an action of the case outside, under the address of the case inside",
        inside=outcomes(),
        kwargs=lambda a: {**case_ref(a), "action_id": a.w.action_out.pk},
        data=lambda a: {
            "status": Action.Status.NOT_DONE,
            "status_note": "Rewritten.",
            "due_date": today_plus(7),
            "consent": Action.Consent.NOT_NEEDED,
        },
        nobody=True,
    ),
    Write(
        "cases:escalation_add",
        "an escalation to the coordinator",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=lambda a: {
            "audience": Escalation.Audience.COORDINATOR,
            "summary": "He stopped coming to the appointments.",
            "decision_requested": "May we ask the police to visit?",
        },
    ),
    Write(
        "cases:escalation_decide",
        "the coordinator's decision",
        restricted=False,
        inside=written_by(
            "coordinator",
            social_worker=FORBIDDEN,
            police=FORBIDDEN,
            police_other=FORBIDDEN,
            information_officer=FORBIDDEN,
        ),
        outside=outcomes(information_officer=FORBIDDEN),
        kwargs=on_case("escalation", "escalation_id"),
        data=lambda a: {"status": Escalation.Status.DECIDED, "decision": "Approved."},
    ),
    Write(
        "cases:escalation_decide",
        "an escalation of the case outside, under the address of the case inside",
        inside=outcomes(),
        kwargs=lambda a: {**case_ref(a), "escalation_id": a.w.escalation_out.pk},
        data=lambda a: {"status": Escalation.Status.DECIDED, "decision": "Approved."},
        nobody=True,
    ),
]


# --- Releases, access requests, data protection, accounts --------------------------------------


def release_form(a: Attempt) -> dict:
    return {
        "title": "For the outreach after his release",
        "summary": "Meet him at the youth centre on Wednesdays.",
        "purpose": "outreach",
        "legal_basis": "LIVC law",
        "expires_on": today_plus(30),
        "recipient_users": [a.w.users["youth_worker"].pk],
    }


def signed_draft(form: Callable[[Attempt], dict], key: Callable[[Attempt], str]):
    """What a check page posts: the form's answers, signed for the user and what they are
    about (core.drafts), as the page signed them."""

    def data(a: Attempt) -> dict:
        if a.user is None:
            return {"draft": "none"}
        draft = {
            name: [str(v) for v in value] if isinstance(value, list) else [str(value)]
            for name, value in form(a).items()
        }
        return {"draft": drafts.sign(draft, user=a.user, key=key(a))}

    return data


def ask_an_account_change(a: Attempt) -> dict:
    """A second administrator asks to raise an account: a police officer's to information
    officer (inside: the information officer confirms police roles), a youth worker's to social
    worker (outside: only an administrator confirms)."""
    asking = make_user(role=Role.ADMIN)
    account = a.w.users["police_other" if a.scope == "in" else "youth_worker"]
    change = security.profile_change(
        account=account,
        agency=account.profile.agency,
        role=Role.INFORMATION_OFFICER if a.scope == "in" else Role.SOCIAL_WORKER,
        clearance=None,
        requested_by=asking,
    )
    return {"change": change}


def totp_device(a: Attempt) -> dict:
    if a.user is None:
        return {}
    return {"device": security.totp_device_for_setup(user=a.user)}


def totp_token(a: Attempt) -> dict:
    device = a.prepared.get("device")
    if device is None:
        return {"token": "123456"}
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return {"token": f"{token:0{device.digits}d}"}


NEW_PASSWORD = "a-new-long-passphrase-9271"

ACCESS_WRITES = [
    Write(
        "releases:create",
        "a release drafted, not yet released",
        inside=outcomes(information_officer=DRAFTED),
        outside=outcomes(information_officer=DRAFTED),
        kwargs=case_ref,
        data=release_form,
        nobody=True,
    ),
    Write(
        "releases:create_check",
        "a release to a youth worker, confirmed on its check page",
        restricted=False,
        inside=written_by("information_officer"),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=signed_draft(release_form, lambda a: f"releases.case.{a.get('case').pk}"),
    ),
    Write(
        "releases:revise",
        "a new version drafted, not yet released",
        inside=outcomes(information_officer=DRAFTED),
        outside=outcomes(information_officer=DRAFTED),
        kwargs=on_id("release", "release_id"),
        data=release_form,
        nobody=True,
    ),
    Write(
        "releases:revise_check",
        "a new version, confirmed on its check page",
        restricted=False,
        inside=written_by("information_officer"),
        outside=written_by("information_officer"),
        kwargs=on_id("release", "release_id"),
        data=signed_draft(release_form, lambda a: f"releases.revise.{a.get('release').pk}"),
    ),
    Write(
        "releases:revoke",
        "a revocation",
        restricted=True,
        inside=written_by("information_officer"),
        outside=written_by("information_officer"),
        kwargs=on_id("release", "release_id"),
        data=lambda a: {"reason": "He moved away."},
    ),
    Write(
        "releases:acknowledge",
        "read by its recipient",
        restricted=True,
        inside=written_by("youth_worker"),
        outside=outcomes(),
        kwargs=on_id("release", "release_id"),
        effect=lambda a: ReleaseAcknowledgement.objects.filter(release=a.get("release")).exists(),
    ),
    Write(
        "access_requests:mine",
        "a request for access",
        inside=written_by("social_worker", "police", "police_other", "coordinator"),
        outside=written_by("social_worker", "police", "police_other", "coordinator"),
        data=lambda a: {"reference": a.get("case").reference, "reason": "I know his brother."},
    ),
    Write(
        "access_requests:decide",
        "approval: the requester joins the team",
        restricted=False,
        inside=written_by("social_worker", "coordinator"),
        outside=outcomes(),
        kwargs=on_id("request", "request_id"),
        data=lambda a: {"decision": "approve", "until": today_plus(30), "note": "For a month."},
        effect=lambda a: has_grant(a, a.get("request").requested_by),
    ),
    Write(
        "access_requests:decide",
        "refusal",
        restricted=True,
        inside=written_by("social_worker", "coordinator"),
        outside=outcomes(),
        kwargs=on_id("request", "request_id"),
        data=lambda a: {"decision": "refuse", "note": "Not needed."},
        effect=lambda a: (
            AccessRequest.objects.get(pk=a.get("request").pk).status == AccessRequest.Status.REFUSED
        ),
    ),
    Write(
        "audit:restriction",
        "restriction of processing",
        restricted=True,
        inside=written_by("information_officer"),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=lambda a: {"reason": "He contests the accuracy of the data (GDPR art. 18)."},
    ),
    Write(
        "agreements:create",
        "a sharing agreement registered",
        inside=written_by("coordinator"),
        data=lambda a: {
            "title": "Covenant with the schools",
            "kind": "covenant",
            "purpose": "Support pupils at risk",
            "gateways": [LegalGateway.objects.first().pk],
            "data_categories": "Identity, concerns",
            "max_level": Level.L2,
            "retention": "Five years",
            "parties": [a.agency("social_worker").pk, a.agency("partner").pk],
            "starts_on": today_plus(0),
            "review_on": today_plus(365),
        },
        effect=lambda a: SharingAgreement.objects.filter(
            title="Covenant with the schools"
        ).exists(),
    ),
    Write(
        "agreements:sign",
        "a party's sign-off (outside: one already recorded)",
        inside=written_by("coordinator"),
        outside=outcomes(coordinator=REFUSED),
        kwargs=on_id("party", "party_id"),
        data=lambda a: {"signatory": "M. Director", "signed_on": today_plus(0)},
        effect=lambda a: (
            AgreementParty.objects.get(pk=a.get("party").pk).signatory == "M. Director"
        ),
    ),
    Write(
        "agreements:end",
        "an agreement's end date (outside: one already ended)",
        inside=written_by("coordinator"),
        outside=outcomes(coordinator=REFUSED),
        kwargs=on_id("agreement", "agreement_id"),
        data=lambda a: {"ends_on": today_plus(10)},
        effect=lambda a: SharingAgreement.objects.get(pk=a.get("agreement").pk).ends_on is not None,
    ),
    Write(
        "processing:create",
        "an activity registered in the register of processing activities",
        inside=written_by("mayor_office"),
        data=lambda a: {"code": "cctv", **REGISTER_ENTRY},
        effect=lambda a: ProcessingActivity.objects.filter(code="cctv").exists(),
    ),
    Write(
        "processing:edit",
        "what the register of processing activities says of an activity",
        inside=written_by("mayor_office"),
        outside=written_by("mayor_office"),
        kwargs=lambda a: {"code": register_code(a)},
        data=lambda a: REGISTER_ENTRY,
        effect=lambda a: (
            ProcessingActivity.objects.get(code=register_code(a)).retention
            == REGISTER_ENTRY["retention"]
        ),
    ),
    Write(
        "retention:approve",
        "an approval of a destruction list (outside: a list already destroyed)",
        inside=written_by("coordinator", "mayor_office"),
        outside=outcomes(coordinator=SENT_BACK, mayor_office=SENT_BACK),
        kwargs=on_id("destruction_list", "list_id"),
        effect=lambda a: (
            DestructionList.objects.filter(pk=a.get("destruction_list").pk)
            .exclude(owner_approved_by=None, officer_approved_by=None)
            .exists()
        ),
    ),
    Write(
        "retention:holds",
        "a legal hold on a case",
        inside=written_by("information_officer", "mayor_office"),
        data=lambda a: {"reference": a.w.case_out.reference, "reason": "Inquest 2026/20"},
        effect=lambda a: LegalHold.objects.filter(
            case=a.w.case_out, lifted_at__isnull=True
        ).exists(),
    ),
    Write(
        "retention:hold_lift",
        "the lifting of a legal hold (outside: one already lifted)",
        inside=written_by("information_officer", "mayor_office"),
        outside=outcomes(information_officer=REFUSED, mayor_office=REFUSED),
        kwargs=on_id("legal_hold", "hold_id"),
        data=lambda a: {"reason": "The inquest is closed"},
        effect=lambda a: LegalHold.objects.get(pk=a.get("legal_hold").pk).lifted_at is not None,
    ),
    Write(
        "account_changes:list",
        "a second person confirms a raised role",
        inside=written_by("admin", "information_officer"),
        outside=written_by("admin"),
        prepare=ask_an_account_change,
        data=lambda a: {"change": a.prepared["change"].pk, "decision": "confirm"},
        effect=lambda a: (
            type(a.prepared["change"]).objects.get(pk=a.prepared["change"].pk).status == "confirmed"
        ),
    ),
    Write(
        "password_change",
        "one's own password",
        inside=outcomes(WRITTEN),
        data=lambda a: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    Write(
        "two_factor:setup",
        "one's own authenticator app",
        inside=outcomes(WRITTEN),
        prepare=totp_device,
        data=totp_token,
    ),
]


# --- Referrals ----------------------------------------------------------------------------------


def referral_form(a: Attempt, referral: Referral | None = None, action: str = "submit") -> dict:
    """The referral form as the browser sends it, with its token signed for the account that
    opened it (for a visitor whose session ended, the referrer's). Outside, a new referral's
    form carries the token of another referrer's draft, as if to overwrite it."""
    opener = a.user or (referral.referrer if referral else a.w.users["partner"])
    if referral is not None:
        token = referral.form_token
    else:
        token = uuid.uuid4() if a.scope == "in" else a.w.draft_out.form_token
    fields = referral_fields()
    fields["date_of_birth"] = fields["date_of_birth"].isoformat()
    fields["person_aware"] = "on"
    del fields["is_minor"]
    return {
        **fields,
        "token": referral_forms.sign_token(opener, token),
        "gender": "unknown",
        "urgency": Referral.Urgency.ROUTINE,
        "action": action,
    }


def screening_form(**extra) -> Callable[[Attempt], dict]:
    return lambda a: {
        "reasons": "Known to the school; no risk now.",
        "risk_level": "moderate",
        **{name: value(a) if callable(value) else value for name, value in extra.items()},
    }


SCREENERS_DECIDE = written_by(
    "coordinator", "information_officer", police=FORBIDDEN, police_other=FORBIDDEN
)


def outbound_form(a: Attempt) -> dict:
    return {
        "service": OutboundReferral.Service.MENTAL_HEALTH,
        "provider": a.agency("partner").pk,
        "person_details": "The young man the school called about.",
        "request": "An intake, please.",
        "consent": OutboundReferral.Consent.GIVEN,
    }


def prison_release_form(worker: Callable[[Attempt], object]) -> Callable[[Attempt], dict]:
    def data(a: Attempt) -> dict:
        return {
            "institution": "Prison of Haren",
            "expected_release_date": today_plus(60),
            "conditions": "No contact with the group.",
            "outreach_worker": worker(a).pk,
            "provider": a.agency("partner").pk,
            "person_details": "The young man released in two months.",
            "request": "Meet him before his release.",
            "consent": OutboundReferral.Consent.GIVEN,
        }

    return data


def on_the_team(a: Attempt):
    """Someone already on the case's team: the police officer inside, the owner outside."""
    return a.w.users["police"] if a.scope == "in" else a.w.case_out.owner


REFERRAL_WRITES = [
    Write(
        "referrals:new",
        "a referral sent",
        inside=outcomes(WRITTEN, admin=NOT_FOUND),
        outside=outcomes(FORBIDDEN, admin=NOT_FOUND),
        data=referral_form,
    ),
    Write(
        "referrals:edit",
        "a draft saved",
        inside=written_by("partner"),
        outside=outcomes(),
        kwargs=on_id("draft", "referral_id"),
        data=lambda a: referral_form(a, a.get("draft"), action="draft"),
    ),
    Write(
        "referrals:edit",
        "a draft deleted",
        inside=written_by("partner"),
        outside=outcomes(),
        kwargs=on_id("draft", "referral_id"),
        data=lambda a: referral_form(a, a.get("draft"), action="delete"),
        effect=lambda a: not Referral.objects.filter(pk=a.get("draft").pk).exists(),
    ),
    Write(
        "referrals:answer",
        "the referrer's answer",
        inside=written_by("partner"),
        outside=outcomes(),
        kwargs=on_id("question", "referral_id"),
        data=lambda a: {"answer": "He goes to the Athenée Royal."},
    ),
    Write(
        "referrals:screen",
        "no further action",
        inside=SCREENERS_DECIDE,
        outside=SCREENERS_DECIDE,
        kwargs=on_id("referral", "referral_id"),
        data=screening_form(outcome=Screening.Outcome.NO_FURTHER_ACTION),
    ),
    Write(
        "referrals:screen",
        "accepted: a new case, its owner and lead agency",
        inside=SCREENERS_DECIDE,
        outside=SCREENERS_DECIDE,
        kwargs=on_id("referral", "referral_id"),
        data=screening_form(
            outcome=Screening.Outcome.ACCEPTED,
            acceptance=Screening.Acceptance.NEW_PERSON,
            owner=lambda a: a.w.users["social_worker"].pk,
            lead_agency=lambda a: a.agency("social_worker").pk,
        ),
        effect=lambda a: Referral.objects.get(pk=a.get("referral").pk).case_id is not None,
    ),
    Write(
        "referrals:outbound_new",
        "an outbound referral drafted, not yet sent",
        inside=outcomes(**dict.fromkeys(CASE_WORKERS, DRAFTED)),
        outside=outcomes(information_officer=DRAFTED),
        kwargs=case_ref,
        data=outbound_form,
        nobody=True,
    ),
    Write(
        "referrals:outbound_check",
        "an outbound referral confirmed on its check page: the provider reads it",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=signed_draft(outbound_form, lambda a: f"referrals.outbound.{a.get('case').pk}"),
        effect=lambda a: (
            OutboundReferral.objects.filter(
                case=a.get("case"), provider=a.agency("partner"), request="An intake, please."
            )
            .exclude(pk=a.w.outbound_in.pk)
            .exists()
        ),
    ),
    Write(
        "referrals:outbound_answer",
        "the provider accepts",
        restricted=False,
        inside=written_by("partner", **dict.fromkeys(CASE_WORKERS, FORBIDDEN)),
        outside=outcomes(information_officer=FORBIDDEN),
        kwargs=on_id("outbound", "outbound_id"),
        data=lambda a: {"status": OutboundReferral.Status.ACCEPTED, "note": ""},
    ),
    Write(
        "referrals:outbound_revoke",
        "withdrawn from the provider",
        restricted=True,
        inside=written_by(*CASE_WORKERS, partner=FORBIDDEN),
        outside=written_by("information_officer"),
        kwargs=on_id("outbound", "outbound_id"),
        data=lambda a: {"reason": "He moved away."},
    ),
    Write(
        "referrals:prison_release",
        "set-up, outreach worker on the team",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=prison_release_form(on_the_team),
        effect=lambda a: PrisonRelease.objects.filter(case=a.get("case")).exists(),
    ),
    Write(
        "referrals:prison_release",
        "set-up, a new outreach worker joins the team",
        restricted=False,
        inside=written_by(
            "social_worker",
            "coordinator",
            police=REFUSED,
            police_other=REFUSED,
            information_officer=REFUSED,
        ),
        outside=outcomes(information_officer=REFUSED),
        kwargs=case_ref,
        data=prison_release_form(lambda a: a.newcomer()),
        effect=lambda a: has_grant(a, a.newcomer()),
    ),
]


# --- Conferences and oversight ------------------------------------------------------------------

# Meetings: "in" is the world's series (chair: the coordinator; members: the social worker and
# the police); "out" another agency's, whose item is on the case outside. The coordinator
# chairs every series; the information officer sees every meeting but chairs none.
CHAIR_WRITES_IN = written_by(
    "coordinator",
    **dict.fromkeys(["social_worker", "police", "information_officer"], FORBIDDEN),
)
CHAIR_WRITES_OUT = written_by("coordinator", information_officer=FORBIDDEN)
# On the item outside: on a case the coordinator may not see, so not there for them.
CHAIR_ITEM_OUT = outcomes(information_officer=FORBIDDEN)


def agreement_covering(series: ConferenceSeries):
    """A second agreement in force whose parties are the agencies of the series' members."""
    members = [*series.core_members.all(), series.chair]
    return make_agreement(title="Another protocol", parties={m.profile.agency for m in members})


def agreement_of_a_stranger():
    """An agreement in force whose one party is an agency none of the world's users is in."""
    return make_agreement(title="A stranger's covenant", parties=[AgencyFactory(party=False)])


def on_meeting(a: Attempt) -> dict:
    return {"meeting_id": a.get("meeting").pk}


def agenda(action: str, **extra) -> Callable[[Attempt], dict]:
    def data(a: Attempt) -> dict:
        form = {"action": action}
        for name, value in extra.items():
            form[name] = value(a) if callable(value) else value
        return form

    return data


def a_case_to_add(a: Attempt) -> dict:
    """A case not on the agenda yet: one the coordinator's agency leads (inside), or one of
    another agency (outside)."""
    owner = a.w.users["social_worker"] if a.scope == "in" else a.w.case_out.owner
    return {"case": make_case(owner=owner)}


def sign_again(a: Attempt) -> None:
    DeclarationSignature.objects.filter(meeting=a.get("meeting")).delete()


def a_police_l4_minute(a: Attempt) -> None:
    """Finding 1: the item's minute is at L4, written by a police chair."""
    police = a.w.users["police"]
    AgendaItem.objects.filter(pk=a.get("item").pk).update(
        discussion=f"Intelligence {CANARY_L4}",
        decision=AgendaItem.Decision.CONTINUE,
        minute_level=Level.L4,
        minute_agency=police.profile.agency,
        minuted_by=police,
        minuted_at=timezone.now(),
    )


def a_recusal(a: Attempt) -> dict:
    """A recusal on the item, recorded by the chair (the social worker inside, the owner of the
    case outside)."""
    attendee = a.w.users["social_worker"] if a.scope == "in" else a.w.case_out.owner
    recusal = Recusal.objects.create(
        item=a.get("item"),
        user=attendee,
        interest="Neighbour of the family",
        declared_at=timezone.now(),
        recorded_by=a.w.users["coordinator"],
    )
    return {"recusal": recusal}


def decided_items(a: Attempt) -> None:
    AgendaItem.objects.filter(meeting=a.get("meeting")).update(
        decision=AgendaItem.Decision.CONTINUE
    )


def in_state(status: str, then: Callable[[Attempt], None] | None = None):
    """The meeting in this state of its life (issue 17), then `then`."""

    def prepare(a: Attempt) -> None:
        Meeting.objects.filter(pk=a.get("meeting").pk).update(status=status)
        if then is not None:
            then(a)

    return prepare


def live_outcome_form(a: Attempt) -> dict:
    return {
        "version": AgendaItem.objects.get(pk=a.get("item").pk).version,
        "rows": 1,
        "action": "save",
        "decision": AgendaItem.Decision.CONTINUE,
        "discussion": "Discussed live; he found an apprenticeship.",
        "level": Level.L2,
        "risk_level": "high",
        "next_review_date": "",
        "closure_reason": "",
        "action_1_description": "",
        "action_1_owner": "",
        "action_1_due_date": "",
        "action_1_consent": "not_needed",
    }


def meeting_is(status: str) -> Callable[[Attempt], bool]:
    return lambda a: Meeting.objects.get(pk=a.get("meeting").pk).status == status


def final_minutes(a: Attempt) -> None:
    Meeting.objects.filter(pk=a.get("meeting").pk).update(status=Meeting.Status.FINAL)


def attendance_form(a: Attempt) -> dict:
    """Everyone invited marked present, in one submit (the attendance formset)."""
    rows = conference_selectors.invitees(meeting=a.get("meeting"))
    form = {
        "attendance-TOTAL_FORMS": len(rows),
        "attendance-INITIAL_FORMS": len(rows),
        "attendance-MIN_NUM_FORMS": len(rows),
        "attendance-MAX_NUM_FORMS": len(rows),
    }
    for index, row in enumerate(rows):
        form[f"attendance-{index}-attendee"] = row.user_id
        form[f"attendance-{index}-status"] = "present"
    return form


def published(a: Attempt) -> None:
    """Agency checks are answered once the agenda is published."""
    Meeting.objects.filter(pk=a.get("meeting").pk).update(status=Meeting.Status.PUBLISHED)


MINUTE_FORM = {
    "discussion": "Discussed; he is doing better at school.",
    "level": Level.L2,
    "decision": AgendaItem.Decision.CONTINUE,
    "next_review_date": "",
    "closure_reason": "",
}

CONFERENCE_WRITES = [
    Write(
        "conferences:series_new",
        "a new series",
        inside=written_by("coordinator"),
        data=lambda a: {
            "name": "Hands-on case meeting",
            "kind": "case_meeting",
            "chair": a.w.users["coordinator"].pk,
            "core_members": [a.w.users["social_worker"].pk],
            "cadence_days": 14,
            "weekday": 1,
            "start_time": "09:30",
            "default_location": "",
            "cutoff_days": 2,
            "agreement": standing_agreement().pk,
        },
    ),
    Write(
        "conferences:series_new",
        "a new series under an agreement that leaves a member's agency out (issue 18)",
        inside=outcomes(coordinator=REFUSED),
        prepare=lambda a: {"agreement": agreement_of_a_stranger()},
        nobody=True,
        data=lambda a: {
            "name": "Hands-on case meeting",
            "kind": "case_meeting",
            "chair": a.w.users["coordinator"].pk,
            "core_members": [a.w.users["social_worker"].pk],
            "cadence_days": 14,
            "weekday": 1,
            "start_time": "09:30",
            "default_location": "",
            "cutoff_days": 2,
            "agreement": a.prepared["agreement"].pk,
        },
    ),
    Write(
        "conferences:series_agreement",
        "the sharing agreement a series shares under",
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_WRITES_OUT,
        kwargs=on_id("series", "series_id"),
        prepare=lambda a: {"agreement": agreement_covering(a.get("series"))},
        data=lambda a: {"agreement": a.prepared["agreement"].pk},
        effect=lambda a: (
            ConferenceSeries.objects.get(pk=a.get("series").pk).agreement_id
            == a.prepared["agreement"].pk
        ),
    ),
    Write(
        "conferences:series_agreement",
        "an agreement that leaves a member's agency out (issue 18)",
        inside=outcomes(
            coordinator=REFUSED,
            **dict.fromkeys(["social_worker", "police", "information_officer"], FORBIDDEN),
        ),
        outside=outcomes(coordinator=REFUSED, information_officer=FORBIDDEN),
        kwargs=on_id("series", "series_id"),
        prepare=lambda a: {"agreement": agreement_of_a_stranger()},
        data=lambda a: {"agreement": a.prepared["agreement"].pk},
        nobody=True,
    ),
    Write(
        "conferences:series",
        "an ad hoc meeting",
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_WRITES_OUT,
        kwargs=on_id("series", "series_id"),
        data=lambda a: {"starts_at": wall_clock(timedelta(days=3)), "location": "Town hall"},
    ),
    Write(
        "conferences:sign",
        "the confidentiality declaration",
        inside=written_by(*MEMBERS_IN),
        outside=written_by("coordinator", "information_officer"),
        kwargs=on_meeting,
        prepare=sign_again,
    ),
    Write(
        "conferences:agenda",
        "a general item",
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_WRITES_OUT,
        kwargs=on_meeting,
        data=agenda("add_general", **{"general-title": "Trends in the neighbourhood"}),
    ),
    Write(
        "conferences:agenda",
        "a case put on the agenda",
        inside=CHAIR_WRITES_IN,
        outside=outcomes(information_officer=FORBIDDEN, coordinator=REFUSED),
        kwargs=on_meeting,
        prepare=a_case_to_add,
        data=agenda("add_case", **{"case-reference": lambda a: a.prepared["case"].reference}),
    ),
    Write(
        "conferences:agenda",
        "an item restricted",
        restricted=True,
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_ITEM_OUT,
        kwargs=on_meeting,
        data=agenda("restrict", item=lambda a: a.get("item").pk, level=Level.L2),
    ),
    Write(
        "conferences:agenda",
        "the time for an item set",
        restricted=True,
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_ITEM_OUT,
        kwargs=on_meeting,
        data=agenda("budget", item=lambda a: a.get("item").pk, minutes=25),
        effect=lambda a: AgendaItem.objects.get(pk=a.get("item").pk).time_budget_minutes == 25,
    ),
    Write(
        "conferences:agenda",
        "a guest for an item joins the case team",
        restricted=False,
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_ITEM_OUT,
        kwargs=on_meeting,
        data=agenda("guest", item=lambda a: a.get("item").pk, guest=lambda a: a.newcomer().pk),
        effect=lambda a: has_grant(a, a.newcomer()),
    ),
    Write(
        "conferences:agenda",
        "an item removed",
        restricted=True,
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_ITEM_OUT,
        kwargs=on_meeting,
        data=agenda("remove", item=lambda a: a.get("item").pk),
    ),
    Write(
        "conferences:agenda",
        "the agenda published",
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_WRITES_OUT,
        kwargs=on_meeting,
        data=agenda("publish"),
    ),
    Write(
        "conferences:attendance",
        "everyone's attendance in one submit",
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_WRITES_OUT,
        kwargs=on_meeting,
        data=attendance_form,
        effect=lambda a: not a.get("meeting").attendances.exclude(status="present").exists(),
    ),
    Write(
        "conferences:recusal",
        "a conflict of interest recuses an attendee from an item",
        restricted=True,
        inside=CHAIR_WRITES_IN,
        outside=outcomes(information_officer=FORBIDDEN, coordinator=REFUSED),
        kwargs=on_meeting,
        data=lambda a: {
            "item": a.get("item").pk,
            "attendee": (a.w.users["social_worker"] if a.scope == "in" else a.w.case_out.owner).pk,
            "interest": "Neighbour of the family",
        },
        effect=lambda a: Recusal.objects.filter(item=a.get("item")).exists(),
    ),
    Write(
        "conferences:recusal_withdraw",
        "a recusal withdrawn",
        restricted=True,
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_ITEM_OUT,
        kwargs=on_meeting,
        prepare=a_recusal,
        data=lambda a: {"recusal": a.prepared["recusal"].pk, "reason": "Declared in error."},
        effect=lambda a: Recusal.objects.filter(
            pk=a.prepared["recusal"].pk, withdrawn_at__isnull=False
        ).exists(),
    ),
    Write(
        "conferences:check",
        "an agency check: no trace",
        restricted=False,
        inside=written_by(*MEMBERS_IN),
        outside=outcomes(information_officer=FORBIDDEN),
        kwargs=on_item,
        prepare=published,
        data=lambda a: {"answer": AgencyCheck.Answer.NO_TRACE, "level": Level.L2},
        effect=lambda a: AgencyCheck.objects.filter(item=a.get("item")).exists(),
    ),
    Write(
        "conferences:check",
        "an agency check: relevant, shared in the chronology",
        restricted=False,
        inside=written_by(*MEMBERS_IN),
        outside=outcomes(information_officer=FORBIDDEN),
        kwargs=on_item,
        prepare=published,
        data=lambda a: {
            "answer": AgencyCheck.Answer.SHARED,
            "entry_text": "Known to the youth service since 2024.",
            "level": Level.L2,
        },
        effect=lambda a: AgencyCheck.objects.filter(
            item=a.get("item"), entry__isnull=False
        ).exists(),
    ),
    Write(
        "conferences:minute",
        "a minute",
        restricted=False,
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_ITEM_OUT,
        kwargs=on_item,
        prepare=in_state(Meeting.Status.OPEN),
        data=lambda a: MINUTE_FORM,
    ),
    Write(
        "conferences:minute",
        "over a police L4 minute (finding 1)",
        inside={**CHAIR_WRITES_IN, "coordinator": FORBIDDEN},
        kwargs=on_item,
        prepare=in_state(Meeting.Status.OPEN, a_police_l4_minute),
        data=lambda a: MINUTE_FORM,
        nobody=True,
    ),
    Write(
        "conferences:minute",
        "an item of the meeting outside, under the address of the meeting inside",
        inside={**CHAIR_WRITES_IN, "coordinator": NOT_FOUND},
        kwargs=lambda a: {"meeting_id": a.w.meeting_in.pk, "item_id": a.w.item_out.pk},
        data=lambda a: MINUTE_FORM,
        nobody=True,
    ),
    Write(
        "conferences:agenda",
        "a guest for an item of the meeting outside, through the meeting inside",
        inside={**CHAIR_WRITES_IN, "coordinator": NOT_FOUND},
        kwargs=lambda a: {"meeting_id": a.w.meeting_in.pk},
        data=agenda("guest", item=lambda a: a.w.item_out.pk, guest=lambda a: a.newcomer().pk),
        nobody=True,
    ),
    Write(
        "conferences:amend",
        "an amendment to final minutes",
        restricted=False,
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_ITEM_OUT,
        kwargs=on_item,
        prepare=final_minutes,
        data=lambda a: {"text": "He was present.", "reason": "Omitted.", "level": Level.L2},
    ),
    Write(
        "conferences:finalise",
        "minutes finalised",
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_WRITES_OUT,
        kwargs=on_meeting,
        prepare=in_state(Meeting.Status.CLOSED, decided_items),
        effect=meeting_is(Meeting.Status.FINAL),
    ),
    # --- The live meeting (issue 17): its steps, the chair's screen, moving an item.
    Write(
        "conferences:state",
        "the meeting opened",
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_WRITES_OUT,
        kwargs=on_meeting,
        prepare=in_state(Meeting.Status.PUBLISHED),
        data=lambda a: {"to": "open"},
        effect=meeting_is(Meeting.Status.OPEN),
    ),
    Write(
        "conferences:state",
        "the meeting closed",
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_WRITES_OUT,
        kwargs=on_meeting,
        prepare=in_state(Meeting.Status.OPEN),
        data=lambda a: {"to": "close"},
        effect=meeting_is(Meeting.Status.CLOSED),
    ),
    Write(
        "conferences:reopen",
        "a closed meeting reopened, with a reason",
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_WRITES_OUT,
        kwargs=on_meeting,
        prepare=in_state(Meeting.Status.CLOSED),
        data=lambda a: {"reason": "The decision on one case was missed."},
        effect=meeting_is(Meeting.Status.OPEN),
    ),
    Write(
        "conferences:live_item",
        "an outcome typed on the live screen (risk re-scored)",
        restricted=False,
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_ITEM_OUT,
        kwargs=on_item,
        prepare=in_state(Meeting.Status.OPEN),
        data=live_outcome_form,
        effect=lambda a: a.case.risk_level == "high",
    ),
    Write(
        "conferences:live_item",
        "an item put on the table",
        restricted=True,
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_ITEM_OUT,
        kwargs=on_item,
        prepare=in_state(
            Meeting.Status.OPEN,
            lambda a: Meeting.objects.filter(pk=a.get("meeting").pk).update(current_item=None),
        ),
        data=lambda a: {"action": "show"},
        effect=lambda a: (
            Meeting.objects.get(pk=a.get("meeting").pk).current_item_id == a.get("item").pk
        ),
    ),
    Write(
        "conferences:live_move",
        "an item moved to the series backlog",
        restricted=True,
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_ITEM_OUT,
        kwargs=on_item,
        prepare=in_state(Meeting.Status.OPEN),
        data=lambda a: {"to": "backlog"},
        effect=lambda a: AgendaItem.objects.get(pk=a.get("item").pk).moved_to == "backlog",
    ),
    Write(
        "conferences:approve",
        "the final minutes approved by the chair",
        inside=CHAIR_WRITES_IN,
        outside=CHAIR_WRITES_OUT,
        kwargs=on_meeting,
        prepare=final_minutes,
        effect=lambda a: MinutesApproval.objects.filter(meeting=a.get("meeting")).exists(),
    ),
    Write(
        "oversight:mayor_decide",
        "the mayor's decision",
        restricted=False,
        inside=written_by("mayor_office"),
        outside=outcomes(),
        kwargs=on_id("mayor_escalation", "escalation_id"),
        data=lambda a: {"status": Escalation.Status.DECIDED, "decision": "Closure order."},
    ),
    Write(
        "oversight:mayor_meeting",
        "a meeting with the mayor about a case",
        restricted=False,
        inside=written_by("coordinator"),
        outside=outcomes(coordinator=REFUSED),
        data=lambda a: {
            "reference": a.get("case").reference,
            "summary": "A closure order is considered.",
            "decision_requested": "A meeting this week.",
        },
    ),
]

# --- The sharing-decision log (issue 18) ------------------------------------------------------


def decision_form(kind: str, **extra: object) -> Callable[[Attempt], dict]:
    def data(a: Attempt) -> dict:
        return {
            "kind": kind,
            "information": "His school file",
            "recipient": "The school",
            "reason": "Logged by the write matrix",
            "level": Level.L2,
            # The police's usual level is L4: L2, wider, is confirmed as the form asks.
            "share_widely": "on",
            **{name: value(a) if callable(value) else value for name, value in extra.items()},
        }

    return data


def decision_logged(a: Attempt) -> bool:
    return SharingDecision.objects.filter(
        case=a.get("case"), reason="Logged by the write matrix"
    ).exists()


SHARING_WRITES = [
    Write(
        "sharing:record",
        "a decision not to share",
        restricted=False,
        inside=written_by(*CASE_WORKERS),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=decision_form("not_shared"),
        effect=decision_logged,
    ),
    Write(
        "sharing:record",
        "a disclosure to a third party outside the conference",
        restricted=False,
        # The other case workers are not offered the kind: the form again, with the reason.
        inside=written_by(
            "information_officer",
            "coordinator",
            social_worker=REFUSED,
            police=REFUSED,
            police_other=REFUSED,
        ),
        outside=written_by("information_officer"),
        kwargs=case_ref,
        data=decision_form(
            "third_party",
            recipient="The public prosecutor",
            gateway=lambda a: LegalGateway.objects.first().pk,
        ),
        effect=decision_logged,
    ),
]

WRITES: list[Write] = (
    CASE_WRITES + ACCESS_WRITES + REFERRAL_WRITES + CONFERENCE_WRITES + SHARING_WRITES
)


# --- The tests --------------------------------------------------------------------------------


def _patterns_taking_post() -> tuple[set[str], set[str]]:
    """(declared, undeclared): the patterns whose view declares POST among its methods, and
    those whose view declares none (so answers a POST too; see the last test below)."""
    declared, undeclared = set(), set()
    for name, view in url_views().items():
        if name.startswith(ADMIN_NAMESPACE):
            continue
        methods = allowed_methods(view)
        if methods is None:
            undeclared.add(name)
        elif "POST" in methods:
            declared.add(name)
    return declared, undeclared


def test_every_state_changing_url_has_a_write_expectation():
    declared, undeclared = _patterns_taking_post()
    covered = {write.url for write in WRITES}
    assert declared - covered - set(EXEMPT) == set(), "add these writes to WRITES"
    assert (covered | set(EXEMPT)) - declared - undeclared == set(), "these take no POST"
    assert covered & set(EXEMPT) == set()


def test_every_write_is_tried_inside_and_outside_where_it_names_an_object():
    """A write on an object (its URL names one, or its form does) is tried on one the user may
    reach and on one they may not; each is allowed to someone, so the refusals are not of
    everything."""
    for write in WRITES:
        if write.outside is None:
            continue
        assert set(write.inside) == set(write.outside) == set(ROLES), write.label
    for write in WRITES:
        tables = [write.inside] + ([write.outside] if write.outside else [])
        someone = any(o.writes for table in tables for o in table.values())
        assert someone != write.nobody, write.label


def _attempts(role: str):
    for write in WRITES:
        scopes = [("in", write.inside)] + ([("out", write.outside)] if write.outside else [])
        for scope, table in scopes:
            yield write, scope, table[role]


def _check(client, w: World, role: str, write: Write, scope: str, expected: Outcome) -> list:
    user = w.users.get(role)
    if user is not None:
        client.force_login(user)
    attempt = Attempt(w=w, scope=scope, role=role, user=user)
    if write.prepare is not None:
        attempt.prepared = write.prepare(attempt) or {}
    url = reverse(write.url, kwargs=write.kwargs(attempt))
    data = write.data(attempt)
    before = table_checksums()
    response = client.post(url, data)
    changed = changed_tables(before, table_checksums())
    label = f"{write.label} [{scope}]"
    wrong = []
    statuses = expected.status if isinstance(expected.status, tuple) else (expected.status,)
    if response.status_code not in statuses:
        wrong.append(f"{label}: got {response.status_code}, expected {expected.label}")
    if expected is SIGN_IN and not response.get("Location", "").startswith(reverse("login")):
        wrong.append(f"{label}: not sent to sign in ({response.get('Location')})")
    if expected.writes and not changed:
        wrong.append(f"{label}: expected {expected.label}, but no table changed")
    if not expected.writes and changed:
        wrong.append(f"{label}: refused ({response.status_code}) but changed {changed}")
    if expected.writes and write.effect is not None and write.effect(attempt) != expected.effect:
        wrong.append(f"{label}: {expected.label}, but the effect is {not expected.effect}")
    body = b"" if response.streaming else response.content
    forbidden = CANARIES - MAY_READ[role]
    wrong += [f"{label}: shows {c}" for c in sorted(forbidden) if c.encode() in body]
    return wrong


@pytest.mark.parametrize("role", ROLES)
def test_each_role_writes_only_within_its_reach(client, world, role, caplog):  # noqa: F811
    # Each refusal would log its traceback (django.request): a thousand of them cost seconds.
    caplog.set_level(logging.ERROR, logger="django.request")
    wrong = []
    for write, scope, expected in _attempts(role):
        client.logout()
        with transaction.atomic():
            try:
                wrong += _check(client, world, role, write, scope, expected)
            except Exception as error:  # noqa: BLE001 (a server error is one more finding)
                wrong.append(f"{write.label} [{scope}]: raised {error!r}")
            transaction.set_rollback(True)
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)


RESTRICTED_WRITERS = [
    role
    for role in ROLES
    if any(w.restricted is not None and w.inside[role].writes for w in WRITES)
]


@pytest.mark.parametrize("role", RESTRICTED_WRITERS)
def test_a_restricted_case_takes_no_write_from_any_page(client, world, role, caplog):  # noqa: F811
    """Once the information officer restricts processing of the case inside, each write on
    it that the role could make is refused and changes nothing, but for those that end a
    disclosure, refuse, or lift the restriction (Write.restricted)."""
    caplog.set_level(logging.ERROR, logger="django.request")
    subject_rights.case_restrict(
        case=world.case_in, user=world.users["information_officer"], reason="GDPR art. 18"
    )
    wrong = []
    for write in WRITES:
        if write.restricted is None or not write.inside[role].writes:
            continue
        expected = write.inside[role] if write.restricted else STOPPED
        client.logout()
        with transaction.atomic():
            try:
                wrong += _check(client, world, role, write, "in", expected)
            except Exception as error:  # noqa: BLE001 (a server error is one more finding)
                wrong.append(f"{write.label} [restricted]: raised {error!r}")
            transaction.set_rollback(True)
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)


# The administration: reference data and agencies, each as its form is posted.
ADMIN_WRITES = [
    (
        "admin:accounts_agency_add",
        lambda w: {},
        # The name in each interface language (accounts/translation.py).
        lambda w: {"name_en": "Prison of Haren", "kind": "prison", "is_active": "on"},
    ),
    (
        "admin:accounts_agency_change",
        lambda w: {"object_id": w.users["police"].profile.agency_id},
        lambda w: {"name_en": "Police Zone West", "kind": "police", "is_active": "on"},
    ),
    (
        "admin:cases_concerncategory_add",
        lambda w: {},
        # The name in each interface language (cases/translation.py).
        lambda w: {
            "name_en": "Online radicalisation",
            "name_nl": "Online radicalisering",
            "name_fr": "Radicalisation en ligne",
            "is_active": "on",
        },
    ),
]


def test_nobody_but_the_administrator_writes_through_the_admin(client, world):  # noqa: F811
    """The administration is the admin role's: everyone else is sent to its sign-in page and
    changes nothing; the administrator's own writes change a table (so the refusals are
    real). What the administrator may not do there is tests/access/test_admin_*.py."""
    wrong = []
    for role in ROLES:
        for name, kwargs, data in ADMIN_WRITES:
            with transaction.atomic():
                client.logout()
                if role != "anonymous":
                    client.force_login(world.users[role])
                before = table_checksums()
                response = client.post(reverse(name, kwargs=kwargs(world)), data(world))
                changed = changed_tables(before, table_checksums())
                to_sign_in = response.get("Location", "").startswith(reverse("admin:login"))
                if role == "admin" and (response.status_code != 302 or to_sign_in or not changed):
                    wrong.append(f"{name} as admin: {response.status_code}, changed {changed}")
                if role != "admin" and (not to_sign_in or changed):
                    wrong.append(f"{name} as {role}: {response.status_code}, changed {changed}")
                transaction.set_rollback(True)
    assert wrong == []


def _read_only_pages(w: World):
    """Pages whose view declares no methods (so a POST reaches it as a GET does), each with a
    role the read matrix lets in."""
    views = url_views()
    for name, expect in EXPECTATIONS.items():
        if name in EXEMPT or allowed_methods(views[name]) is not None or expect.get is None:
            continue
        tables = expect.get if isinstance(expect.get, tuple) else (expect.get,)
        scopes = ("in", "out") if expect.kwargs else (None,)
        for scope, statuses in zip(scopes, tables, strict=False):
            # Someone the page answers as a page (or as a redirect of its own), not 403/404.
            role = next((r for r in ALL_SIGNED_IN if statuses[r] in (200, 302)), None)
            if role is not None:
                kwargs = expect.kwargs(w, scope) if expect.kwargs else {}
                yield f"{name} [{scope or '-'}] as {role}", role, reverse(name, kwargs=kwargs)


# What a form might post: enough for a view that writes on a POST to show it.
PROBE = {"action": "delete", "decision": "approve", "language": "fr", "reason": "Probe"}


def test_a_post_to_a_page_that_only_reads_changes_nothing(client, world):  # noqa: F811
    """A page with no declared methods takes a POST too: it must not write on one."""
    wrong = []
    for label, role, url in _read_only_pages(world):
        with transaction.atomic():
            client.logout()
            if role != "anonymous":
                client.force_login(world.users[role])
            before = table_checksums()
            response = client.post(url, PROBE)
            changed = changed_tables(before, table_checksums())
            if changed:
                wrong.append(f"{label}: POST answered {response.status_code}, changed {changed}")
            transaction.set_rollback(True)
    assert wrong == []


# Pages read with a GET that still write: a PDF copy is numbered in the register of copies
# (and that row audited). Only who may read the document gets a number; the calendar file
# writes nothing.
GETS_THAT_WRITE = {
    "conferences:minutes_pdf": {"conferences.DocumentCopy", "auditlog.LogEntry"},
    "conferences:calendar": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_a_copy_is_numbered_only_for_who_may_read_it(client, world, role):  # noqa: F811
    wrong = []
    for name, writes in GETS_THAT_WRITE.items():
        inside, outside = EXPECTATIONS[name].get
        for scope, statuses in (("in", inside), ("out", outside)):
            with transaction.atomic():
                client.logout()
                if role != "anonymous":
                    client.force_login(world.users[role])
                before = table_checksums()
                meeting = getattr(world, f"meeting_{scope}")
                url = reverse(name, kwargs={"meeting_id": meeting.pk})
                response = client.get(url)
                changed = set(changed_tables(before, table_checksums()))
                expected = writes if statuses[role] == 200 else set()
                if response.status_code != statuses[role] or changed != expected:
                    wrong.append(f"{name} [{scope}]: {response.status_code}, changed {changed}")
                transaction.set_rollback(True)
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
