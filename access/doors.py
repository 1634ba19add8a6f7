"""The doors: the only way a view (or a task, or a command acting for a user) loads a protected
object, as zulip's `access_stream_by_id` and healthchecks' `_get_check_for_user` do.

A door loads the object through the policy's filter and answers 404 (Http404) when the user may
not see it: the object does not exist for them. Keyword flags say what the caller means to do
with it (`for_write=True`, `for_minute=True`, ...); when the user may see the object but not do
that, the door raises PermissionDenied (403). Unless `audit=False` (a door whose page records
the read itself, once), it records the read in the audit log. Views hold no
`if not policy...: raise` beside a door, and services still ask the policy themselves: a door is
for the caller's convenience, never the only check.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse

from access import policy
from access.models import AccessRequest
from accounts.types import Actor
from audit import reads
from audit.models import ProcessingActivity
from cases.models import Action, Attachment, Case, ChronologyEntry, Escalation, concern_names
from conferences.models import AgendaItem, ConferenceSeries, DeclarationSignature, Meeting
from privacy.models import AgreementParty, CaseRestriction, SharingAgreement
from referrals.models import OutboundReferral, Referral
from releases.models import Release

# --- Cases and escalations --------------------------------------------------------------------
# A case is opened by its reference; what hangs on it (chronology entries, attachments,
# actions, escalations) through the case already opened, so a view always asks for the case
# first. The flags ask the user's rights on the case (role, ownership, whom an escalation is
# addressed to); the case's state (restriction of processing, an escalation already decided,
# a newer version) is the services' to refuse, with the reason shown on the form. Reads of a
# case page are recorded against the case (what the page showed in `what`), so "who has seen
# it" and the subject-access report find them; attachments and escalations are their own rows.

_M = TypeVar("_M", bound=Model)

# Database integers are 64-bit signed: a larger id in a URL is an object nobody has.
_LARGEST_ID = 2**63 - 1


def _found(objects: QuerySet[_M], object_id: int | None = None) -> _M:
    """The one object the policy's filter let through; 404 when there is none, or when the id
    asked for is one no object can have (checked before the query)."""
    if object_id is not None and not 0 < object_id <= _LARGEST_ID:
        raise Http404
    found = objects.first()
    if found is None:
        raise Http404
    return found


def access_case(
    user: Actor,
    reference: str,
    *,
    for_write: bool = False,
    for_team: bool = False,
    audit: bool = True,
    what: str = "case",
) -> Case:
    """The case with this reference, if the user may see it (404 otherwise). for_write: the
    user's role writes on cases; for_team: they manage its team (owner or coordinator)."""
    if "\x00" in reference:  # PostgreSQL refuses NUL in a text parameter: no case has one
        raise Http404
    # A repeat names the earlier case only to who may see that one too (rule 1): its reference
    # comes with the case, in the same query, or None.
    # Whether processing is restricted comes in the same query too (policy.case_is_restricted).
    earlier = Case.objects.filter(policy.case_filter(user), pk=OuterRef("repeat_of_id"))
    restriction = CaseRestriction.objects.filter(case=OuterRef("pk"), lifted_at__isnull=True)
    case = _found(
        Case.objects.filter(policy.case_filter(user), reference=reference)
        .select_related("person", "lead_agency", "owner")
        .annotate(
            visible_repeat_of=Subquery(earlier.values("reference")[:1]),
            restricted_when_opened=Exists(restriction),
            concern_names_joined=concern_names(),
        )
    )
    if for_write and not policy.may_edit_case(user):
        raise PermissionDenied
    if for_team and not policy.is_team_manager(user, case):
        raise PermissionDenied
    if audit:
        reads.record_read(user=user, obj=case, what=what)
    return case


def access_entry(
    user: Actor, case: Case, entry_id: int, *, audit: bool = True, what: str = "entry"
) -> ChronologyEntry:
    """A chronology entry of a case the user sees (access_case first), if its level and
    originating agency let the user read it (404 otherwise). The read is the case's."""
    entry = _found(
        case.entries.filter(policy.item_filter(user), pk=entry_id).select_related(
            "agency", "author"
        ),
        entry_id,
    )
    if audit:
        reads.record_read(user=user, obj=case, what=f"{what} {entry.pk}")
    return entry


def access_attachment(
    user: Actor, case: Case, attachment_id: int, *, audit: bool = True
) -> Attachment:
    """An attachment of an entry the user may read, on a case they see (access_case first)."""
    attachment = _found(
        Attachment.objects.filter(
            policy.item_filter(user, level_field="entry__level", agency_field="entry__agency"),
            pk=attachment_id,
            entry__case=case,
        ).select_related("entry"),
        attachment_id,
    )
    if audit:
        reads.record_read(user=user, obj=attachment, what="attachment")
    return attachment


