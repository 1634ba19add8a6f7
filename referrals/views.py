"""Thin views: parse, call a selector or a service, render. Every referral and outbound
referral comes through its door (access.doors), every case through access.doors.access_case:
each answers 404 for what the user may not see. Services ask the policy before every write."""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import doors, policy
from audit import reads
from cases import selectors as case_selectors
from cases.models import Case
from cases.people import label_cases
from core import drafts
from core.forms import show_refusal
from core.pagination import paginate, query_without_page
from referrals import forms, selectors, services
from referrals.models import OutboundReferral, Referral

# Where a referral form's text waits while its author signs in again.
KEPT_FORM = "referrals.kept_form"
KEPT_FORM_MAX_CHARS = 200_000


def _search_list(request: HttpRequest, select, **selecting) -> dict:
    """A searchable list page's context: the search form, the page of what `select` finds for
    the user and the search, and the query that the links to the other pages keep."""
    form = forms.SearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    rows = select(user=request.user, search=search, **selecting)
    return {"form": form, "page": paginate(request, rows), "query": query_without_page(request)}


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
    saved = None
    with show_refusal(request, form):
        saved = services.referral_save(
            referrer=request.user,
            token=token,
            submit=submit,
            indicators=form.cleaned_data["indicators"],
            **form.referral_data(),
        )
    if saved is None:
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
@doors.page_for(policy.may_refer)
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
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
    referral = doors.access_referral(request.user, referral_id, as_referrer=True).referral
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
@doors.page_for(policy.may_refer)
def referral_mine(request: HttpRequest) -> HttpResponse:
    form = forms.MyReferralsForm(request.GET or None)
    valid = form.is_valid()
    rows = selectors.referrals_of(
        user=request.user,
        search=form.cleaned_data["q"] if valid else "",
        status=form.cleaned_data["status"] if valid else "",
    )
    return render(
        request,
        "referrals/mine.html",
        {
            "form": form,
            "page": paginate(request, rows),
            "query": query_without_page(request),
            "may_screen": policy.may_screen_referrals(request.user),
            "may_receive_outbound": policy.may_receive_outbound_referrals(request.user),
        },
    )


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    # The read is recorded below, once, with the matches the page shows.
    access = doors.access_referral(request.user, referral_id, audit=False)
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
    deconfliction = selectors.deconfliction(user=request.user, referral=referral)
    selectors.record_screening_read(
        user=request.user, referral=referral, deconfliction=deconfliction
    )
    case_visible = (
        bool(referral.case_id)
        and case_selectors.visible_cases(user=request.user).filter(pk=referral.case_id).exists()
    )
    if case_visible:
        label_cases([referral.case], user=request.user)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "indicators": referral.indicators.all(),
            "deconfliction": deconfliction,
            "screenings": selectors.screenings_of(user=request.user, referral=referral),
            "may_decide": policy.may_decide_screening(request.user)
            and referral.status == Referral.Status.SUBMITTED,
            "case_visible": case_visible,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_answer(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = doors.access_referral(request.user, referral_id, as_referrer=True).referral
    if not policy.may_answer_referral_question(request.user, referral):
        messages.info(request, _("This referral is not waiting for an answer from you."))
        return redirect(referral)
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.referral_answer(
                referral=referral, user=request.user, answer=form.cleaned_data["answer"]
            )
            messages.success(request, _("Thank you: your answer was sent for screening."))
            return redirect(referral)
    return render(
        request,
        "referrals/answer.html",
        {"form": form, "view": selectors.referrer_view(user=request.user, referral=referral)},
    )


# --- Screening -------------------------------------------------------------------------------


@login_required
@doors.page_for(policy.may_screen_referrals)
def screening_list(request: HttpRequest) -> HttpResponse:
    form = forms.ScreeningFilterForm(request.GET or None)
    filters = selectors.ScreeningFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ScreeningFilters(
            search=data["q"], status=data["status"], overdue=data["overdue"]
        )
    page = paginate(request, selectors.screening_list(user=request.user, filters=filters))
    # The list shows each person's name and date of birth.
    reads.record_list_read(user=request.user, page="screening", shown={"referral": page})
    return render(
        request,
        "referrals/screening_list.html",
        {"form": form, "page": page, "query": query_without_page(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_screen(request: HttpRequest, referral_id: int) -> HttpResponse:
    # The read is recorded below, once, when the page is shown.
    referral = doors.access_referral(
        request.user, referral_id, for_decision=True, audit=False
    ).referral
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
        with show_refusal(request, form):
            screening = services.screening_decide(
                referral=referral, user=request.user, **form.cleaned_data
            )
            messages.success(
                request,
                _("Screening recorded: %(outcome)s. The referrer is told the outcome.")
                % {"outcome": screening.get_outcome_display()},
            )
            return redirect(referral)
    deconfliction = selectors.deconfliction(user=request.user, referral=referral)
    selectors.record_screening_read(
        user=request.user, referral=referral, deconfliction=deconfliction
    )
    return render(
        request,
        "referrals/screen.html",
        {"referral": referral, "form": form, "deconfliction": deconfliction},
    )


# --- Outbound referrals ----------------------------------------------------------------------


@login_required
@doors.page_for(policy.may_receive_outbound_referrals)
def outbound_list(request: HttpRequest) -> HttpResponse:
    """Referrals addressed to the user's agency."""
    found = _search_list(request, selectors.outbound_received)
    reads.record_list_read(
        user=request.user,
        page="referrals to your agency",
        shown={"outbound referral": found["page"]},
    )
    return render(request, "referrals/outbound_list.html", found)


@login_required
def outbound_case(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case(request.user, reference)
    label_cases([case], user=request.user)
    return render(
        request,
        "referrals/outbound_case.html",
        {
            **_search_list(request, selectors.outbound_for_case, case=case),
            "case": case,
            "may_send": policy.may_send_outbound_referral(request.user, case),
        },
    )


def _person_details(user, case: Case) -> str:
    person = case.person
    if not case_selectors.person_identity_visible(user=user, person=person):
        return ""
    born = f", {person.date_of_birth:%d/%m/%Y}" if person.date_of_birth else ""
    return f"{person.first_name} {person.last_name}{born}"


def _outbound_draft_key(case: Case) -> str:
    return f"referrals.outbound.{case.pk}"


def _outbound_checked(request: HttpRequest, case: Case, form: forms.OutboundForm) -> bool:
    """The form is valid and the service would send it (asking the policy)."""
    if not form.is_valid():
        return False
    with show_refusal(request, form):
        services.outbound_check(case=case, user=request.user, **form.cleaned_data)
        return True
    return False


def _outbound_form_page(request: HttpRequest, case: Case, form: forms.OutboundForm) -> HttpResponse:
    label_cases([case], user=request.user)
    return render(
        request,
        "referrals/outbound_form.html",
        {
            "form": form,
            "case": case,
            "title": _("Refer to a service"),
            "may_send": policy.may_send_outbound_referral(request.user, case),
            "form_url": reverse("referrals:outbound_new", args=[case.reference]),
        },
    )


# Referring on ends on "check your answers": the form keeps a draft (core.drafts), the check
# page shows what the provider will read, and only its button sends, from a signed copy that
# the form and the service (asking the policy) check again.


@login_required
@require_http_methods(["GET", "POST"])
def outbound_new(request: HttpRequest, reference: str) -> HttpResponse:
    # The form is pre-filled with the person's name and date of birth: the case read is logged.
    case = doors.access_case(request.user, reference)
    key = _outbound_draft_key(case)
    if request.method == "POST":
        draft = drafts.from_post(request.POST)
        form = forms.OutboundForm(drafts.as_data(draft), user=request.user)
        if _outbound_checked(request, case, form):
            drafts.keep(request, key, draft)
            return redirect("referrals:outbound_check", reference=case.reference)
        return _outbound_form_page(request, case, form)
    draft = drafts.kept(request, key)
    if draft is None:
        initial = {"person_details": _person_details(request.user, case)}
    else:
        initial = drafts.initial_from(forms.OutboundForm(drafts.as_data(draft), user=request.user))
    return _outbound_form_page(
        request, case, forms.OutboundForm(initial=initial, user=request.user)
    )


@login_required
@require_http_methods(["GET", "POST"])
def outbound_check(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case(request.user, reference)
    key = _outbound_draft_key(case)
    if request.method == "POST":
        try:
            draft, once = drafts.unsign(request.POST.get("draft", ""), user=request.user, key=key)
        except signing.BadSignature:
            messages.error(request, _("Nothing was sent: check the referral again, then send it."))
            return redirect("referrals:outbound_check", reference=case.reference)
    else:
        draft = drafts.kept(request, key)
        if draft is None:
            return redirect("referrals:outbound_new", reference=case.reference)
    form = forms.OutboundForm(drafts.as_data(draft), user=request.user)
    if not _outbound_checked(request, case, form):
        drafts.keep(request, key, draft)
        return _outbound_form_page(request, case, form)
    if request.method == "POST":
        if not drafts.spend(request, once):
            messages.info(request, _("This referral was already sent: it is not sent twice."))
            return redirect("referrals:outbound_case", reference=case.reference)
        with show_refusal(request, form):
            outbound = services.outbound_send(case=case, user=request.user, **form.cleaned_data)
            drafts.drop(request, key)
            messages.success(request, _("Referral sent. The provider is told by e-mail."))
            return redirect(outbound)
        return _outbound_form_page(request, case, form)
    provider = form.cleaned_data["provider"]
    return render(
        request,
        "referrals/outbound_check.html",
        {
            "case": case,
            "form": form,
            "answers": form.cleaned_data,
            "service_label": OutboundReferral.Service(form.cleaned_data["service"]).label,
            "consent_label": OutboundReferral.Consent(form.cleaned_data["consent"]).label,
            "reach": selectors.provider_reach(provider=provider),
            "form_url": reverse("referrals:outbound_new", args=[case.reference]),
            "draft": drafts.sign(draft, user=request.user, key=key),
            "button": _("Send the referral to %(agency)s") % {"agency": provider.name},
        },
    )


@login_required
def outbound_detail(request: HttpRequest, outbound_id: int) -> HttpResponse:
    access = doors.access_outbound_referral(request.user, outbound_id)
    outbound = access.outbound
    if access.as_team:  # the provider is told of the person what the referral says, no more
        label_cases([outbound.case], user=request.user)
    open_to_answers = outbound.status in services.OUTBOUND_ANSWERS
    return render(
        request,
        "referrals/outbound_detail.html",
        {
            "outbound": outbound,
            "as_team": access.as_team,
            "as_provider": access.as_provider,
            "may_answer": open_to_answers
            and access.as_provider
            and policy.may_answer_outbound_referral(request.user, outbound),
            "may_revoke": open_to_answers
            and access.as_team
            and policy.may_revoke_outbound_referral(request.user, outbound),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def outbound_answer(request: HttpRequest, outbound_id: int) -> HttpResponse:
    outbound = doors.access_outbound_referral(request.user, outbound_id, for_answer=True).outbound
    form = forms.OutboundAnswerForm(request.POST or None, outbound=outbound)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.outbound_answer(outbound=outbound, user=request.user, **form.cleaned_data)
            messages.success(request, _("Answer recorded. The sender is told by e-mail."))
            return redirect(outbound)
    return render(
        request,
        "referrals/outbound_form.html",
        {
            "form": form,
            "outbound": outbound,
            "title": _("Answer the referral"),
            "button": _("Send your answer"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def outbound_revoke(request: HttpRequest, outbound_id: int) -> HttpResponse:
    outbound = doors.access_outbound_referral(
        request.user, outbound_id, for_revocation=True
    ).outbound
    form = forms.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.outbound_revoke(
                outbound=outbound, user=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Revoked: the provider no longer sees it."))
            return redirect(outbound)
    return render(
        request,
        "referrals/outbound_form.html",
        {
            "form": form,
            "outbound": outbound,
            "title": _("Revoke the referral"),
            "button": _("Revoke: the provider loses it at once"),
            "warning": True,
        },
    )


# --- Prison release --------------------------------------------------------------------------


@login_required
@doors.page_for(policy.may_work_on_cases)
def prison_release_list(request: HttpRequest) -> HttpResponse:
    found = _search_list(request, selectors.upcoming_prison_releases)
    label_cases(found["page"].object_list, user=request.user, case_of=lambda row: row.case)
    reads.record_list_read(
        user=request.user, page="releases from prison", shown={"prison release": found["page"]}
    )
    return render(request, "referrals/prison_release_list.html", found)


@login_required
@require_http_methods(["GET", "POST"])
def prison_release(request: HttpRequest, reference: str) -> HttpResponse:
    # The start form is pre-filled with the person's name and date of birth: the case read is
    # logged. The services refuse what the policy does not allow; the form shows only if allowed.
    case = doors.access_case(request.user, reference)
    release = selectors.prison_release_of(user=request.user, case=case)
    if release is None:
        may_manage = policy.may_set_up_prison_release(request.user, case)
        form = forms.PrisonReleaseStartForm(
            request.POST or None,
            user=request.user,
            initial={"person_details": _person_details(request.user, case)},
        )
    else:
        may_manage = policy.may_manage_prison_release(request.user, case)
        form = forms.PrisonReleaseEditForm(
            request.POST or None,
            initial={
                "institution": release.institution,
                "expected_release_date": release.expected_release_date,
                "conditions": release.conditions,
            },
        )
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            if release is None:
                services.prison_release_start(case=case, user=request.user, **form.cleaned_data)
            else:
                services.prison_release_update(
                    release=release, user=request.user, **form.cleaned_data
                )
            messages.success(request, _("Prison-release protocol saved."))
            return redirect("referrals:prison_release", reference=case.reference)
    label_cases([case], user=request.user)
    return render(
        request,
        "referrals/prison_release.html",
        {"case": case, "release": release, "form": form, "may_manage": may_manage},
    )
