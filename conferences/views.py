"""Thin views for conferences. Every series, meeting and agenda item comes through its door
in access.doors (404 if the user may not see it, 403 if they may not do what the page is for);
the services ask the policy again. Agenda content only after the user signed the declaration."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import policy
from access.doors import (
    access_agenda_item,
    access_item_for_agency_check,
    access_meeting,
    access_series,
    page_for,
)
from audit import reads
from cases import selectors as case_selectors
from cases.people import label_cases, label_of
from conferences import forms, selectors, services
from conferences.models import Meeting
from core.forms import show_refusal
from core.pagination import paginate


@login_required
def conference_list(request: HttpRequest) -> HttpResponse:
    form = forms.MeetingFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    upcoming = paginate(request, selectors.upcoming_meetings(user=request.user, status=status))
    return render(
        request,
        "conferences/conference_list.html",
        {
            "page": upcoming,
            "status": Meeting.Status(status).label if status else "",
            "query": f"status={status}" if status else "",
            "series_list": selectors.series_list(user=request.user),
            "may_create": policy.may_run_conferences(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    if not policy.may_run_conferences(request.user):
        raise Http404
    form = forms.SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            series = services.series_create(user=request.user, **form.cleaned_data)
            messages.success(request, _("Series created."))
            return redirect(series)
    return render(
        request, "conferences/form.html", {"form": form, "title": _("New conference series")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_detail(request: HttpRequest, series_id: int) -> HttpResponse:
    series = access_series(request.user, series_id, for_chair=request.method == "POST")
    form = forms.AdHocMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            meeting = services.meeting_call_ad_hoc(
                series=series, user=request.user, **form.cleaned_data
            )
            messages.success(request, _("Ad hoc meeting called."))
            return redirect(meeting)
    meetings = paginate(
        request,
        selectors.meetings_visible(user=request.user).filter(series=series).order_by("-starts_at"),
    )
    return render(
        request,
        "conferences/series_detail.html",
        {
            "series": series,
            "page": meetings,
            "may_chair": policy.may_chair(request.user, series),
            "form": form,
        },
    )


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id)
    signed = selectors.has_signed(user=request.user, meeting=meeting)
    return render(
        request,
        "conferences/meeting_detail.html",
        {
            "meeting": meeting,
            "signed": signed,
            "items": selectors.agenda(user=request.user, meeting=meeting) if signed else [],
            "declaration": settings.CONFIDENTIALITY_DECLARATION,
            "declaration_version": settings.CONFIDENTIALITY_DECLARATION_VERSION,
            "attendance": selectors.attendance(meeting=meeting),
            "quorum": selectors.quorum(meeting=meeting),
            "may_chair": policy.may_chair(request.user, meeting.series),
        },
    )


@login_required
@require_POST
def meeting_sign(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id)
    services.declaration_sign(meeting=meeting, user=request.user)
    messages.success(request, _("Declaration signed."))
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    if not selectors.has_signed(user=request.user, meeting=meeting):
        messages.info(request, _("Sign the confidentiality declaration first."))
        return redirect(meeting)
    bound = {
        "add_case": forms.AddCaseForm(prefix="case"),
        "add_general": forms.AddGeneralItemForm(prefix="general"),
        "cutoff_form": forms.CutoffForm(prefix="cutoff", initial={"cutoff": meeting.agenda_cutoff}),
    }
    if request.method == "POST" and _agenda_action(request, meeting, bound):
        return redirect("conferences:agenda", meeting_id=meeting.pk)
    items = selectors.agenda(user=request.user, meeting=meeting)
    return render(
        request,
        "conferences/agenda_edit.html",
        {
            "meeting": meeting,
            "items": items,
            # Who may bring a guest for an item (the services ask the whole rule again).
            "guest_items": {
                item.pk
                for item in items
                if item.case_id and policy.may_bring_guest_to(request.user, item.case)
            },
            "proposals": selectors.agenda_proposals(user=request.user, meeting=meeting),
            "restrict_form": forms.RestrictForm(),
            "guest_form": forms.GuestForm(),
            **bound,
        },
    )


@login_required
@require_GET
def agenda_publish_preview(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Before the agenda goes out: who will be told, and how many items. The button posts
    "publish" to the agenda page, which publishes (services.agenda_publish)."""
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    if not selectors.has_signed(user=request.user, meeting=meeting):
        messages.info(request, _("Sign the confidentiality declaration first."))
        return redirect(meeting)
    items = selectors.agenda(user=request.user, meeting=meeting)
    notified = selectors.meeting_members(meeting=meeting)
    n = len(notified)
    return render(
        request,
        "conferences/agenda_publish.html",
        {
            "meeting": meeting,
            "items": items,
            "notified": notified,
            "may_publish": meeting.status == Meeting.Status.PLANNED and bool(items),
            "button": ngettext(
                "Publish and notify %(n)d person", "Publish and notify %(n)d people", n
            )
            % {"n": n},
        },
    )


