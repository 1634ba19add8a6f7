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


# --- Conferences: series, meetings, agenda items ------------------------------------------------
# Imports inside each door, as access.policy does for the apps above it (and so that this
# section merges on its own).


def access_series(user, series_id: int, *, for_chair: bool = False):
    """A conference series: its members', its meetings' attendees', and the coordinator's.
    for_chair: to call a meeting of it. A series holds no case content: nothing to audit."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from access import policy
    from conferences.selectors import series_list

    series = series_list(user=user).filter(pk=series_id).first()
    if series is None:
        raise Http404
    if for_chair and not policy.may_chair(user, series):
        raise PermissionDenied
    return series


def access_meeting(user, meeting_id: int, *, for_chair: bool = False, audit: bool = False):
    """A meeting the user may see (core member, attendee, guest; the coordinator and the
    information officer). for_chair: to prepare, run or finalise it.

    audit is off by default: a meeting shows case content only through its agenda and its
    minutes, and conferences.selectors.agenda/minutes record that read themselves, once, when
    they return it (after the declaration is signed)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from access import policy
    from access.audit import record_read
    from conferences.models import Meeting

    meeting = (
        Meeting.objects.filter(policy.meeting_filter(user), pk=meeting_id)
        .select_related("series")
        .first()
    )
    if meeting is None:
        raise Http404
    if for_chair and not policy.may_chair(user, meeting.series):
        raise PermissionDenied
    if audit:
        record_read(user=user, obj=meeting, what="meeting")
    return meeting


def access_agenda_item(
    user, meeting, item_id: int, *, for_minute: bool = False, audit: bool = True
):
    """An item of a meeting the user came in through (access_meeting): 404 if it is hidden
    from them (on a case they may not see, or restricted above their clearance).
    for_minute: to write its minute, which replaces the one it has; refused (403) unless they
    chair the meeting and may read that minute, by its level and originating agency. The item
    is visible (it is on their agenda, and the minutes say its discussion is at a level they may
    not read), so 403 tells nothing new; its minute is never shown.
    The read is recorded (the item carries its case's reference and its minute) unless the page
    records it itself (the agenda page, through conferences.selectors.agenda)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from access import policy
    from access.audit import record_read
    from conferences.models import AgendaItem

    item = (
        AgendaItem.objects.filter(policy.agenda_item_filter(user), meeting=meeting, pk=item_id)
        .select_related("case__person", "escalation", "guest")
        .first()
    )
    if item is None:
        raise Http404
    item.meeting = meeting
    if for_minute and not policy.may_replace_minute(user, item):
        raise PermissionDenied
    if audit:
        record_read(user=user, obj=item, what="minute" if for_minute else "agenda item")
    return item


# --- Releases and access requests ---------------------------------------------------------------


# --- Referrals and outbound referrals -----------------------------------------------------------
