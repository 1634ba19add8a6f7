"""The data protection officer's retention pages, the information officer's subject-rights
pages (the subject-access report, page and file, and the restriction of processing), the
sharing agreements register and a case's sharing-decision log. Thin: parse, call, render."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from access import doors, policy
from audit import reads
from cases import selectors as case_selectors
from cases.people import label_cases
from core.forms import ListSearchForm, show_refusal
from core.pagination import paginate, query_without_page
from privacy import forms, retention, selectors, services, subject_rights

PAGE_SIZE = 50


# --- Retention -------------------------------------------------------------------------------


@login_required
@doors.page_for(policy.may_review_destruction)
def destruction_lists(request: HttpRequest) -> HttpResponse:
    search = ListSearchForm(request.GET or None, label=_("List or case reference"))
    lists = retention.destruction_lists(user=request.user, q=search.term())
    return render(
        request,
        "privacy/destruction_lists.html",
        {
            "page": paginate(request, lists, PAGE_SIZE),
            "search_form": search,
            "query": query_without_page(request),
            "may_hold": policy.may_manage_legal_holds(request.user),
        },
    )


@login_required
def destruction_list(request: HttpRequest, list_id: int) -> HttpResponse:
    """The dry run: exactly what approving the list destroys, item by item, in counts."""
    found = retention.destruction_list_for(user=request.user, list_id=list_id)
    planned = retention.dry_run(found)
    return render(
        request,
        "privacy/destruction_list.html",
        {
            "list": found,
            "planned": planned,
            "going": sum(1 for p in planned if p.goes),
            "may_approve": policy.may_approve_destruction_list(request.user, found),
            "may_hold": policy.may_manage_legal_holds(request.user),
        },
    )


@login_required
@require_POST
def destruction_list_approve(request: HttpRequest, list_id: int) -> HttpResponse:
    found = retention.destruction_list_for(user=request.user, list_id=list_id)
    with show_refusal(request):
        approved = retention.destruction_list_approve(user=request.user, destruction_list=found)
        if approved.status == approved.Status.DESTROYED:
            messages.success(request, _("Both approvals are given: the list is destroyed."))
        else:
            messages.success(
                request, _("Your approval is recorded. The list waits for the second approval.")
            )
    return redirect(found)


@login_required
def destruction_log(request: HttpRequest) -> HttpResponse:
    search = ListSearchForm(request.GET or None, label=_("Case or list reference"))
    records = retention.destruction_log(user=request.user, q=search.term())
    page = paginate(request, records, PAGE_SIZE)
    return render(
        request,
        "privacy/destruction_log.html",
        {"page": page, "search_form": search, "query": query_without_page(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def legal_holds(request: HttpRequest) -> HttpResponse:
    search = ListSearchForm(request.GET or None, label=_("Case reference or person code"))
    holds = retention.legal_holds(user=request.user, q=search.term())
    form = forms.LegalHoldForm(request.POST or None, initial={"reference": request.GET.get("case")})
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            retention.legal_hold_place(user=request.user, **form.cleaned_data)
            messages.success(request, _("The legal hold is placed: nothing of it is destroyed."))
            return redirect("retention:holds")
    page = paginate(request, holds, PAGE_SIZE)
    return render(
        request,
        "privacy/legal_holds.html",
        {"form": form, "page": page, "search_form": search, "query": query_without_page(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def legal_hold_lift(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = retention.legal_hold_for(user=request.user, hold_id=hold_id)
    form = forms.LegalHoldLiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            retention.legal_hold_lift(user=request.user, hold=hold, **form.cleaned_data)
            messages.success(request, _("The legal hold is lifted."))
            return redirect("retention:holds")
    return render(request, "privacy/legal_hold_lift.html", {"form": form, "hold": hold})


# --- Subject rights --------------------------------------------------------------------------


def _report_subject(request: HttpRequest, code: str, what: str):
    """The person a subject-access report is about, its read recorded as `what`: 404 unless
    the user may run the report and sees the person."""
    if not policy.may_run_subject_access_report(request.user):
        raise Http404
    person = case_selectors.person_by_code(user=request.user, code=code)
    if person is None:
        raise Http404
    reads.record_read(user=request.user, obj=person, what=what)
    return person


@login_required
def person_access_report(request: HttpRequest, code: str) -> HttpResponse:
    person = _report_subject(request, code, "subject access report")
    report = subject_rights.person_access_report(user=request.user, person=person)
    return render(request, "privacy/person_access_report.html", report)


@login_required
def person_report_export(request: HttpRequest, code: str) -> HttpResponse:
    """The subject-access report as a file: the data held, who read it, the releases made."""
    person = _report_subject(request, code, "subject access report exported")
    data = subject_rights.person_report_data(user=request.user, person=person)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="access-report-{person.pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def case_restriction(request: HttpRequest, reference: str) -> HttpResponse:
    if not policy.may_restrict_processing(request.user):
        raise Http404
    case = doors.access_case(request.user, reference, audit=False)
    restricted = policy.case_is_restricted(case)
    form = forms.RestrictionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        with show_refusal(request, form):
            if restricted:
                subject_rights.case_restriction_lift(case=case, user=request.user, reason=reason)
            else:
                subject_rights.case_restrict(case=case, user=request.user, reason=reason)
            messages.success(
                request,
                _("The restriction is lifted.")
                if restricted
                else _("Processing is restricted: nobody can add to this case."),
            )
            return redirect("audit:restriction", reference=case.reference)
    # Once per page shown (not for a post that redirects): the page shows the case.
    reads.record_read(user=request.user, obj=case, what="restriction of processing")
    label_cases([case], user=request.user)
    return render(
        request,
        "privacy/case_restriction.html",
        {
            "case": case,
            "form": form,
            "restricted": restricted,
            "restrictions": subject_rights.case_restrictions(user=request.user, case=case),
        },
    )


# --- Sharing agreements ----------------------------------------------------------------------


@login_required
@doors.page_for(policy.may_read_agreements)
def agreement_list(request: HttpRequest) -> HttpResponse:
    search = ListSearchForm(request.GET or None, label=_("Title or organisation"))
    agreements = selectors.agreement_list(user=request.user, q=search.term())
    page = paginate(request, agreements, PAGE_SIZE)
    return render(
        request,
        "privacy/agreement_list.html",
        {
            "page": page,
            "search_form": search,
            "query": query_without_page(request),
            "today": timezone.localdate(),
            "due": selectors.agreements_due_for_review(user=request.user),
            "may_manage": policy.may_manage_agreements(request.user),
        },
    )


@login_required
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = doors.access_agreement(request.user, agreement_id)
    today = timezone.localdate()
    return render(
        request,
        "privacy/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": agreement.parties.select_related("agency", "recorded_by"),
            "in_force": agreement.is_in_force(today),
            "ended": agreement.ends_on is not None and agreement.ends_on < today,
            "may_manage": policy.may_manage_agreements(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@doors.page_for(policy.may_manage_agreements)
def agreement_create(request: HttpRequest) -> HttpResponse:
    form = forms.AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            agreement = services.agreement_create(user=request.user, **form.cleaned_data)
            messages.success(
                request, _("Registered. It is in force once every party's sign-off is recorded.")
            )
            return redirect(agreement)
    return render(request, "privacy/agreement_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_sign(request: HttpRequest, party_id: int) -> HttpResponse:
    party = doors.access_agreement_party(request.user, party_id)
    form = forms.SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.agreement_sign(user=request.user, party=party, **form.cleaned_data)
            messages.success(request, _("The sign-off is recorded."))
            return redirect(party.agreement)
    return render(request, "privacy/agreement_sign.html", {"form": form, "party": party})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_end(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = doors.access_agreement(request.user, agreement_id, for_management=True)
    form = forms.AgreementEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.agreement_end(user=request.user, agreement=agreement, **form.cleaned_data)
            messages.success(request, _("The end date is recorded."))
            return redirect(agreement)
    return render(request, "privacy/agreement_end.html", {"form": form, "agreement": agreement})


# --- The sharing-decision log of a case ----------------------------------------------------------


@login_required
def sharing_log(request: HttpRequest, reference: str) -> HttpResponse:
    """The case's decisions to share and not to share that the reader may read (the case
    team and the information officer: access.policy, "The sharing-decision log")."""
    case = doors.access_case(request.user, reference, what="sharing decisions")
    label_cases([case], user=request.user)
    search = ListSearchForm(request.GET or None, label=_("What, with whom or why"))
    decisions = selectors.sharing_decisions(user=request.user, case=case, q=search.term())
    return render(
        request,
        "privacy/sharing_log.html",
        {
            "case": case,
            "page": paginate(request, decisions, PAGE_SIZE),
            "search_form": search,
            "query": query_without_page(request),
            "may_record": bool(policy.sharing_decision_kinds(request.user)),
            "restricted": policy.case_is_restricted(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_record(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case(request.user, reference, for_write=True, audit=False)
    form = forms.SharingDecisionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            decision = services.sharing_decision_record(
                user=request.user, case=case, **form.cleaned_data
            )
            messages.success(request, _("The decision is recorded in the log."))
            return redirect(decision)
    # Once per page shown (not for a post that redirects): the page names the case.
    reads.record_read(user=request.user, obj=case, what="sharing decision form")
    label_cases([case], user=request.user)
    return render(request, "privacy/sharing_record.html", {"case": case, "form": form})
