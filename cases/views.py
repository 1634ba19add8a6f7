"""Thin views: parse, call a selector or a service, render. Every case, and everything on
one, comes through its door in access.doors, which answers 404 for what the user may not see,
403 for what they see but may not do, and records the read; the services ask the policy again
before they change anything."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import doors, policy
from audit import reads
from cases import forms, people, selectors, services
from cases.models import Case
from core.forms import show_refusal
from core.pagination import COUNT_CAP, SEARCH_COUNT_CAP, paginate, query_without_page


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not policy.may_work_on_cases(request.user):
        raise Http404
    form = forms.CaseFilterForm(request.GET or None)
    filters = selectors.CaseFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.CaseFilters(
            search=data["q"],
            status=data["status"],
            category=data["category"].pk if data["category"] else None,
            risk_level=data["risk_level"],
            owner_name=data["owner"],
            agency_name=data["agency"],
            overdue=data["overdue"],
            action_agency=data["action_agency"].pk if data["action_agency"] else None,
            closure_reason=data["closure_reason"],
            repeat=data["repeat"],
            review_within=data["review_within"],
            action_owner=request.user.pk if data["my_overdue"] else None,
            escalation_to_decide=data["to_decide"],
            new_within=data["new_within"],
        )
    page = paginate(
        request,
        selectors.case_list(user=request.user, filters=filters),
        cap=SEARCH_COUNT_CAP if filters.search.strip() else COUNT_CAP,
    )
    page.object_list = people.label_cases(page.object_list, user=request.user)
    reads.record_list_read(
        user=request.user, page="case list", shown={"case": page}, searched=filters.searched()
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "may_open": policy.may_open_cases(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest) -> HttpResponse:
    if not policy.may_work_on_cases(request.user):
        raise Http404
    if not policy.may_open_cases(request.user):
        raise PermissionDenied
    form = forms.CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with show_refusal(request, form):
            if data["existing_person"]:
                person = selectors.person_by_code(user=request.user, code=data["existing_person"])
                if person is None:
                    raise ValidationError(
                        {"existing_person": _("No person with this code on a case you can see.")}
                    )
            else:
                person = services.person_create(
                    **{name: data[name] for name in forms.PersonFields.base_fields}
                )
            case = services.case_open(
                opened_by=request.user,
                person=person,
                lead_agency=data["lead_agency"],
                owner=data["owner"],
                legal_basis=data["legal_basis"],
                categories=list(data["categories"]),
                risk_level=data["risk_level"],
                person_informed=data["person_informed"],
                not_informed_reason=data["not_informed_reason"],
            )
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect(case)
    return render(request, "cases/case_open.html", {"form": form})


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case(request.user, reference)
    entry_form = forms.ChronologyFilterForm(request.GET or None)
    filters = selectors.EntryFilters()
    if entry_form.is_valid():
        filters = selectors.EntryFilters(**entry_form.cleaned_data)
    detail = selectors.case_detail(user=request.user, case=case, entry_filters=filters)
    entry_form.set_agencies(detail.entry_agencies)
    may_edit = policy.may_write_opened_case(request.user, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "detail": detail,
            "entry_form": entry_form,
            "may_edit": may_edit,
            "restricted": not may_edit and policy.case_is_restricted(case),
            "may_release": policy.may_write_releases(request.user),
            "may_see_reads": policy.may_see_read_audit(request.user),
            "may_report": policy.may_run_subject_access_report(request.user),
            "may_decide": {
                e.pk: may_edit and policy.decides_escalations_to(request.user, e.audience)
                for e in detail.escalations
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case(request.user, reference, for_write=True, what="case edit form")
    may_change_team = policy.may_change_owner_or_lead_agency(request.user, case)
    conflict = None
    form = forms.CaseEditForm(
        request.POST or None,
        initial=forms.CaseEditForm.initial_for(case),
        may_change_owner=may_change_team,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        categories = data.pop("categories")
        try:
            with show_refusal(request, form):
                services.case_update(
                    case=case,
                    user=request.user,
                    expected_version=version,
                    categories=categories,
                    **data,
                )
                messages.success(request, _("Case details saved."))
                return redirect(case)
        except services.ConflictError as error:
            conflict = error.current
            form = _rebase(form, conflict, may_change_team)
    return render(
        request,
        "cases/case_edit.html",
        {"case": _labelled(request, case), "form": form, "conflict": conflict},
    )


def _rebase(form: forms.CaseEditForm, current: Case, may_change_owner: bool) -> forms.CaseEditForm:
    """Keep the user's input on top of the version now saved, so saving again applies it."""
    data = form.data.copy()
    data["version"] = current.version
    rebased = forms.CaseEditForm(
        data, initial=forms.CaseEditForm.initial_for(current), may_change_owner=may_change_owner
    )
    rebased.is_valid()
    rebased.add_error(
        None,
        _(
            "Someone else changed this case while you were editing. Their version is shown "
            "below; your changes are still in the form. Check them and save again."
        ),
    )
    return rebased


