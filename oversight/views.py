import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from access import doors, policy
from audit import reads
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Escalation
from core.forms import ListSearchForm, show_refusal
from core.pagination import paginate, query_without_page
from oversight import charts, forms, selectors, statistics


def _year(request: HttpRequest) -> tuple[forms.YearForm, int]:
    years = statistics.years_available()
    form = forms.YearForm(
        request.GET or None, years=years, initial={"year": timezone.localdate().year}
    )
    year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
    return form, year


def _statistics_context(request: HttpRequest) -> dict:
    form, year = _year(request)
    tables = statistics.yearly(year)
    return {
        "form": form,
        "year": year,
        "tables": tables,
        # One chart per table: a line over the months, bars for the rest.
        "figures": [
            (t, charts.line_chart(t) if t.key == "month" else charts.bar_chart(t)) for t in tables
        ],
    }


@login_required
@doors.page_for(policy.may_see_statistics)
def statistics_page(request: HttpRequest) -> HttpResponse:
    return render(request, "oversight/statistics.html", _statistics_context(request))


@login_required
@doors.page_for(policy.may_see_statistics)
def annual_report(request: HttpRequest) -> HttpResponse:
    return render(request, "oversight/annual_report.html", _statistics_context(request))


@login_required
@doors.page_for(policy.may_see_statistics)
def statistics_csv(request: HttpRequest) -> HttpResponse:
    context = _statistics_context(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="msc-statistics-{context["year"]}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("table"), _("row"), _("count")])
    for table in context["tables"]:
        for row in [*table.rows, table.total]:
            writer.writerow([table.title, row.label, row.shown])
    return response


def _elsewhere(board: selectors.Dashboard) -> list[selectors.Figure]:
    """The row of the agencies beyond the board's first ones, in the reader's language."""
    if board.overdue_elsewhere is None:
        return []
    agencies, actions = board.overdue_elsewhere
    label = ngettext("%(n)s other agency", "%(n)s other agencies", agencies) % {"n": agencies}
    return [selectors.Figure(label, actions, reverse("cases:list") + "?overdue=on")]


@login_required
@doors.page_for(policy.may_see_dashboard)
def dashboard(request: HttpRequest) -> HttpResponse:
    board = selectors.dashboard(user=request.user)

    def figure(key: str, title: str, figures: list[selectors.Figure]) -> tuple:
        # The coordinator's own cases: counts are not suppressed, and each links to its list.
        rows = [statistics.Row(str(f.label), f.value, url=f.url) for f in figures]
        table = statistics.Table(key, title, rows, show_total=False)
        return table, charts.bar_chart(table)

    return render(
        request,
        "oversight/dashboard.html",
        {
            "board": board,
            "by_status": figure("by-status", _("Cases by status"), board.by_status),
            "overdue_by_agency": figure(
                "overdue-by-agency",
                _("Overdue actions by agency"),
                board.overdue_by_agency + _elsewhere(board),
            ),
            "closures": figure("closures", _("Closures by reason (12 months)"), board.closures),
        },
    )


@login_required
@doors.page_for(policy.may_see_mayor_escalations)
def mayor_escalations(request: HttpRequest) -> HttpResponse:
    open_only = request.GET.get("open") == "on"
    search = ListSearchForm(request.GET or None, label=_("What it is about"))
    escalations = selectors.mayor_escalations(
        user=request.user, open_only=open_only, q=search.term()
    )
    page = paginate(request, escalations)
    # The list shows each escalation's text.
    reads.record_list_read(
        user=request.user, page="escalations to the mayor", shown={"escalation": page}
    )
    return render(
        request,
        "oversight/mayor_escalations.html",
        {
            "page": page,
            "open_only": open_only,
            "search_form": search,
            "query": query_without_page(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mayor_decide(request: HttpRequest, escalation_id: int) -> HttpResponse:
    escalation = doors.access_mayor_escalation(request.user, escalation_id, for_decision=True)
    form = forms.MayorDecisionForm(
        request.POST if request.method == "POST" else None, escalation=escalation
    )
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            decided = case_services.escalation_decide(
                escalation=escalation, user=request.user, **form.cleaned_data
            )
            if decided.status == Escalation.Status.DECIDED:
                messages.success(request, _("Decision recorded; the case owner is told."))
            else:
                messages.success(request, _("Marked as under review. No decision is recorded yet."))
            return redirect("oversight:mayor")
    return render(request, "oversight/mayor_decide.html", {"escalation": escalation, "form": form})


@login_required
@doors.page_for(policy.may_request_mayor_meeting)
@require_http_methods(["GET", "POST"])
def mayor_meeting_request(request: HttpRequest) -> HttpResponse:
    form = forms.MayorMeetingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = (
            case_selectors.visible_cases(user=request.user)
            .filter(reference=data["reference"].strip().upper())
            .first()
        )
        with show_refusal(request, form):
            if case is None:
                raise ValidationError(
                    {"reference": _("No case with this reference that you can see.")}
                )
            case_services.escalation_raise(
                case=case,
                raised_by=request.user,
                audience="mayor_meeting",
                summary=data["summary"],
                decision_requested=data["decision_requested"],
            )
            messages.success(request, _("Requested: it is proposed for the next MAC meeting."))
            return redirect("oversight:dashboard")
    return render(
        request,
        "oversight/form.html",
        {"form": form, "title": _("Ask for a meeting with the mayor")},
    )
