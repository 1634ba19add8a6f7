"""Thin views: parse, call a selector or a service, render. Every referral comes through
selectors.referral_get (or its siblings), every case through cases.selectors.case_get: each
answers 404 for what the user may not see."""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import policy
from cases import selectors as case_selectors
from cases.forms import apply_errors
from cases.models import Case
from referrals import forms, selectors, services
from referrals.models import Referral

PAGE_SIZE = 25
# Where a referral form's text waits while its author signs in again.
KEPT_FORM = "referrals.kept_form"
KEPT_FORM_MAX_CHARS = 200_000


def _paginate(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- The referral form -----------------------------------------------------------------------


def keeps_text_over_sign_in(view):
    """Like login_required, but a referral form posted after the session ended is kept (on the
    server, for the account that opened the form) and handed back, as a draft, once its author
    signs in. This covers a session that ended however it ended (its maximum age, the browser
    closed, no script running); an idle sign-out is caught earlier by the idle middleware, and
    static/js/session.js puts the text back in that case."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            token = forms.read_token(request.POST.get("token", ""))
            data = {
                key: request.POST.getlist(key)
                for key in request.POST
                if key != "csrfmiddlewaretoken"
            }
            if token is not None and len(str(data)) <= KEPT_FORM_MAX_CHARS:
                request.session[KEPT_FORM] = {"user": token[0], "data": data}
                return redirect_to_login(f"{reverse('referrals:new')}?resume=1")
        return redirect_to_login(request.get_full_path())

    return wrapper


def _form_page(request, form, referral=None, resumed=False) -> HttpResponse:
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "referral": referral, "resumed": resumed},
    )


def _save(request: HttpRequest, form: forms.ReferralForm, referral: Referral | None):
    """Save or send the posted form; a response on success, None to show the form again."""
    if not form.is_valid():
        return None
    user_id, token = form.cleaned_data["token"]
    if user_id != request.user.pk or (referral and token != referral.form_token):
        form.add_error(None, _("This form was opened for another account or referral."))
        return None
    submit = request.POST.get("action") == "submit"
    try:
        saved = services.referral_save(
            referrer=request.user,
            token=token,
            submit=submit,
            indicators=form.cleaned_data["indicators"],
            **form.referral_data(),
        )
    except ValidationError as error:
        apply_errors(form, error)
        return None
    if saved.status == Referral.Status.DRAFT:
        messages.success(
            request, _("Draft saved. You find it under “Your referrals” until you send it.")
        )
        return redirect("referrals:edit", referral_id=saved.pk)
    messages.success(
        request,
        _("Thank you: your referral was sent. You can follow it here; you are told the outcome."),
    )
    return redirect(saved)


@keeps_text_over_sign_in
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    if not policy.may_refer(request.user):
        raise Http404
    if request.method == "GET" and request.GET.get("resume"):
        return _resume(request)
    form = forms.ReferralForm(
        request.POST or None,
        initial={"token": forms.sign_token(request.user, uuid.uuid4())},
    )
    if request.method == "POST":
        response = _save(request, form, referral=None)
        if response is not None:
            return response
    return _form_page(request, form)


def _resume(request: HttpRequest) -> HttpResponse:
    """The text posted while the session had ended, saved as a draft for its author."""
    kept = request.session.get(KEPT_FORM)
    if not kept or kept.get("user") != request.user.pk:
        return redirect("referrals:new")
    del request.session[KEPT_FORM]
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    data["action"] = "draft"
    form = forms.ReferralForm(data)
    response = _save(request, form, referral=None)
    if response is not None:
        messages.info(request, _("Your session had ended. What you wrote is kept as a draft."))
        return response
    messages.info(request, _("Your session had ended. What you wrote is below: check and save."))
    return _form_page(request, form, resumed=True)


@keeps_text_over_sign_in
@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, referral_id: int) -> HttpResponse:
    """A draft, resumed. Once sent, a referral is followed on its page and no longer edited."""
    if not policy.may_refer(request.user):
        raise Http404
    referral = selectors.referral_get_own(user=request.user, referral_id=referral_id)
    if not policy.may_edit_referral(request.user, referral):
        return redirect(referral)
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.referral_delete_draft(referral=referral, user=request.user)
        messages.success(request, _("Draft deleted."))
        return redirect("referrals:mine")
    form = forms.ReferralForm(
        request.POST or None, initial=forms.ReferralForm.initial_for(referral, request.user)
    )
    if request.method == "POST":
        response = _save(request, form, referral=referral)
        if response is not None:
            return response
    return _form_page(request, form, referral=referral)


# --- The referrer's side ---------------------------------------------------------------------


@login_required
def referral_mine(request: HttpRequest) -> HttpResponse:
    if not policy.may_refer(request.user):
        raise Http404
    form = forms.SearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = _paginate(request, selectors.referrals_of(user=request.user, search=search))
    return render(
        request,
        "referrals/mine.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "may_screen": policy.may_screen_referrals(request.user),
            "may_receive_outbound": policy.may_receive_outbound_referrals(request.user),
        },
    )


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    access = selectors.referral_get(user=request.user, referral_id=referral_id)
    referral = access.referral
    if not access.full:
        return render(
            request,
            "referrals/referrer_detail.html",
            {
                "view": selectors.referrer_view(user=request.user, referral=referral),
                "answer_form": forms.AnswerForm(),
                "may_answer": policy.may_answer_referral_question(request.user, referral),
                "may_edit": policy.may_edit_referral(request.user, referral),
            },
        )
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "indicators": referral.indicators.all(),
            "deconfliction": selectors.deconfliction(user=request.user, referral=referral),
            "screenings": selectors.screenings_of(user=request.user, referral=referral),
            "may_decide": policy.may_decide_screening(request.user)
            and referral.status == Referral.Status.SUBMITTED,
            "case_visible": bool(referral.case_id)
            and case_selectors.visible_cases(user=request.user)
            .filter(pk=referral.case_id)
            .exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_answer(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get_own(user=request.user, referral_id=referral_id)
    if not policy.may_answer_referral_question(request.user, referral):
        messages.info(request, _("This referral is not waiting for an answer from you."))
        return redirect(referral)
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_answer(
                referral=referral, user=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you: your answer was sent for screening."))
            return redirect(referral)
    return render(
        request,
        "referrals/answer.html",
        {"form": form, "view": selectors.referrer_view(user=request.user, referral=referral)},
    )


# --- Screening -------------------------------------------------------------------------------


@login_required
def screening_list(request: HttpRequest) -> HttpResponse:
    if not policy.may_screen_referrals(request.user):
        raise Http404
    form = forms.ScreeningFilterForm(request.GET or None)
    filters = selectors.ScreeningFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ScreeningFilters(
            search=data["q"], status=data["status"], overdue=data["overdue"]
        )
    page = _paginate(request, selectors.screening_list(user=request.user, filters=filters))
    return render(
        request,
        "referrals/screening_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_screen(request: HttpRequest, referral_id: int) -> HttpResponse:
    if not policy.may_screen_referrals(request.user):
        raise Http404
    referral = selectors.referral_get_for_screening(user=request.user, referral_id=referral_id)
    if not policy.may_decide_screening(request.user):
        raise PermissionDenied
    if request.method == "GET" and referral.status != Referral.Status.SUBMITTED:
        messages.info(
            request,
            _("This referral is not waiting for screening: %(status)s.")
            % {"status": referral.get_status_display()},
        )
        return redirect(referral)
    persons = selectors.linkable_persons(user=request.user, referral=referral)
    cases = selectors.linkable_cases(user=request.user, persons=persons)
    form = forms.ScreeningForm(
        request.POST or None,
        persons=persons,
        cases=cases,
        initial={"lead_agency": policy.agency_id_of(request.user), "owner": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.screening_decide(
                referral=referral, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Screening recorded: %(outcome)s. The referrer is told the outcome.")
                % {"outcome": screening.get_outcome_display()},
            )
            return redirect(referral)
    return render(
        request,
        "referrals/screen.html",
        {
            "referral": referral,
            "form": form,
            "deconfliction": selectors.deconfliction(user=request.user, referral=referral),
        },
    )


# --- Outbound referrals ----------------------------------------------------------------------


@login_required
def outbound_list(request: HttpRequest) -> HttpResponse:
    """Referrals addressed to the user's agency."""
    if not policy.may_receive_outbound_referrals(request.user):
        raise Http404
    form = forms.SearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = _paginate(request, selectors.outbound_received(user=request.user, search=search))
    return render(
        request,
        "referrals/outbound_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


def _case_for_worker(request: HttpRequest, reference: str) -> Case:
    if not policy.may_work_on_cases(request.user):
        raise Http404
    return case_selectors.case_get(user=request.user, reference=reference, audit=False)


@login_required
def outbound_case(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_worker(request, reference)
    form = forms.SearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = _paginate(
        request, selectors.outbound_for_case(user=request.user, case=case, search=search)
    )
    return render(
        request,
        "referrals/outbound_case.html",
        {
            "case": case,
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "may_send": policy.may_send_outbound_referral(request.user),
        },
    )


def _person_details(user, case: Case) -> str:
    person = case.person
    if not case_selectors.person_identity_visible(user=user, person=person):
        return ""
    born = f", {person.date_of_birth:%d/%m/%Y}" if person.date_of_birth else ""
    return f"{person.first_name} {person.last_name}{born}"


@login_required
@require_http_methods(["GET", "POST"])
def outbound_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_worker(request, reference)
    if not policy.may_send_outbound_referral(request.user):
        raise PermissionDenied
    form = forms.OutboundForm(
        request.POST or None,
        user=request.user,
        initial={"person_details": _person_details(request.user, case)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            outbound = services.outbound_send(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Referral sent. The provider is told by e-mail."))
            return redirect(outbound)
    return render(
        request,
        "referrals/outbound_form.html",
        {"form": form, "case": case, "title": _("Refer to a service")},
    )


@login_required
def outbound_detail(request: HttpRequest, outbound_id: int) -> HttpResponse:
    access = selectors.outbound_get(user=request.user, outbound_id=outbound_id)
    outbound = access.outbound
    may_answer = access.as_provider and policy.may_answer_outbound_referral(request.user, outbound)
    return render(
        request,
        "referrals/outbound_detail.html",
        {
            "outbound": outbound,
            "as_team": access.as_team,
            "as_provider": access.as_provider,
            "may_answer": may_answer and outbound.status in services.OUTBOUND_ANSWERS,
            "may_revoke": access.as_team
            and policy.may_send_outbound_referral(request.user)
            and outbound.status in services.OUTBOUND_ANSWERS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def outbound_answer(request: HttpRequest, outbound_id: int) -> HttpResponse:
    access = selectors.outbound_get(user=request.user, outbound_id=outbound_id)
    outbound = access.outbound
    if not (access.as_provider and policy.may_answer_outbound_referral(request.user, outbound)):
        raise PermissionDenied
    form = forms.OutboundAnswerForm(request.POST or None, outbound=outbound)
    if request.method == "POST" and form.is_valid():
        try:
            services.outbound_answer(outbound=outbound, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Answer recorded. The sender is told by e-mail."))
            return redirect(outbound)
    return render(
        request,
        "referrals/outbound_form.html",
        {"form": form, "outbound": outbound, "title": _("Answer the referral")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def outbound_revoke(request: HttpRequest, outbound_id: int) -> HttpResponse:
    access = selectors.outbound_get(user=request.user, outbound_id=outbound_id)
    outbound = access.outbound
    if not (access.as_team and policy.may_send_outbound_referral(request.user)):
        raise PermissionDenied
    form = forms.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.outbound_revoke(
                outbound=outbound, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Revoked: the provider no longer sees it."))
            return redirect(outbound)
    return render(
        request,
        "referrals/outbound_form.html",
        {"form": form, "outbound": outbound, "title": _("Revoke the referral")},
    )


# --- Prison release --------------------------------------------------------------------------


@login_required
def prison_release_list(request: HttpRequest) -> HttpResponse:
    if not policy.may_work_on_cases(request.user):
        raise Http404
    form = forms.SearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = _paginate(request, selectors.upcoming_prison_releases(user=request.user, search=search))
    return render(
        request,
        "referrals/prison_release_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def prison_release(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_worker(request, reference)
    release = selectors.prison_release_of(user=request.user, case=case)
    may_manage = policy.may_manage_prison_release(request.user)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    if release is None:
        form = forms.PrisonReleaseStartForm(
            request.POST or None,
            user=request.user,
            initial={"person_details": _person_details(request.user, case)},
        )
    else:
        form = forms.PrisonReleaseEditForm(
            request.POST or None,
            initial={
                "institution": release.institution,
                "expected_release_date": release.expected_release_date,
                "conditions": release.conditions,
            },
        )
    if request.method == "POST" and form.is_valid():
        try:
            if release is None:
                services.prison_release_start(case=case, user=request.user, **form.cleaned_data)
            else:
                services.prison_release_update(
                    release=release, user=request.user, **form.cleaned_data
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Prison-release protocol saved."))
            return redirect("referrals:prison_release", reference=case.reference)
    return render(
        request,
        "referrals/prison_release.html",
        {"case": case, "release": release, "form": form, "may_manage": may_manage},
    )
