"""The audit log's pages: who has read a case, and the audit log itself (browse and export).
Thin: parse, call, render; which rows and values a reader sees is the policy's."""

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import doors, policy
from accounts import security
from accounts.models import SecurityEvent
from audit import forms, selectors, services
from cases.people import label_cases
from core.forms import ListSearchForm, show_refusal
from core.pagination import paginate, query_without_page

PAGE_SIZE = 50


@login_required
@doors.page_for(policy.may_see_read_audit)
def case_reads(request: HttpRequest, reference: str) -> HttpResponse:
    # Who read the case, not the case: the page itself is not a read of it.
    case = doors.access_case(request.user, reference, audit=False)
    label_cases([case], user=request.user)
    search = ListSearchForm(request.GET or None, label=_("Name of the reader"))
    page = paginate(request, selectors.case_reads(user=request.user, case=case, q=search.term()))
    return render(
        request,
        "audit/case_reads.html",
        {"case": case, "page": page, "search_form": search, "query": query_without_page(request)},
    )


def _audit_rows(request: HttpRequest):
    form = forms.AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor": data["actor"],
            "object_type": data["object_type"],
            "object_id": data["object_id"],
            "activity": data["activity"],
            "since": data["since"],
            "until": data["until"],
        }
    return form, selectors.audit_log(user=request.user, **filters)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not policy.may_browse_audit(request.user):
        raise Http404
    form, rows = _audit_rows(request)
    page = paginate(request, rows, PAGE_SIZE)
    names = selectors.activity_names()
    page.object_list = [
        {**row, "activity_name": names.get(row["activity"] or "", row["activity"])}
        for row in page.object_list
    ]
    return render(
        request,
        "audit/audit_log.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "show_changes": policy.may_see_audit_changes(request.user),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@login_required
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    if not policy.may_browse_audit(request.user):
        raise Http404
    form, rows = _audit_rows(request)
    columns = ["pk", *selectors.audit_columns(user=request.user)]
    security.event_record(
        kind=SecurityEvent.Kind.AUDIT_EXPORTED,
        user=request.user,
        request=request,
        detail=request.GET.urlencode()[:300],
    )
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(columns)
        for row in rows.iterator(chunk_size=2000):
            yield writer.writerow([_cell(row[c]) for c in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The register of processing activities (GDPR art. 30) -------------------------------------


@login_required
@doors.page_for(policy.may_read_processing_register)
def processing_list(request: HttpRequest) -> HttpResponse:
    search = ListSearchForm(request.GET or None, label=_("Name, code or purpose"))
    activities = selectors.processing_activities(user=request.user, q=search.term())
    return render(
        request,
        "audit/processing_list.html",
        {
            "page": paginate(request, activities, PAGE_SIZE),
            "search_form": search,
            "query": query_without_page(request),
            "may_maintain": policy.may_maintain_processing_register(request.user),
        },
    )


@login_required
def processing_detail(request: HttpRequest, code: str) -> HttpResponse:
    activity = doors.access_processing_activity(request.user, code)
    return render(
        request,
        "audit/processing_detail.html",
        {
            "activity": activity,
            "may_maintain": policy.may_maintain_processing_register(request.user),
            "may_browse_audit": policy.may_browse_audit(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@doors.page_for(policy.may_maintain_processing_register)
def processing_create(request: HttpRequest) -> HttpResponse:
    form = forms.ProcessingActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            activity = services.processing_activity_create(user=request.user, **form.cleaned_data)
            messages.success(request, _("Registered in the register of processing activities."))
            return redirect(activity)
    return render(request, "audit/processing_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def processing_edit(request: HttpRequest, code: str) -> HttpResponse:
    activity = doors.access_processing_activity(request.user, code, for_maintenance=True)
    form = forms.ProcessingActivityForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            activity = services.processing_activity_update(
                user=request.user, activity=activity, **form.cleaned_data
            )
            messages.success(request, _("Saved."))
            return redirect(activity)
    return render(request, "audit/processing_form.html", {"form": form, "activity": activity})
