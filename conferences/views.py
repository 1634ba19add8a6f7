"""Thin views for conferences. Every series, meeting and agenda item comes through its door
in access.doors (404 if the user may not see it, 403 if they may not do what the page is for);
the services ask the policy again. Agenda content only after the user signed the declaration."""

from collections.abc import Callable
from functools import wraps
from typing import Any

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
    access_agenda_item_on_agenda,
    access_item_for_agency_check,
    access_meeting,
    access_series,
    page_for,
)
from audit import reads
from cases import selectors as case_selectors
from cases.people import label_cases, label_of
from conferences import documents, forms, selectors, services
from conferences.models import AgendaItem, Meeting
from core.forms import ListSearchForm, show_refusal
from core.pagination import paginate, query_without_page

ViewOnMeeting = Callable[..., HttpResponse]


def signed_meeting(
    *, for_chair: bool = False, quiet: bool = False
) -> Callable[[ViewOnMeeting], ViewOnMeeting]:
    """The one way into a page that shows agenda content: the meeting comes through its door
    (404 if the user may not see it, 403 without the chair's rights when `for_chair`), and
    until the user signed the confidentiality declaration they see nothing of the agenda: a
    page sends them to the meeting to sign it; a polled fragment (`quiet`) answers 204, so the
    screen stays as it is. The view receives the meeting instead of its id."""

    def decorate(view: ViewOnMeeting) -> ViewOnMeeting:
        @wraps(view)
        def wrapper(request: HttpRequest, meeting_id: int, **kwargs: Any) -> HttpResponse:
            meeting = access_meeting(request.user, meeting_id, for_chair=for_chair)
            if not selectors.has_signed(user=request.user, meeting=meeting):
                if quiet:
                    return HttpResponse(status=204)
                messages.info(request, _("Sign the confidentiality declaration first."))
                return redirect(meeting)
            return view(request, meeting, **kwargs)

        return wrapper

    return decorate


