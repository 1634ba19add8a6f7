"""The information officer's releases and their recipients' pages. Thin: parse, call, render;
every release through its door (access.doors.access_release)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from access import doors, policy
from audit.reads import record_list_read
from core.forms import show_refusal
from core.pagination import paginate
from releases import forms, selectors, services


@login_required
@doors.page_for(policy.may_receive_releases)
def release_list(request: HttpRequest) -> HttpResponse:
    form = forms.UnreadForm(request.GET or None)
    unread = form.is_valid() and form.cleaned_data["unread"]
    page = paginate(request, selectors.releases_for_recipient(user=request.user, unread=unread))
    record_list_read(user=request.user, page="releases for you", shown={"release": page})
    return render(
        request,
        "releases/release_list.html",
        {"page": page, "unread": unread, "query": "unread=on" if unread else ""},
    )


@login_required
@doors.page_for(policy.may_write_releases)
def release_manage(request: HttpRequest) -> HttpResponse:
    form = forms.ReleaseSearchForm(request.GET or None)
    valid = form.is_valid()
    search = form.cleaned_data["q"] if valid else ""
    expiring = form.cleaned_data["expiring"] if valid else None
    page = paginate(
        request,
        selectors.releases_authored(user=request.user, search=search, expiring_within=expiring),
    )
    record_list_read(user=request.user, page="releases", shown={"release": page})
    query = {k: v for k, v in (("q", search), ("expiring", expiring)) if v not in ("", None)}
    return render(
        request,
        "releases/release_manage.html",
        {"page": page, "q": search, "expiring": expiring, "query": urlencode(query)},
    )


@login_required
def release_detail(request: HttpRequest, release_id: int) -> HttpResponse:
    release = doors.access_release(request.user, release_id)
    author_view = policy.may_write_releases(request.user)
    context = {"release": release, "author_view": author_view}
    if author_view:
        context["acknowledgements"] = selectors.release_acknowledgements(release=release)
    else:
        context["acknowledged"] = selectors.release_acknowledged(user=request.user, release=release)
    return render(request, "releases/release_detail.html", context)


@login_required
@require_POST
def release_acknowledge(request: HttpRequest, release_id: int) -> HttpResponse:
    release = doors.access_release(request.user, release_id, for_acknowledgement=True, audit=False)
    services.release_acknowledge(release=release, user=request.user)
    messages.success(request, _("Thank you: your reading is recorded."))
    return redirect(release)


def _release_form_page(request, form, title, case=None, release=None) -> HttpResponse:
    return render(
        request,
        "releases/release_form.html",
        {"form": form, "title": title, "case": case, "release": release},
    )


@login_required
@require_http_methods(["GET", "POST"])
def release_create(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case_for_release(request.user, reference)
    form = forms.ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            release = services.release_create(case=case, author=request.user, **form.cleaned_data)
            messages.success(
                request, _("Released. The recipients are told by a content-free e-mail.")
            )
            return redirect(release)
    return _release_form_page(request, form, _("Write a release"), case=case)


@login_required
@require_http_methods(["GET", "POST"])
def release_revise(request: HttpRequest, release_id: int) -> HttpResponse:
    release = doors.access_release(request.user, release_id, for_revision=True)
    initial = {
        "title": release.title,
        "summary": release.summary,
        "purpose": release.purpose,
        "legal_basis": release.legal_basis,
        "expires_on": release.expires_on,
        "recipient_users": list(release.recipient_users.all()),
        "recipient_agencies": list(release.recipient_agencies.all()),
    }
    form = forms.ReleaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            revised = services.release_revise(
                release=release, author=request.user, **form.cleaned_data
            )
            messages.success(request, _("New version released; the old one is kept."))
            return redirect(revised)
    return _release_form_page(request, form, _("Revise a release"), release=release)


@login_required
@require_http_methods(["GET", "POST"])
def release_revoke(request: HttpRequest, release_id: int) -> HttpResponse:
    release = doors.access_release(request.user, release_id, for_management=True)
    form = forms.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            services.release_revoke(
                release=release, user=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Revoked: the recipients no longer see it."))
            return redirect(release)
    return _release_form_page(request, form, _("Revoke a release"), release=release)