def access_action(
    user: Actor, case: Case, action_id: int, *, audit: bool = True, what: str = "action"
) -> Action:
    """An action of the support plan of a case the user sees (access_case first). Actions and
    their owners are L1: whoever sees the case reads them. The read is the case's."""
    action = _found(
        case.actions.filter(pk=action_id).select_related("owner", "owner_agency"), action_id
    )
    if audit:
        reads.record_read(user=user, obj=case, what=f"{what} {action.pk}")
    return action


def access_escalation(
    user: Actor, case: Case, escalation_id: int, *, for_decision: bool = False, audit: bool = True
) -> Escalation:
    """An escalation on a case the user sees (access_case first; 404 otherwise).
    for_decision: it is addressed to the user's role (403 otherwise)."""
    escalation = _found(
        case.escalations.filter(policy.escalation_filter(user), pk=escalation_id), escalation_id
    )
    if for_decision and not policy.decides_escalations_to(user, escalation.audience):
        raise PermissionDenied
    if audit:
        reads.record_read(user=user, obj=escalation, what="escalation")
    return escalation


# --- Conferences: series, meetings, agenda items ------------------------------------------------


def access_series(user: Actor, series_id: int, *, for_chair: bool = False) -> ConferenceSeries:
    """A conference series: its members', its meetings' attendees', and the coordinator's.
    for_chair: to call a meeting of it. A series holds no case content: nothing to audit."""
    series = _found(
        ConferenceSeries.objects.filter(policy.series_filter(user), pk=series_id).select_related(
            "chair"
        )
    )
    if for_chair and not policy.may_chair(user, series):
        raise PermissionDenied
    return series


def access_meeting(
    user: Actor, meeting_id: int, *, for_chair: bool = False, audit: bool = False
) -> Meeting:
    """A meeting the user may see (core member, attendee, guest; the coordinator and the
    information officer). for_chair: to prepare, run or finalise it.

    audit is off by default: a meeting shows case content only through its agenda and its
    minutes, and conferences.selectors.agenda/minutes record that read themselves, once, when
    they return it (after the declaration is signed)."""
    # Whether the user signed the confidentiality declaration comes in the same query (the
    # page asks it before showing any agenda: conferences.selectors.has_signed reads it), and
    # who finalised the minutes (their status line names them).
    signature = DeclarationSignature.objects.filter(
        meeting=OuterRef("pk"),
        user_id=user.pk,
        version=settings.CONFIDENTIALITY_DECLARATION_VERSION,
    )
    meeting = _found(
        Meeting.objects.filter(policy.meeting_filter(user), pk=meeting_id)
        .select_related("series", "finalised_by")
        .annotate(signed_when_opened=Exists(signature))
    )
    setattr(meeting, "signed_when_opened_by", user.pk)  # noqa: B010 (whose answer it is)
    if for_chair and not policy.may_chair(user, meeting.series):
        raise PermissionDenied
    if audit:
        reads.record_read(user=user, obj=meeting, what="meeting")
    return meeting


def access_agenda_item(
    user: Actor, meeting: Meeting, item_id: int, *, for_minute: bool = False, audit: bool = True
) -> AgendaItem:
    """An item of a meeting the user came in through (access_meeting): 404 if it is hidden
    from them (on a case they may not see, or restricted above their clearance).
    for_minute: to write its minute, which replaces the one it has; refused (403) unless they
    chair the meeting and may read that minute, by its level and originating agency. The item
    is visible (it is on their agenda, and the minutes say its discussion is at a level they may
    not read), so 403 tells nothing new; its minute is never shown.
    The read is recorded (the item carries its case's reference and its minute) unless the page
    records it itself (the agenda page, through conferences.selectors.agenda)."""
    item = _found(
        AgendaItem.objects.filter(
            policy.agenda_item_filter(user), meeting=meeting, pk=item_id
        ).select_related("case__person", "case__lead_agency", "escalation", "guest")
    )
    return _opened_item(user, meeting, item, for_minute=for_minute, audit=audit)


def _opened_item(
    user: Actor, meeting: Meeting, item: AgendaItem, *, for_minute: bool, audit: bool
) -> AgendaItem:
    item.meeting = meeting
    if for_minute and not policy.may_replace_minute(user, item):
        raise PermissionDenied
    if audit:
        reads.record_read(user=user, obj=item, what="minute" if for_minute else "agenda item")
    return item


