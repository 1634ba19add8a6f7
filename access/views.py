from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import doors, forms, policy, selectors, services
from audit import reads
from cases.people import label_cases
from core.forms import ListSearchForm, show_refusal
from core.pagination import paginate, query_without_page

# --- Access requests -------------------------------------------------------------------------


@login_required
@doors.page_for(policy.may_request_access)
@require_http_methods(["GET", "POST"])
def access_requests(request: HttpRequest) -> HttpResponse:
    form = forms.AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.access_request_create(user=request.user, **form.cleaned_data)
            # The same answer whether or not the case exists: existence is not disclosed.
            messages.success(
                request,
                _(
                    "Your request is recorded. If the case exists, its "
                    "owner or the coordinator will decide."
                ),
            )
            return redirect("access_requests:mine")
    search = ListSearchForm(request.GET or None, label=_("Reference"))
    page = paginate(request, selectors.access_requests_of(user=request.user, q=search.term()))
    to_decide = label_cases(
        selectors.access_requests_to_decide(user=request.user),
        user=request.user,
        case_of=lambda row: row.case,
    )
    reads.record_list_read(
        user=request.user, page="access requests", shown={"access request": to_decide}
    )
    return render(
        request,
        "access/access_requests.html",
        {
            "form": form,
            "page": page,
            "search_form": search,
            "query": query_without_page(request),
            "to_decide": to_decide,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    access_request = doors.access_access_request(request.user, request_id)
    label_cases([access_request], user=request.user, case_of=lambda row: row.case)
    may_approve = policy.may_approve_access_request(request.user, access_request)
    form = forms.AccessDecisionForm(request.POST or None, may_approve=may_approve)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with show_refusal(request, form):
            services.access_request_decide(
                request=access_request,
                user=request.user,
                approve=data["decision"] == "approve",
                until=data.get("until"),
                note=data["note"],
            )
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