def _agenda_action(request, meeting, bound: dict) -> bool:
    """One POST of the agenda page; each button names its action. Works without JavaScript.
    A form that fails is put back in `bound`, so the page shows its errors and the input."""
    action = request.POST.get("action", "")
    user = request.user
    item = None
    if "item" in request.POST:
        try:
            item_id = int(request.POST["item"])
        except ValueError:
            raise Http404 from None
        # The page records the read of the agenda it shows (selectors.agenda).
        item = access_agenda_item(user, meeting, item_id, audit=False)
    writes = {
        "propose": (
            lambda: services.agenda_propose(meeting=meeting, user=user),
            _("Proposals added to the agenda."),
        ),
        "publish": (
            lambda: services.agenda_publish(meeting=meeting, user=user),
            _("Agenda published; members are told by a content-free e-mail."),
        ),
        "open": (lambda: services.meeting_open(meeting=meeting, user=user), _("Meeting opened.")),
    }
    if item is not None:
        writes.update(
            {
                "up": (
                    lambda: services.agenda_move(item=item, user=user, up=True),
                    _("Agenda reordered."),
                ),
                "down": (
                    lambda: services.agenda_move(item=item, user=user, up=False),
                    _("Agenda reordered."),
                ),
                "remove": (
                    lambda: services.agenda_remove(item=item, user=user),
                    _("Item removed."),
                ),
            }
        )
    # The form the action posts, if any; a refusal shows on it if the page shows it, else as a
    # message.
    form = shown_on = None
    if action == "add_case":
        form = shown_on = bound["add_case"] = forms.AddCaseForm(request.POST, prefix="case")

        def add_case():
            ref = form.cleaned_data["reference"].strip().upper()
            case = case_selectors.visible_cases(user=user).filter(reference=ref).first()
            if case is None:
                raise ValidationError(
                    {"reference": _("No case with this reference that you can see.")}
                )
            services.agenda_add_case(meeting=meeting, user=user, case=case)

        writes[action] = (add_case, _("Case added."))
    elif action == "add_general":
        form = shown_on = bound["add_general"] = forms.AddGeneralItemForm(
            request.POST, prefix="general"
        )
        writes[action] = (
            lambda: services.agenda_add_general(meeting=meeting, user=user, **form.cleaned_data),
            _("Item added."),
        )
    elif action == "cutoff":
        form = shown_on = bound["cutoff_form"] = forms.CutoffForm(request.POST, prefix="cutoff")
        writes[action] = (
            lambda: services.agenda_set_cutoff(meeting=meeting, user=user, **form.cleaned_data),
            _("Cut-off set."),
        )
    elif action == "restrict" and item is not None:
        form = forms.RestrictForm(request.POST)
        writes[action] = (
            lambda: services.agenda_restrict(item=item, user=user, **form.cleaned_data),
            _("Restriction saved."),
        )
    elif action == "guest" and item is not None:
        form = forms.GuestForm(request.POST)
        writes[action] = (
            lambda: services.agenda_invite_guest(item=item, user=user, **form.cleaned_data),
            _("Guest invited."),
        )
    if action not in writes:
        messages.error(request, _("That did not work: choose an action on the page."))
        return False
    if form is not None and not form.is_valid():
        return False
    write, success = writes[action]
    with show_refusal(request, shown_on):
        write()
        messages.success(request, success)
        return True
    return False


