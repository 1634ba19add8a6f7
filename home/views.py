"""Each role's home page: the top layer, views only. It reads through every app's selectors."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from access import policy
from access import selectors as access_selectors
from accounts import security as account_security
from accounts.models import Role
from audit import activities, reads
from audit.models import ProcessingActivity
from cases import people
from cases import selectors as case_selectors
from cases.models import Escalation
from conferences import selectors as conference_selectors
from conferences.models import Meeting
from core.counts import count_together
from oversight import selectors as oversight_selectors
from referrals import selectors as referral_selectors
from referrals.models import Referral
from releases import selectors as release_selectors

REVIEW_DAYS = 14
NEW_ENTRY_DAYS = 7
RELEASE_REVIEW_DAYS = 14
# What a role's home page reads serves (the GDPR art. 30 register); else case management.
HOME_ACTIVITY = {
    Role.YOUTH_WORKER: ProcessingActivity.Code.RELEASES,
    Role.PARTNER: ProcessingActivity.Code.RELEASES,
    Role.MAYOR_OFFICE: ProcessingActivity.Code.OVERSIGHT,
}


@dataclass
class Tile:
    """What needs doing: a count and the list filtered to exactly the items counted. The count
    is the filtered list's own selector, counted: it holds nothing the list would not show."""

    key: str
    label: Promise
    count: int
    url: str


def _url(name: str, **query) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def _cases(user, **filters) -> QuerySet:
    return case_selectors.case_list(user=user, filters=case_selectors.CaseFilters(**filters))


def _screening(user, **filters) -> QuerySet:
    return referral_selectors.screening_list(
        user=user, filters=referral_selectors.ScreeningFilters(**filters)
    )


def _tiles(user, role: str) -> list[Tile]:
    """The tiles of a role's home: each the count of the list it links to, all counted in one
    query whatever the data (core.counts)."""
    specs: dict[str, list[tuple[str, Promise, QuerySet, str]]] = {
        Role.COORDINATOR: [
            (
                "to-screen",
                _("Referrals to screen"),
                _screening(user, status=Referral.Status.SUBMITTED),
                _url("referrals:screening", status=Referral.Status.SUBMITTED),
            ),
            (
                "screening-overdue",
                _("Screenings overdue"),
                _screening(user, overdue=True),
                _url("referrals:screening", overdue="on"),
            ),
            (
                "decisions-waiting",
                _("Cases waiting for your decision on an escalation"),
                _cases(user, escalation_to_decide=True),
                _url("cases:list", to_decide="on"),
            ),
            (
                "overdue-actions",
                _("Cases with overdue actions"),
                _cases(user, overdue=True),
                _url("cases:list", overdue="on"),
            ),
            (
                "agendas-to-prepare",
                _("Agendas to prepare"),
                conference_selectors.upcoming_meetings(user=user, status=Meeting.Status.PLANNED),
                _url("conferences:list", status=Meeting.Status.PLANNED),
            ),
        ],
        Role.INFORMATION_OFFICER: [
            (
                "releases-to-review",
                _("Live releases that expire within 14 days"),
                release_selectors.releases_authored(user=user, expiring_within=RELEASE_REVIEW_DAYS),
                _url("releases:manage", expiring=RELEASE_REVIEW_DAYS),
            ),
            (
                "account-changes",
                _("Account changes waiting for your confirmation"),
                account_security.account_changes_pending(user=user),
                _url("account_changes:list"),
            ),
        ],
        Role.MAYOR_OFFICE: [
            (
                "escalations-waiting",
                _("Escalations waiting for a decision"),
                oversight_selectors.mayor_escalations(user=user, open_only=True),
                _url("oversight:mayor", open="on"),
            ),
        ],
    }
    case_worker = [
        (
            "my-overdue-actions",
            _("Cases where your actions are overdue"),
            _cases(user, action_owner=user.pk),
            _url("cases:list", my_overdue="on"),
        ),
        (
            "reviews-due",
            _("Reviews due within 14 days"),
            _cases(user, review_within=REVIEW_DAYS),
            _url("cases:list", review_within=REVIEW_DAYS),
        ),
        (
            "new-entries",
            _("Cases with new entries by others this week"),
            _cases(user, new_within=NEW_ENTRY_DAYS),
            _url("cases:list", new_within=NEW_ENTRY_DAYS),
        ),
    ]
    referrer = [
        (
            "releases-unread",
            _("Releases you have not read yet"),
            release_selectors.releases_for_recipient(user=user, unread=True),
            _url("releases:list", unread="on"),
        ),
        (
            "referrals-need-information",
            _("Referrals needing more information from you"),
            referral_selectors.referrals_of(
                user=user, status=Referral.Status.INFORMATION_REQUESTED
            ),
            _url("referrals:mine", status=Referral.Status.INFORMATION_REQUESTED),
        ),
    ]
    # Issue 17, part 5: the roles who answer agency checks before a meeting.
    checks = (
        "checks-unanswered",
        _("Agency checks your agency has not answered"),
        conference_selectors.agency_checks_unanswered(user=user),
        _url("conferences:checks_todo"),
    )
    for answering in policy.CHECK_ANSWERER_ROLES:
        specs[answering] = [*specs.get(answering, case_worker), checks]
    specs[Role.YOUTH_WORKER] = specs[Role.PARTNER] = referrer
    chosen = specs.get(role, [])
    counts = count_together({key: rows for key, _label, rows, _url in chosen})
    tiles = [Tile(key, label, counts[key], url) for key, label, _rows, url in chosen]
    # Open items first (STYLE.md), each group in the role's own order.
    return sorted(tiles, key=lambda tile: not tile.count)


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

    role = policy.role_of(user)
    context: dict = {"role": role, "tiles": _tiles(user, role) if role else []}
    if policy.may_work_on_cases(user):
        # The panel shows the person, reference, status and the overdue flag: no categories.
        cases = case_selectors.newest_cases(user=user, limit=10)
        context["my_cases"] = panel("case", people.labelled(cases, user=user))
        context["my_overdue_actions"] = panel(
            "own overdue action",
            people.labelled(
                case_selectors.overdue_actions_for_owner(user=user, limit=10),
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
                case_selectors.overdue_actions_visible(user=user, limit=20),
                user=user,
                case_of=_case_of,
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
    if policy.may_refer(user):
        context["my_referrals"] = referral_selectors.referrals_of(user=user)[:10]
    if policy.may_receive_releases(user):
        context["releases"] = panel(
            "release", release_selectors.releases_for_recipient(user=user)[:10]
        )
    if policy.may_see_mayor_escalations(user):
        open_to_mayor = oversight_selectors.mayor_escalations(user=user, open_only=True)
        context["mayor_escalations"] = panel("escalation to the mayor", open_to_mayor[:10])
    response = render(request, "home/home.html", context)
    with activities.serving(HOME_ACTIVITY.get(role, ProcessingActivity.Code.CASE_MANAGEMENT)):
        reads.record_list_read(user=user, page="home", shown=panels)
    return response