def access_agenda_item_on_agenda(
    user: Actor, meeting: Meeting, item_id: int, *, for_minute: bool = False
) -> tuple[AgendaItem, list[AgendaItem]]:
    """access_agenda_item for a page that lists the user's whole agenda of the meeting beside
    the item (the chair's live screen), and the agenda with it, in one query: the items the
    user sees (the same filter, policy.agenda_item_filter, in SQL), in agenda order, moved
    ones included; the item is the one among them with this id, 404 if there is none. Same
    403 and the same recorded read as access_agenda_item."""
    if not 0 < item_id <= _LARGEST_ID:
        raise Http404
    agenda: list[AgendaItem] = list(
        meeting.items.filter(policy.agenda_item_filter(user))
        .select_related("case__person", "case__lead_agency", "escalation", "guest")
        .annotate(
            case_concern_names_joined=concern_names("case_id"),
            case_restricted=policy.case_restricted_now("case_id"),
        )
        .order_by("order", "pk")
    )
    item = next((row for row in agenda if row.pk == item_id), None)
    if item is None:
        raise Http404
    if item.case is not None:
        # The concerns read with the agenda, for the live screen (Case.concerns).
        item.case.concern_names_joined = item.case_concern_names_joined  # type: ignore[attr-defined]
    for row in agenda:
        row.meeting = meeting
    return _opened_item(user, meeting, item, for_minute=for_minute, audit=True), agenda


def access_item_for_agency_check(user: Actor, meeting: Meeting, item_id: int) -> AgendaItem:
    """An item of the meeting, to answer its agency check for the user's agency (issue 17,
    part 5): 404 if it is hidden from them (access_agenda_item), 403 if it is on their agenda
    but their agency is not asked about it (or processing of its case is restricted)."""
    item = access_agenda_item(user, meeting, item_id, audit=False)
    if not policy.may_answer_agency_check(user, item):
        raise PermissionDenied
    reads.record_read(user=user, obj=item, what="agency check")
    return item


# --- Releases and access requests ---------------------------------------------------------------

View = Callable[..., HttpResponse]