@login_required
@require_http_methods(["GET", "POST"])
def attendance_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Everyone invited on one screen, recorded in one submit (issue 17, part 4)."""
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    rows = selectors.invitees(meeting=meeting)
    formset = forms.attendance_formset(
        rows=rows, core=meeting.series.core_members.all(), data=request.POST or None
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.attendance_record_all(
                meeting=meeting, user=request.user, rows=formset.cleaned_rows()
            )
        except ValidationError as error:
            formset.apply_errors(error)
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect("conferences:attendance", meeting_id=meeting.pk)
    signed = selectors.has_signed(user=request.user, meeting=meeting)
    return render(
        request,
        "conferences/attendance.html",
        {
            "meeting": meeting,
            "formset": formset,
            "quorum": selectors.quorum(meeting=meeting),
            "signatures": selectors.signatures(meeting=meeting),
            "signed": signed,
            "recusals": selectors.recusals(user=request.user, meeting=meeting) if signed else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recusal_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The chair records a declared conflict of interest: the attendee is recused from one
    item (issue 17, part 4)."""
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    if not selectors.has_signed(user=request.user, meeting=meeting):
        messages.info(request, _("Sign the confidentiality declaration first."))
        return redirect(meeting)
    items = label_cases(
        selectors.recusal_items(user=request.user, meeting=meeting),
        user=request.user,
        case_of=lambda row: row.case,
    )
    by_pk = {item.pk: item for item in items}
    invited = [row.user_id for row in selectors.invitees(meeting=meeting)]
    form = forms.RecusalForm(
        request.POST or None,
        items=[(item.pk, _item_label(item)) for item in items],
        attendees=forms.members_choices().filter(pk__in=invited),
    )
    if request.method == "POST" and form.is_valid():
        item = by_pk[form.cleaned_data["item"]]
        item.meeting = meeting
        with show_refusal(request, form):
            services.recusal_record(
                item=item,
                user=request.user,
                attendee=form.cleaned_data["attendee"],
                interest=form.cleaned_data["interest"],
            )
            messages.success(request, _("Recusal recorded: the item is now hidden from them."))
            return redirect("conferences:attendance", meeting_id=meeting.pk)
    return render(
        request,
        "conferences/form.html",
        {"form": form, "title": _("Record a conflict of interest"), "meeting": meeting},
    )


def _item_label(item) -> str:
    if item.case_id:
        return f"{label_of(item.case)} ({item.case.reference})"
    return item.heading()


