"""Each role's home page: the top layer, views only. It reads through every app's selectors."""

from functools import cache, partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from access import policy
from access import selectors as access_selectors
from audit import reads
from cases import people
from cases import selectors as case_selectors
from cases.models import Escalation
from conferences import selectors as conference_selectors
from oversight import selectors as oversight_selectors
from referrals import selectors as referral_selectors
from releases import selectors as release_selectors


def _case_of(row):
    return row.case


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page: the panels its template shows. Every list is fetched only if the
    role's template shows it, and the protected rows shown are recorded in one read-audit row."""
    user = request.user
    panels: dict[str, reads.ShownRows] = {}

    def panel(name: str, rows) -> reads.ShownRows:
        panels[name] = reads.ShownRows(rows)
        return panels[name]

    context: dict = {"role": policy.role_of(user)}
    if policy.may_work_on_cases(user):
        # The panel shows the person, reference, status and the overdue flag: no categories.
        cases = (
            case_selectors.case_list(user=user)
            .select_related(None)
            .prefetch_related(None)
            .select_related("person")
        )
        context["my_cases"] = panel("case", people.labelled(cases[:10], user=user))
        context["my_overdue_actions"] = panel(
            "own overdue action",
            people.labelled(
                case_selectors.overdue_actions_for_owner(user=user)[:10],
                user=user,
                case_of=_case_of,
            ),
        )
        context["requests_to_decide"] = panel(
            "access request",
            people.labelled(
                access_selectors.access_requests_to_decide(user=user)[:10],
                user=user,
                case_of=_case_of,
            ),
        )
        context["upcoming_meetings"] = conference_selectors.upcoming_meetings(user=user)[:5]
    if policy.may_see_dashboard(user):
        context["overdue_actions"] = panel(
            "overdue action",
            people.labelled(
                case_selectors.overdue_actions_visible(user=user)[:20], user=user, case_of=_case_of
            ),
        )
        escalations = case_selectors.open_escalations(
            user=user, audiences=[Escalation.Audience.COORDINATOR]
        )
        context["coordinator_escalations"] = panel(
            "escalation", people.labelled(escalations[:10], user=user, case_of=_case_of)
        )
    if policy.may_screen_referrals(user):
        context["screening_queue"] = panel(
            "referral", referral_selectors.screening_list(user=user)[:10]
        )
        context["screening_overdue"] = cache(
            partial(referral_selectors.screening_overdue_count, user=user)
        )
    if policy.may_refer(user):
        context["my_referrals"] = referral_selectors.referrals_of(user=user)[:10]
    if policy.may_receive_releases(user):
        context["releases"] = panel(
            "release", release_selectors.releases_for_recipient(user=user)[:10]
        )
    if policy.may_see_mayor_escalations(user):
        open_to_mayor = oversight_selectors.mayor_escalations(user=user).filter(
            status__in=[Escalation.Status.RAISED, Escalation.Status.UNDER_REVIEW]
        )
        context["mayor_escalations"] = panel("escalation to the mayor", open_to_mayor[:10])
    response = render(request, "home/home.html", context)
    reads.record_list_read(user=user, page="home", shown=panels)
    return response
