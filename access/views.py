from functools import cache, partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import doors, forms, policy, selectors, services
from audit import reads
from cases import selectors as case_selectors
from cases.models import Escalation
from conferences import selectors as conference_selectors
from core.forms import apply_errors
from core.pagination import paginate
from oversight import selectors as oversight_selectors
from referrals import selectors as referral_selectors
from releases import selectors as release_selectors


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
        # The panel shows reference, status and the overdue flag: no categories, no joins.
        cases = case_selectors.case_list(user=user).select_related(None).prefetch_related(None)
        context["my_cases"] = panel("case", cases[:10])
        context["my_overdue_actions"] = panel(
            "own overdue action", case_selectors.overdue_actions_for_owner(user=user)[:10]
        )
        context["requests_to_decide"] = panel(
            "access request", selectors.access_requests_to_decide(user=user)[:10]
        )
        context["upcoming_meetings"] = conference_selectors.upcoming_meetings(user=user)[:5]
    if policy.may_see_dashboard(user):
        context["overdue_actions"] = panel(
            "overdue action", case_selectors.overdue_actions_visible(user=user)[:20]
        )
        context["coordinator_escalations"] = panel(
            "escalation",
            case_selectors.open_escalations(user=user, audiences=[Escalation.Audience.COORDINATOR])[
                :10
            ],
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
    response = render(request, "access/home.html", context)
    reads.record_list_read(user=user, page="home", shown=panels)
    return response


# --- Access requests -------------------------------------------------------------------------


@login_required
@doors.page_for(policy.may_request_access)
@require_http_methods(["GET", "POST"])
def access_requests(request: HttpRequest) -> HttpResponse:
    form = forms.AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # The same answer whether or not the case exists: existence is not disclosed.
            messages.success(
                request,
                _(
                    "Your request is recorded. If the case exists, its "
                    "owner or the coordinator will decide."
                ),
            )
            return redirect("access_requests:mine")
    page = paginate(request, selectors.access_requests_of(user=request.user))
    to_decide = list(selectors.access_requests_to_decide(user=request.user))
    reads.record_list_read(
        user=request.user, page="access requests", shown={"access request": to_decide}
    )
    return render(
        request, "access/access_requests.html", {"form": form, "page": page, "to_decide": to_decide}
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    access_request = doors.access_access_request(request.user, request_id)
    may_approve = policy.may_approve_access_request(request.user, access_request)
    form = forms.AccessDecisionForm(request.POST or None, may_approve=may_approve)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.access_request_decide(
                request=access_request,
                user=request.user,
                approve=data["decision"] == "approve",
                until=data.get("until"),
                note=data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("access_requests:mine")
    return render(
        request,
        "access/access_request_decide.html",
        {
            "form": form,
            "access_request": access_request,
            "may_approve": may_approve,
        },
    )