@login_required
@require_http_methods(["GET", "POST"])
def item_minute(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    if not selectors.has_signed(user=request.user, meeting=meeting):
        return redirect(meeting)
    # 403 unless the user may read the minute the form shows and would replace; the read of
    # what the page shows (the case's reference and status, the minute) is recorded once.
    item = access_agenda_item(request.user, meeting, item_id, for_minute=True)
    label_cases([item], user=request.user, case_of=lambda row: row.case)
    levels = policy.writable_levels(request.user)
    owners = (
        case_selectors.case_team_members(case=item.case)
        if item.case_id
        else forms.members_choices().none()
    )
    form = forms.MinuteForm(
        request.POST or None,
        levels=levels,
        action_owners=owners,
        initial={
            "discussion": item.discussion,
            "decision": item.decision,
            # Never pre-selected above what the writer may write.
            "level": item.minute_level if item.minute_level in levels else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with show_refusal(request, form):
            services.minute_record(
                item=item,
                user=request.user,
                discussion=data["discussion"],
                decision=data["decision"],
                level=data["level"],
                next_review_date=data["next_review_date"],
                closure_reason=data["closure_reason"],
                actions=form.actions(),
            )
            messages.success(request, _("Minute saved."))
            return redirect(meeting)
    return render(
        request,
        "conferences/item_minute.html",
        {
            "meeting": meeting,
            "item": item,
            "form": form,
            "agency_checks": selectors.agency_checks_for_item(item, request.user),
        },
    )


@login_required
@require_POST
def minutes_finalise(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    with show_refusal(request):
        services.minutes_finalise(meeting=meeting, user=request.user)
        messages.success(request, _("Minutes finalised: they are now read-only."))
    return redirect(meeting)


@login_required
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id)
    if not selectors.has_signed(user=request.user, meeting=meeting):
        messages.info(request, _("Sign the confidentiality declaration first."))
        return redirect(meeting)
    return render(
        request,
        "conferences/minutes.html",
        {
            "meeting": meeting,
            "items": selectors.minutes(user=request.user, meeting=meeting),
            "attendance": selectors.attendance(meeting=meeting),
            "signatures": selectors.signatures(meeting=meeting),
            "may_chair": policy.may_chair(request.user, meeting.series),
            "recusals": selectors.recusals(user=request.user, meeting=meeting),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_amend(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    if not selectors.has_signed(user=request.user, meeting=meeting):
        return redirect(meeting)
    # The page shows nothing of the item: no read to record.
    item = access_agenda_item(request.user, meeting, item_id, audit=False)
    form = forms.AmendmentForm(request.POST or None, levels=policy.writable_levels(request.user))
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.amendment_add(item=item, user=request.user, **form.cleaned_data)
            messages.success(request, _("Amendment added."))
            return redirect("conferences:minutes", meeting_id=meeting.pk)
    return render(
        request,
        "conferences/form.html",
        {"form": form, "title": _("Amend the minutes"), "meeting": meeting},
    )


# --- Agency checks before the meeting (issue 17, part 5) -------------------------------------


@login_required
@require_GET
@page_for(policy.may_answer_agency_checks)
def agency_checks_todo(request: HttpRequest) -> HttpResponse:
    """The checks the user's agency has not answered yet, on the agendas they see."""
    page = paginate(request, selectors.agency_checks_unanswered(user=request.user))
    label_cases(page.object_list, user=request.user, case_of=lambda row: row.case)
    reads.record_list_read(user=request.user, page="agency checks", shown={"agenda item": page})
    return render(request, "conferences/agency_checks_todo.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def agency_check_answer(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """A member of an agency asked to check answers for it, on one case of the agenda."""
    meeting = access_meeting(request.user, meeting_id)
    if not selectors.has_signed(user=request.user, meeting=meeting):
        messages.info(request, _("Sign the confidentiality declaration first."))
        return redirect(meeting)
    item = access_item_for_agency_check(request.user, meeting, item_id)
    label_cases([item], user=request.user, case_of=lambda row: row.case)
    current = selectors.agency_check_of(user=request.user, item=item)
    readable = current is not None and policy.may_replace_agency_check(request.user, current)
    levels = policy.writable_levels(request.user)
    initial = {"level": policy.usual_level(request.user)}
    if readable and current is not None:
        initial = {"answer": current.answer, "reason": current.reason, "level": current.level}
    form = forms.AgencyCheckForm(request.POST or None, levels=levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.agency_check_answer(item=item, user=request.user, **form.cleaned_data)
            messages.success(request, _("Your agency's answer is recorded."))
            return redirect("conferences:checks_todo")
    return render(
        request,
        "conferences/agency_check_answer.html",
        {
            "meeting": meeting,
            "item": item,
            "form": form,
            "current": current,
            "readable": readable,
            "checks_open": meeting.status in policy.AGENCY_CHECK_STATUSES,
        },
    )


@login_required
@require_GET
def agency_checks(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """For the chair: each case on the agenda, each agency asked, who has not answered."""
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    if not selectors.has_signed(user=request.user, meeting=meeting):
        messages.info(request, _("Sign the confidentiality declaration first."))
        return redirect(meeting)
    items = selectors.agency_checks_for_meeting(user=request.user, meeting=meeting)
    return render(
        request,
        "conferences/agency_checks.html",
        {
            "meeting": meeting,
            "items": items,
            "agencies": selectors.checking_agencies(series=meeting.series),
            "unanswered": sum(len(row.unanswered) for row in items),
            "checks_open": meeting.status in policy.AGENCY_CHECK_STATUSES,
        },
    )