@login_required
def conference_list(request: HttpRequest) -> HttpResponse:
    form = forms.MeetingFilterForm(request.GET or None, label=_("Series or place"))
    status = form.cleaned_data["status"] if form.is_valid() else ""
    term = form.term()
    upcoming = selectors.upcoming_meetings(user=request.user, status=status, q=term)
    return render(
        request,
        "conferences/conference_list.html",
        {
            "page": paginate(request, upcoming),
            "search_form": form,
            "filtered": bool(status or term),
            "status": Meeting.Status(status).label if status else "",
            "query": query_without_page(request),
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
    search = ListSearchForm(request.GET or None, label=_("Place"))
    meetings = selectors.meetings_visible(user=request.user).filter(series=series)
    meetings = selectors.meetings_at(meetings, search.term()).order_by("-starts_at")
    return render(
        request,
        "conferences/series_detail.html",
        {
            "series": series,
            "page": paginate(request, meetings),
            "search_form": search,
            "query": query_without_page(request),
            "may_chair": policy.may_chair(request.user, series),
            "form": form,
            "agreement_form": forms.SeriesAgreementForm(initial={"agreement": series.agreement_id}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_agreement(request: HttpRequest, series_id: int) -> HttpResponse:
    """The chair names the sharing agreement the series shares under (issue 18)."""
    series = access_series(request.user, series_id, for_chair=True)
    form = forms.SeriesAgreementForm(
        request.POST or None, initial={"agreement": series.agreement_id}
    )
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.series_set_agreement(
                series=series, user=request.user, agreement=form.cleaned_data["agreement"]
            )
            messages.success(request, _("Sharing agreement named."))
            return redirect(series)
    return render(
        request,
        "conferences/form.html",
        {
            "form": form,
            "title": _("Sharing agreement of the series"),
            "button": _("Name this agreement"),
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
            "history": selectors.state_history(meeting=meeting),
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
@signed_meeting(for_chair=True)
def agenda_edit(request: HttpRequest, meeting: Meeting) -> HttpResponse:
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
@signed_meeting(for_chair=True)
def agenda_publish_preview(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """Before the agenda goes out: who will be told, and how many items. The button posts
    "publish" to the agenda page, which publishes (services.agenda_publish)."""
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
    elif action == "budget" and item is not None:
        form = forms.TimeBudgetForm(request.POST)
        writes[action] = (
            lambda: services.agenda_set_time_budget(item=item, user=user, **form.cleaned_data),
            _("Time for the item saved."),
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
        if shown_on is None:  # a row's form, not drawn with its errors: say what went wrong
            for error in [*form.non_field_errors(), *(e for f in form for e in f.errors)]:
                messages.error(request, error)
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
            "may_withdraw": meeting.status not in (Meeting.Status.FINAL, Meeting.Status.CANCELLED),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@signed_meeting(for_chair=True)
def recusal_add(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The chair records a declared conflict of interest: the attendee is recused from one
    item (issue 17, part 4)."""
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


@login_required
@require_POST
@signed_meeting(for_chair=True)
def recusal_withdraw(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The chair withdraws a recusal, with a reason, from the attendance page; the minutes
    keep it as withdrawn."""
    back = redirect("conferences:attendance", meeting_id=meeting.pk)
    form = forms.RecusalWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the recusal is withdrawn."))
        return back
    recusal = selectors.recusal_on_meeting(
        user=request.user, meeting=meeting, recusal_id=form.cleaned_data["recusal"]
    )
    if recusal is None:
        raise Http404
    with show_refusal(request):
        services.recusal_withdraw(
            recusal=recusal, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Recusal withdrawn: the item shows to them again."))
    return back


def _item_label(item) -> str:
    if item.case_id:
        return f"{label_of(item.case)} ({item.case.reference})"
    return item.heading()


@login_required
@require_http_methods(["GET", "POST"])
@signed_meeting(for_chair=True)
def item_minute(request: HttpRequest, meeting: Meeting, item_id: int) -> HttpResponse:
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
            "version": item.version,
            "discussion": item.discussion,
            "decision": item.decision,
            # Never pre-selected above what the writer may write.
            "level": item.minute_level if item.minute_level in levels else None,
        },
    )
    saved = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
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
                    expected_version=data["version"],
                )
                messages.success(request, _("Minute saved."))
                return redirect(meeting)
        except services.MinuteConflict as conflict:
            # What the writer typed stays in the form, on top of the version now saved.
            form.data = form.data.copy()
            form.data["version"] = str(conflict.current.version)
            form.add_error(
                None,
                _(
                    "Someone else saved this minute while you were writing. Their version is "
                    "shown above the form; what you typed is still in the form. Check it and "
                    "save again."
                ),
            )
            saved = conflict.current
    return render(
        request,
        "conferences/item_minute.html",
        {
            "meeting": meeting,
            "item": item,
            "form": form,
            "conflict": saved,
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
@signed_meeting()
def minutes(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    document = selectors.minutes_document(user=request.user, meeting=meeting)
    return render(
        request,
        "conferences/minutes.html",
        {
            "meeting": meeting,
            "document": document,
            "items": document.items,
            "attendance": document.attendance,
            "signatures": document.signatures,
            "may_chair": policy.may_chair(request.user, meeting.series),
            "recusals": selectors.recusals(
                user=request.user, meeting=meeting, items=document.items
            ),
            "may_approve": policy.may_approve_minutes(request.user, meeting)
            and meeting.status == Meeting.Status.FINAL
            and (document.approval is None or document.amended_since_approval),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@signed_meeting(for_chair=True)
def item_amend(request: HttpRequest, meeting: Meeting, item_id: int) -> HttpResponse:
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


# --- Minutes as a document, the calendar file (issue 17, part 7) ------------------------------


@login_required
@require_GET
@signed_meeting()
def minutes_pdf(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """A numbered PDF copy of the minutes as the reader may read them, marked with their name."""
    return _pdf_response(documents.minutes_pdf(reader=request.user, meeting=meeting))


def _pdf_response(copy: documents.IssuedCopy) -> HttpResponse:
    response = HttpResponse(copy.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{copy.filename}"'
    # A copy is made for one reader: no cache keeps it.
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def meeting_calendar(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting in a calendar file: its series, time and place, and a link; no case content,
    so no declaration is needed and no read is recorded."""
    meeting = access_meeting(request.user, meeting_id)
    text = documents.meeting_calendar(
        meeting=meeting,
        url=request.build_absolute_uri(meeting.get_absolute_url()),
        host=request.get_host(),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_POST
def minutes_approve(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    with show_refusal(request):
        services.minutes_approve(meeting=meeting, user=request.user)
        messages.success(request, _("Minutes approved as a true record."))
    return redirect("conferences:minutes", meeting_id=meeting.pk)


# --- Live meeting (issue 17): states, the chair's screen, attendees following ------------------


@login_required
@require_POST
def meeting_state(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The chair opens or closes the meeting (publishing is on the agenda page, finalising
    and reopening have their own pages). Each button shows only where it works."""
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    writes = {
        "open": (services.meeting_open, _("Meeting opened: outcomes are recorded live.")),
        "close": (services.meeting_close, _("Meeting closed: the minutes are a draft.")),
    }
    chosen = writes.get(request.POST.get("to", ""))
    if chosen is None:
        messages.error(request, _("That did not work: choose an action on the page."))
        return redirect(meeting)
    write, success = chosen
    with show_refusal(request):
        write(meeting=meeting, user=request.user)
        messages.success(request, success)
        if request.POST.get("to") == "open":
            return redirect("conferences:live", meeting_id=meeting.pk)
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_reopen(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    form = forms.ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.meeting_reopen(
                meeting=meeting, user=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Meeting reopened."))
            return redirect("conferences:live", meeting_id=meeting.pk)
    return render(
        request,
        "conferences/form.html",
        {
            "form": form,
            "title": _("Reopen the meeting"),
            "meeting": meeting,
            "button": _("Reopen the meeting"),
        },
    )


@login_required
@require_GET
@signed_meeting()
def live(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The live meeting: the chair is taken to the item on the table (or the first); every
    other member sees the item on the table as they may, updated by htmx (live_now)."""
    if policy.may_run_meeting(request.user, meeting):
        item = selectors.live_current_item(user=request.user, meeting=meeting) or (
            selectors.live_agenda(user=request.user, meeting=meeting).filter(moved_to="").first()
        )
        if item is not None:
            return redirect("conferences:live_item", meeting_id=meeting.pk, item_id=item.pk)
    return render(request, "conferences/live/follow.html", _follow_context(request, meeting))


def _follow_context(request: HttpRequest, meeting: Meeting) -> dict:
    """What an attendee's screen shows now: the item on the table if they may see it, and a
    token of it, so that a poll that finds it unchanged answers 204 (htmx swaps nothing)."""
    item = selectors.live_current_item(user=request.user, meeting=meeting)
    following = meeting.status in (
        Meeting.Status.PLANNED,
        Meeting.Status.PUBLISHED,
        Meeting.Status.OPEN,
    )
    return {
        "meeting": meeting,
        "item": item,
        "following": following,
        "token": f"{meeting.status}-{item.pk}-{item.version}" if item else meeting.status,
        "may_chair": policy.may_run_meeting(request.user, meeting),
    }


@login_required
@require_GET
@signed_meeting(quiet=True)
def live_now(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The fragment an attendee's screen polls every 2 s: 204 when what they may see has not
    changed, else the item on the table as they may see it (its read recorded then)."""
    context = _follow_context(request, meeting)
    if request.GET.get("seen") == context["token"]:
        return HttpResponse(status=204)
    if context["item"] is not None:
        context["ctx"] = selectors.live_item_shown(item=context["item"], reader=request.user)
    response = render(request, "conferences/live/_now.html", context)
    if not context["following"]:
        response.status_code = 286  # htmx stops polling: the meeting is over
    return response


def _outcome_initial(item: AgendaItem, levels: list[int]) -> dict:
    return {
        "version": item.version,
        "decision": item.decision or None,
        "discussion": item.discussion,
        "level": item.minute_level if item.minute_level in levels else None,
        "risk_level": item.risk_after,
    }


@login_required
@require_http_methods(["GET", "POST"])
@signed_meeting(for_chair=True)
def live_item(request: HttpRequest, meeting: Meeting, item_id: int) -> HttpResponse:
    """The chair's live screen, one item at a time: its context, the outcome typed in place,
    "Save and next item", the clock against the item's time budget."""
    user = request.user
    # A POST replaces the minute: only for a chair who may read the one it has (403).
    # The item and the agenda listed beside it, in one query (the same policy filter).
    item, agenda = access_agenda_item_on_agenda(
        user, meeting, item_id, for_minute=request.method == "POST"
    )
    here = redirect("conferences:live_item", meeting_id=meeting.pk, item_id=item.pk)
    levels = policy.writable_levels(user)
    owners = (
        case_selectors.case_team_members(case=item.case)
        if item.case_id
        else forms.members_choices().none()
    )
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "show":
        with show_refusal(request):
            services.meeting_set_current_item(meeting=meeting, user=user, item=item)
        return here
    form = forms.LiveOutcomeForm(
        request.POST or None,
        levels=levels,
        action_owners=owners,
        initial=_outcome_initial(item, levels),
    )
    conflict = None
    if request.method == "POST" and "add_action" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            with show_refusal(request, form):
                services.live_outcome_record(
                    item=item,
                    user=user,
                    expected_version=data["version"],
                    discussion=data["discussion"],
                    decision=data["decision"],
                    level=data["level"],
                    next_review_date=data["next_review_date"],
                    closure_reason=data["closure_reason"],
                    risk_level=data["risk_level"],
                    actions=form.actions(),
                )
                messages.success(request, _("Outcome saved."))
                following = (
                    selectors.live_next_item(user=user, meeting=meeting, after=item)
                    if action == "next"
                    else None
                )
                if following is None:
                    return here
                services.meeting_set_current_item(meeting=meeting, user=user, item=following)
                return redirect(
                    "conferences:live_item", meeting_id=meeting.pk, item_id=following.pk
                )
        except services.MinuteConflict as error:
            conflict = error.current
            form = _rebase_outcome(form, conflict, levels, owners)
    if request.method == "POST":
        meeting.refresh_from_db(fields=["status", "current_item", "current_item_since"])
    return render(
        request,
        "conferences/live/chair.html",
        {
            "meeting": meeting,
            "item": item,
            "ctx": selectors.item_context(item=item, reader=user),
            "agenda": label_cases(agenda, user=user, case_of=lambda row: row.case),
            "form": form,
            "conflict": conflict,
            # The door let the item through: the chair sees it.
            "may_record": meeting.is_in_session and policy.may_record_seen_minute(user, item),
            # Not discussed while its case's processing is restricted: the chair moves it on.
            "case_restricted": policy.item_on_restricted_case(item),
            "move_form": forms.MoveItemForm(),
            "on_table": meeting.current_item_id == item.pk,
        },
    )


def _rebase_outcome(
    form: forms.LiveOutcomeForm, current: AgendaItem, levels: list[int], owners
) -> forms.LiveOutcomeForm:
    """Keep what the chair typed on top of the minute now saved, so saving again applies it;
    the other writer's text is shown beside it."""
    data = form.data.copy()
    data["version"] = str(current.version)
    rebased = forms.LiveOutcomeForm(data, levels=levels, action_owners=owners)
    rebased.is_valid()
    rebased.add_error(
        None,
        _(
            "Someone else saved this minute while you were writing. Their version is shown "
            "above the form; what you typed is still in the form. Check it and save again."
        ),
    )
    return rebased


@login_required
@require_POST
def live_move(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = access_meeting(request.user, meeting_id, for_chair=True)
    item = access_agenda_item(request.user, meeting, item_id, audit=False)
    form = forms.MoveItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose where the item goes."))
        return redirect("conferences:live_item", meeting_id=meeting.pk, item_id=item.pk)
    with show_refusal(request):
        services.item_move(item=item, user=request.user, to=form.cleaned_data["to"])
        messages.success(request, AgendaItem.MovedTo(form.cleaned_data["to"]).label)
        return redirect("conferences:live", meeting_id=meeting.pk)
    return redirect("conferences:live_item", meeting_id=meeting.pk, item_id=item.pk)


@login_required
@require_GET
@signed_meeting()
def briefing(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """A member's briefing: every item they see, with its context as they may read it."""
    return render(
        request,
        "conferences/live/briefing.html",
        {"meeting": meeting, "contexts": selectors.briefing(user=request.user, meeting=meeting)},
    )


@login_required
@require_GET
@signed_meeting()
def briefing_pdf(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The reader's briefing pack as a numbered PDF copy marked with their name, made now from
    the data as it is (documents.briefing_pdf)."""
    return _pdf_response(documents.briefing_pdf(reader=request.user, meeting=meeting))


# --- Agency checks before the meeting (issue 17, part 5) -------------------------------------


@login_required
@require_GET
@page_for(policy.may_answer_agency_checks)
def agency_checks_todo(request: HttpRequest) -> HttpResponse:
    """The checks the user's agency has not answered yet, on the agendas they see."""
    search = ListSearchForm(request.GET or None, label=_("Case reference"))
    items = selectors.agency_checks_unanswered(user=request.user, q=search.term())
    page = paginate(request, items)
    label_cases(page.object_list, user=request.user, case_of=lambda row: row.case)
    reads.record_list_read(user=request.user, page="agency checks", shown={"agenda item": page})
    return render(
        request,
        "conferences/agency_checks_todo.html",
        {"page": page, "search_form": search, "query": query_without_page(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@signed_meeting()
def agency_check_answer(request: HttpRequest, meeting: Meeting, item_id: int) -> HttpResponse:
    """A member of an agency asked to check answers for it, on one case of the agenda."""
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
@signed_meeting(for_chair=True)
def agency_checks(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """For the chair: each case on the agenda, each agency asked, who has not answered."""
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