def page_for(may: Callable[[Actor], bool]) -> Callable[[View], View]:
    """The door of a page that loads no protected object (a list, an empty form): 404 for a
    user the policy does not let use it, as if the page did not exist. Put it under
    login_required, so that a visitor who is not signed in is sent to sign in first."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if isinstance(request.user, AnonymousUser) or not may(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def access_release(
    user: Actor,
    release_id: int,
    *,
    for_management: bool = False,
    for_revision: bool = False,
    for_acknowledgement: bool = False,
    audit: bool = True,
) -> Release:
    """A release: its author (the information officer) reads every one, a recipient the live
    ones addressed to them. For management (revise, revoke) it exists only for its author; for
    acknowledgement only for a live recipient; for revision, 403 while processing of its case is
    restricted."""
    if for_acknowledgement:
        visible = policy.release_recipient_filter(user)
    elif for_management or for_revision:
        visible = policy.release_management_filter(user)
    else:
        visible = policy.release_filter(user)
    releases = Release.objects.filter(visible, pk=release_id)
    if for_revision:
        releases = releases.select_related("case")
    release = _found(releases)
    if for_revision and not policy.may_revise_release(user, release):
        raise PermissionDenied
    if audit:
        reads.record_read(user=user, obj=release, what="release")
    return release


def access_case_for_release(user: Actor, reference: str, *, audit: bool = True) -> Case:
    """The case a release is written from: only for those who write releases (404 for the rest,
    even on their own cases); 403 while processing of the case is restricted."""
    if not policy.may_write_releases(user):
        raise Http404
    case = access_case(user, reference, audit=audit)
    if not policy.may_release(user, case):
        raise PermissionDenied
    return case


def access_access_request(user: Actor, request_id: int, *, audit: bool = True) -> AccessRequest:
    """A pending access request, to decide: for the owner of its case or the coordinator, who
    see the case; 404 for everyone else (the requester included)."""
    request = _found(
        AccessRequest.objects.filter(
            policy.access_request_decider_filter(user),
            pk=request_id,
            status=AccessRequest.Status.PENDING,
        ).select_related("case__person", "requested_by__profile__agency")
    )
    if audit:
        reads.record_read(user=user, obj=request, what="access request")
    return request


# The mayor's office: escalations addressed to the mayor or the MAC.

# What the mayor's office loads of an escalation: the case's id only to name the row in the
# audit log, never the case itself.
MAYOR_ESCALATION_FIELDS = (
    "pk",
    "case_id",
    "audience",
    "summary",
    "decision_requested",
    "status",
    "decision",
    "raised_at",
    "decided_at",
)


def access_mayor_escalation(
    user: Actor, escalation_id: int, *, for_decision: bool = False, audit: bool = True
) -> Escalation:
    """An escalation on the mayor's office's list: its short text and the decision asked,
    never the case. For decision, 403 unless the policy lets the user decide it."""
    escalation = _found(
        Escalation.objects.filter(policy.mayor_escalation_filter(user), pk=escalation_id).only(
            *MAYOR_ESCALATION_FIELDS
        )
    )
    if for_decision and not policy.may_decide_escalation(user, escalation):
        raise PermissionDenied
    if audit:
        reads.record_read(user=user, obj=escalation, what="escalation")
    return escalation


# --- Referrals and outbound referrals -----------------------------------------------------------


@dataclass(frozen=True)
class ReferralAccess:
    referral: Referral
    full: bool  # read in full, for screening; otherwise the referrer's status view


def access_referral(
    user: Actor,
    referral_id: int,
    *,
    as_referrer: bool = False,
    for_screening: bool = False,
    for_decision: bool = False,
    audit: bool = True,
) -> ReferralAccess:
    """A referral: in full for those who screen it (never a draft: a draft is its referrer's
    alone), or as its referrer (status and outcome). `as_referrer`: only the referrer's own (to
    edit a draft or answer a question). `for_screening`: only in full. `for_decision`: in full,
    and 403 unless the user may decide its screening. A full read is logged unless audit=False
    (a page that logs it itself, with what else it shows)."""
    if not as_referrer:
        referral = (
            Referral.objects.filter(policy.referral_screening_filter(user), pk=referral_id)
            .select_related("referrer__profile", "referrer_agency", "case", "person")
            .first()
        )
        if referral is not None:
            if for_decision and not policy.may_decide_screening(user):
                raise PermissionDenied
            if audit:
                reads.record_read(user=user, obj=referral, what="referral")
            return ReferralAccess(referral=referral, full=True)
        if for_screening or for_decision:
            raise Http404
    referral = _found(
        Referral.objects.filter(policy.referral_referrer_filter(user), pk=referral_id)
    )
    return ReferralAccess(referral=referral, full=False)


@dataclass(frozen=True)
class OutboundAccess:
    outbound: OutboundReferral
    as_team: bool  # on the case team: sees the case reference and may revoke
    as_provider: bool  # in the provider agency: sees what the referral says and answers


def access_outbound_referral(
    user: Actor,
    outbound_id: int,
    *,
    for_answer: bool = False,
    for_revocation: bool = False,
    audit: bool = True,
) -> OutboundAccess:
    """An outbound referral: for the case team, and for the provider agency until it is
    revoked; 404 for everyone else. `for_answer`: 403 unless the user may answer it (the
    provider); `for_revocation`: 403 unless they may revoke it (the case team)."""
    outbound = _found(
        OutboundReferral.objects.filter(pk=outbound_id).select_related(
            "case__person", "provider", "sent_by__profile__agency", "answered_by"
        )
    )
    # Each capacity asked on its own: OR-ing the policy's filters would lose its "everything"
    # (an empty Q) for the information officer.
    as_team = OutboundReferral.objects.filter(
        policy.case_filter(user, case_field="case_id"), pk=outbound.pk
    ).exists()
    as_provider = OutboundReferral.objects.filter(
        policy.outbound_provider_filter(user), pk=outbound.pk
    ).exists()
    if not (as_team or as_provider):
        raise Http404
    if for_answer and not (as_provider and policy.may_answer_outbound_referral(user, outbound)):
        raise PermissionDenied
    if for_revocation and not (as_team and policy.may_revoke_outbound_referral(user, outbound)):
        raise PermissionDenied
    if audit:
        reads.record_read(user=user, obj=outbound, what="outbound referral")
    return OutboundAccess(outbound=outbound, as_team=as_team, as_provider=as_provider)


def access_agreement(
    user: Actor, agreement_id: int, *, for_management: bool = False
) -> SharingAgreement:
    """A sharing agreement in the register: for those who read it, or (for_management) keep
    it. The register holds no personal data: its reads are not in the read audit."""
    allowed = (
        policy.may_manage_agreements(user) if for_management else policy.may_read_agreements(user)
    )
    if not allowed:
        raise Http404
    return _found(SharingAgreement.objects.filter(pk=agreement_id), agreement_id)


def access_agreement_party(user: Actor, party_id: int) -> AgreementParty:
    """A party to an agreement, for recording its sign-off (the register's keeper)."""
    if not policy.may_manage_agreements(user):
        raise Http404
    return _found(
        AgreementParty.objects.select_related("agreement", "agency").filter(pk=party_id), party_id
    )


def access_processing_activity(
    user: Actor, code: str, *, for_maintenance: bool = False
) -> ProcessingActivity:
    """An activity in the register of processing activities: for those who read it, or (for
    maintenance) the data protection officer. The register holds no personal data: its reads
    are not in the read audit; its changes are."""
    allowed = (
        policy.may_maintain_processing_register(user)
        if for_maintenance
        else policy.may_read_processing_register(user)
    )
    if not allowed:
        raise Http404
    return _found(ProcessingActivity.objects.filter(code=code))