@login_required
@require_http_methods(["GET", "POST"])
def case_status(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case(request.user, reference, for_write=True, what="status form")
    form = forms.StatusChangeForm(
        request.POST or None, case=case, initial={"version": case.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            with show_refusal(request, form):
                services.case_change_status(
                    case=case, user=request.user, expected_version=version, **data
                )
                messages.success(request, _("Status changed."))
                return _land(case, "history")
        except services.ConflictError as error:
            conflict = error.current
            data = form.data.copy()
            data["version"] = conflict.version
            form = forms.StatusChangeForm(data, case=conflict)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else changed this case meanwhile: it is now "
                    "%(status)s. Check the new status and submit again."
                )
                % {"status": conflict.get_status_display()},
            )
    return render(
        request,
        "cases/case_status.html",
        {"case": _labelled(request, conflict or case), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case(request.user, reference, for_write=True, what="entry form")
    form = forms.EntryForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            entry = services.entry_add(case=case, author=request.user, **form.cleaned_data)
            messages.success(request, _("Entry added to the chronology."))
            return _land(case, f"entry-{entry.pk}")
    return _form_page(request, case, form, _("Add a chronology entry"), multipart=True)


@login_required
@require_http_methods(["GET", "POST"])
def entry_correct(request: HttpRequest, reference: str, entry_id: int) -> HttpResponse:
    case = doors.access_case(request.user, reference, for_write=True, audit=False)
    entry = doors.access_entry(request.user, case, entry_id, what="correction form of entry")
    form = forms.CorrectionForm(request.POST or None, initial={"text": entry.in_words()})
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            correction = services.entry_correct(
                entry=entry, author=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("Correction added; the original entry is kept."))
            return _land(case, f"entry-{correction.pk}")
    return _form_page(request, case, form, _("Correct a chronology entry"), original=entry)


@login_required
def attachment_download(request: HttpRequest, reference: str, attachment_id: int):
    case = doors.access_case(request.user, reference, audit=False)
    attachment = doors.access_attachment(request.user, case, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def assessment_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case(request.user, reference, for_write=True, what="assessment form")
    indicators = list(selectors.active_indicators())
    form = forms.AssessmentForm(request.POST or None, user=request.user, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with show_refusal(request, form):
            assessment = services.assessment_record(
                case=case,
                author=request.user,
                overall_judgement=data["overall_judgement"],
                what_changed=data["what_changed"],
                level=data["level"],
                ratings=form.ratings(),
            )
            messages.success(request, _("Assessment recorded."))
            return _land(case, f"assessment-{assessment.pk}")
    return _form_page(request, case, form, _("Record an assessment"))


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case(request.user, reference, for_write=True, what="action form")
    form = forms.ActionForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            action = services.action_add(case=case, created_by=request.user, **form.cleaned_data)
            messages.success(request, _("Action added to the support plan."))
            return _land(case, f"action-{action.pk}")
    return _form_page(request, case, form, _("Add an action"))


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, reference: str, action_id: int) -> HttpResponse:
    case = doors.access_case(request.user, reference, for_write=True, audit=False)
    action = doors.access_action(request.user, case, action_id, what="update form of action")
    form = forms.ActionUpdateForm(
        request.POST or None,
        initial={
            "status": action.status,
            "status_note": action.status_note,
            "due_date": action.due_date,
            "consent": action.consent,
        },
    )
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.action_update(action=action, user=request.user, **form.cleaned_data)
            messages.success(request, _("Action updated."))
            return _land(case, f"action-{action.pk}")
    return _form_page(request, case, form, _("Update an action"), original_action=action)


@login_required
@require_http_methods(["GET", "POST"])
def escalation_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case(request.user, reference, for_write=True, what="escalation form")
    form = forms.EscalationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            escalation = services.escalation_raise(
                case=case, raised_by=request.user, **form.cleaned_data
            )
            messages.success(request, _("Escalation raised."))
            return _land(case, f"escalation-{escalation.pk}")
    return _form_page(request, case, form, _("Escalate"))


@login_required
@require_http_methods(["GET", "POST"])
def escalation_decide(request: HttpRequest, reference: str, escalation_id: int) -> HttpResponse:
    case = doors.access_case(request.user, reference, audit=False)
    escalation = doors.access_escalation(request.user, case, escalation_id, for_decision=True)
    form = forms.EscalationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.escalation_decide(
                escalation=escalation, user=request.user, **form.cleaned_data
            )
            messages.success(request, _("Escalation updated."))
            return _land(case, f"escalation-{escalation.pk}")
    return _form_page(request, case, form, _("Record the decision"), escalation=escalation)


def _labelled(request: HttpRequest, case: Case) -> Case:
    """The case (opened through its door) with its person labelled for the page's back link."""
    people.label_cases([case], user=request.user)
    return case


def _land(case: Case, anchor: str) -> HttpResponse:
    """After a write, the case page at what was written (the success message above it)."""
    return redirect(f"{case.get_absolute_url()}#{anchor}")


def _form_page(request, case, form, title, multipart=False, **extra) -> HttpResponse:
    return render(
        request,
        "cases/case_form.html",
        {
            "case": _labelled(request, case),
            "form": form,
            "title": title,
            "multipart": multipart,
            **extra,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_team(request: HttpRequest, reference: str) -> HttpResponse:
    # Only the owner and the coordinator change the team: anyone else's POST is refused here,
    # and the services ask the policy again (restriction included).
    case = doors.access_case(
        request.user, reference, for_team=request.method == "POST", what="case team"
    )
    user_form = forms.TeamUserForm(prefix="user")
    agency_form = forms.TeamAgencyForm(prefix="agency")
    if request.method == "POST":
        action = request.POST.get("action")
        done = False
        if action == "add_user":
            user_form = forms.TeamUserForm(request.POST, prefix="user")
            if user_form.is_valid():
                d = user_form.cleaned_data
                with show_refusal(request, user_form):
                    services.team_add_user(
                        case=case,
                        user=d["user"],
                        granted_by=request.user,
                        reason=d["reason"],
                        expires_on=d["expires_on"],
                    )
                    done = True
        elif action == "add_agency":
            agency_form = forms.TeamAgencyForm(request.POST, prefix="agency")
            if agency_form.is_valid():
                d = agency_form.cleaned_data
                with show_refusal(request, agency_form):
                    services.team_add_agency(
                        case=case, agency=d["agency"], granted_by=request.user, reason=d["reason"]
                    )
                    done = True
        elif action == "remove":
            remove = forms.TeamRemoveForm(request.POST)
            if remove.is_valid():
                with show_refusal(request):
                    done = _team_remove(request, case, remove.cleaned_data)
        if done:
            messages.success(request, _("Case team updated."))
            return redirect("cases:team", reference=case.reference)
    return render(
        request,
        "cases/case_team.html",
        {
            "case": _labelled(request, case),
            "team": selectors.case_team(user=request.user, case=case),
            "may_manage": policy.may_manage_team(request.user, case),
            "restricted": policy.case_is_restricted(case),
            "user_form": user_form,
            "agency_form": agency_form,
        },
    )


def _team_remove(request: HttpRequest, case: Case, chosen: dict) -> bool:
    """Remove the chosen person or agency from the team; answer whether anyone was removed."""
    team = selectors.case_team(user=request.user, case=case)
    removed = False
    for grant in team.users:
        if grant.user_id == chosen["user"]:
            services.team_remove_user(case=case, user=grant.user, removed_by=request.user)
            removed = True
    for grant in team.agencies:
        if grant.group_id and grant.group.agency.pk == chosen["agency"]:
            services.team_remove_agency(
                case=case, agency=grant.group.agency, removed_by=request.user
            )
            removed = True
    return removed
