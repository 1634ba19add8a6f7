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

# --- Cases and escalations --------------------------------------------------------------------
# A case is opened by its reference; what hangs on it (chronology entries, attachments,
# actions, escalations) through the case already opened, so a view always asks for the case
# first. The flags ask the user's rights on the case (role, ownership, whom an escalation is
# addressed to); the case's state (restriction of processing, an escalation already decided,
# a newer version) is the services' to refuse, with the reason shown on the form. Reads of a
# case page are recorded against the case (what the page showed in `what`), so "who has seen
# it" and the subject-access report find them; attachments and escalations are their own rows.

# Database integers are 64-bit signed: a larger id in a URL is an object nobody has.
_LARGEST_ID = 2**63 - 1


def _no_such_id(object_id: int) -> bool:
    return not 0 < object_id <= _LARGEST_ID


def access_case(
    user,
    reference: str,
    *,
    for_write: bool = False,
    for_team: bool = False,
    audit: bool = True,
    what: str = "case",
):
    """The case with this reference, if the user may see it (404 otherwise). for_write: the
    user's role writes on cases; for_team: they manage its team (owner or coordinator)."""
    from django.core.exceptions import PermissionDenied
    from django.db.models import OuterRef, Subquery
    from django.http import Http404

    from access import policy
    from access.audit import record_read
    from cases.models import Case

    if "\x00" in reference:  # PostgreSQL refuses NUL in a text parameter: no case has one
        raise Http404
    # A repeat names the earlier case only to who may see that one too (rule 1): its reference
    # comes with the case, in the same query, or None.
    earlier = Case.objects.filter(policy.case_filter(user), pk=OuterRef("repeat_of_id"))
    case = (
        Case.objects.filter(policy.case_filter(user), reference=reference)
        .select_related("person", "lead_agency", "owner")
        .annotate(visible_repeat_of=Subquery(earlier.values("reference")[:1]))
        .first()
    )
    if case is None:
        raise Http404
    if for_write and not policy.may_edit_case(user):
        raise PermissionDenied
    if for_team and not policy.is_team_manager(user, case):
        raise PermissionDenied
    if audit:
        record_read(user=user, obj=case, what=what)
    return case


def access_entry(user, case, entry_id: int, *, audit: bool = True, what: str = "entry"):
    """A chronology entry of a case the user sees (access_case first), if its level and
    originating agency let the user read it (404 otherwise). The read is the case's."""
    from django.http import Http404

    from access import policy
    from access.audit import record_read

    if _no_such_id(entry_id):
        raise Http404
    entry = (
        case.entries.filter(policy.item_filter(user), pk=entry_id)
        .select_related("agency", "author")
        .first()
    )
    if entry is None:
        raise Http404
    if audit:
        record_read(user=user, obj=case, what=f"{what} {entry.pk}")
    return entry


def access_attachment(user, case, attachment_id: int, *, audit: bool = True):
    """An attachment of an entry the user may read, on a case they see (access_case first)."""
    from django.http import Http404

    from access import policy
    from access.audit import record_read
    from cases.models import Attachment

    if _no_such_id(attachment_id):
        raise Http404
    attachment = (
        Attachment.objects.filter(
            policy.item_filter(user, level_field="entry__level", agency_field="entry__agency"),
            pk=attachment_id,
            entry__case=case,
        )
        .select_related("entry")
        .first()
    )
    if attachment is None:
        raise Http404
    if audit:
        record_read(user=user, obj=attachment, what="attachment")
    return attachment


def access_action(user, case, action_id: int, *, audit: bool = True, what: str = "action"):
    """An action of the support plan of a case the user sees (access_case first). Actions and
    their owners are L1: whoever sees the case reads them. The read is the case's."""
    from django.http import Http404

    from access.audit import record_read

    if _no_such_id(action_id):
        raise Http404
    action = case.actions.filter(pk=action_id).select_related("owner", "owner_agency").first()
    if action is None:
        raise Http404
    if audit:
        record_read(user=user, obj=case, what=f"{what} {action.pk}")
    return action


def access_escalation(
    user, case, escalation_id: int, *, for_decision: bool = False, audit: bool = True
):
    """An escalation on a case the user sees (access_case first; 404 otherwise).
    for_decision: it is addressed to the user's role (403 otherwise)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from access import policy
    from access.audit import record_read

    if _no_such_id(escalation_id):
        raise Http404
    escalation = case.escalations.filter(policy.escalation_filter(user), pk=escalation_id).first()
    if escalation is None:
        raise Http404
    if for_decision and not policy.decides_escalations_to(user, escalation.audience):
        raise PermissionDenied
    if audit:
        record_read(user=user, obj=escalation, what="escalation")
    return escalation


# --- Conferences: series, meetings, agenda items ------------------------------------------------


# --- Releases and access requests ---------------------------------------------------------------


# --- Referrals and outbound referrals -----------------------------------------------------------
