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


# --- Releases and access requests ---------------------------------------------------------------


# --- Referrals and outbound referrals -----------------------------------------------------------
