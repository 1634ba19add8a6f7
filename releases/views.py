"""The information officer's releases and their recipients' pages. Thin: parse, call, render;
every release through its door (access.doors.access_release)."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from access import doors, policy
from audit.reads import record_list_read
from cases.models import Case
from cases.people import label_cases
from core import drafts
from core.forms import ListSearchForm, show_refusal
from core.pagination import paginate, query_without_page
from releases import forms, selectors, services
from releases.models import Release


@login_required
@doors.page_for(policy.may_receive_releases)
def release_list(request: HttpRequest) -> HttpResponse:
    form = forms.UnreadForm(request.GET or None)
    unread = form.is_valid() and form.cleaned_data["unread"]
    search = ListSearchForm(request.GET or None, label=_("Title"))
    releases = selectors.releases_for_recipient(user=request.user, unread=unread, q=search.term())
    page = paginate(request, releases)
    record_list_read(user=request.user, page="releases for you", shown={"release": page})
    return render(
        request,
        "releases/release_list.html",
        {
            "page": page,
            "unread": unread,
            "search_form": search,
            "query": query_without_page(request),
        },
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
    # The author sees every case (releases_authored is the information officer's alone).
    page.object_list = label_cases(
        page.object_list, user=request.user, case_of=lambda release: release.case
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
        # The author sees every case: the person before the reference, as on their list.
        label_cases([release.case], user=request.user)
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


# --- Writing and revising: the form, then "check your answers", then the release ------------
# Nothing is disclosed before the check page's button. The form's POST keeps the draft (in the
# session, core.drafts) and sends on to the check page; the check page shows exactly what will
# be released and posts a signed copy of it; that POST is validated again, by the form and by
# the service, which asks the policy, as if it were the first.


@dataclass
class Writing:
    """What is being written: a first release from a case, or a new version of a release."""

    case: Case
    previous: Release | None
    key: str
    form_url: str
    check_url: str
    title: str
    initial: dict[str, Any]


def _writing_release(case: Case) -> Writing:
    return Writing(
        case=case,
        previous=None,
        key=f"releases.case.{case.pk}",
        form_url=reverse("releases:create", args=[case.reference]),
        check_url=reverse("releases:create_check", args=[case.reference]),
        title=_("Write a release"),
        initial={},
    )


def _revising(release: Release) -> Writing:
    return Writing(
        case=release.case,
        previous=release,
        key=f"releases.revise.{release.pk}",
        form_url=reverse("releases:revise", args=[release.pk]),
        check_url=reverse("releases:revise_check", args=[release.pk]),
        title=_("Revise a release"),
        initial={
            "title": release.title,
            "summary": release.summary,
            "purpose": release.purpose,
            "legal_basis": release.legal_basis,
            "agreement": release.agreement_id,
            "expires_on": release.expires_on,
            "recipient_users": [u.pk for u in release.recipient_users.all()],
            "recipient_agencies": [a.pk for a in release.recipient_agencies.all()],
        },
    )


def _checked(request: HttpRequest, writing: Writing, form: forms.ReleaseForm) -> bool:
    """The form is valid and the service would release it (asking the policy)."""
    if not form.is_valid():
        return False
    with show_refusal(request, form):
        # The agreement it goes under, named or found: shown on the check page, then named.
        form.cleaned_data["agreement"] = services.release_check(
            case=writing.case, author=request.user, previous=writing.previous, **form.cleaned_data
        )
        return True
    return False


def _form_page(
    request: HttpRequest, writing: Writing, form: forms.ReleaseForm, draft: drafts.Draft
) -> HttpResponse:
    search = forms.RecipientSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    picker = selectors.release_recipient_picker(
        author=request.user,
        case=writing.case,
        query=query,
        user_ids=drafts.ids(draft, "recipient_users"),
        agency_ids=drafts.ids(draft, "recipient_agencies"),
    )
    label_cases([writing.case], user=request.user)
    return render(
        request,
        "releases/release_form.html",
        {"form": form, "writing": writing, "picker": picker, "search": search},
    )


def _release_form(request: HttpRequest, writing: Writing) -> HttpResponse:
    author = request.user
    if request.method == "POST":
        draft = drafts.from_post(request.POST)
        if request.POST.get("action") == "search":
            # Searching keeps what was typed and chosen; nothing is checked yet.
            drafts.keep(request, writing.key, draft)
            search = forms.RecipientSearchForm(request.POST)
            query = search.cleaned_data["q"] if search.is_valid() else ""
            return redirect(f"{writing.form_url}?{urlencode({'q': query})}#recipients")
        form = forms.ReleaseForm(drafts.as_data(draft), author=author)
        if _checked(request, writing, form):
            drafts.keep(request, writing.key, draft)
            return redirect(writing.check_url)
        return _form_page(request, writing, form, draft)
    draft = drafts.kept(request, writing.key)
    if draft is None:
        form = forms.ReleaseForm(initial=writing.initial, author=author)
        draft = {
            name: [str(v) for v in writing.initial.get(name, [])]
            for name in ("recipient_users", "recipient_agencies")
        }
    else:
        bound = forms.ReleaseForm(drafts.as_data(draft), author=author)
        form = forms.ReleaseForm(initial=drafts.initial_from(bound), author=author)
    return _form_page(request, writing, form, draft)


def _release_check(request: HttpRequest, writing: Writing) -> HttpResponse:
    author = request.user
    if request.method == "POST":
        try:
            draft, once = drafts.unsign(request.POST.get("draft", ""), user=author, key=writing.key)
        except signing.BadSignature:
            messages.error(
                request, _("Nothing was released: check the release again, then confirm it.")
            )
            return redirect(writing.check_url)
    else:
        draft = drafts.kept(request, writing.key)
        if draft is None:
            return redirect(writing.form_url)
    form = forms.ReleaseForm(drafts.as_data(draft), author=author)
    if not _checked(request, writing, form):
        # Changed since (a recipient left, the expiry passed) or tampered with: back to the
        # form, with the reasons, and nothing released.
        drafts.keep(request, writing.key, draft)
        return _form_page(request, writing, form, draft)
    if request.method == "POST":
        if not drafts.spend(request, once):
            messages.info(request, _("This release was already sent: it is not sent twice."))
            return redirect("releases:manage")
        with show_refusal(request, form):
            if writing.previous is None:
                release = services.release_create(
                    case=writing.case, author=author, **form.cleaned_data
                )
            else:
                release = services.release_revise(
                    release=writing.previous, author=author, **form.cleaned_data
                )
            drafts.drop(request, writing.key)
            messages.success(
                request,
                _("Released. The recipients are told by a content-free e-mail.")
                if writing.previous is None
                else _("New version released; the old one is kept."),
            )
            return redirect(release)
        return _form_page(request, writing, form, draft)
    data = form.cleaned_data
    return render(
        request,
        "releases/release_check.html",
        {
            "writing": writing,
            "answers": data,
            "agencies": selectors.release_agency_reach(agencies=data["recipient_agencies"]),
            "button": release_button(
                people=len(data["recipient_users"]),
                agencies=len(data["recipient_agencies"]),
                revision=writing.previous is not None,
            ),
            "draft": drafts.sign(draft, user=author, key=writing.key),
        },
    )


def release_button(*, people: int, agencies: int, revision: bool) -> str:
    """What the button does, in numbers: "Release to 2 people and 1 agency"."""
    who = []
    if people:
        who.append(ngettext("%(n)d person", "%(n)d people", people) % {"n": people})
    if agencies:
        who.append(ngettext("%(n)d agency", "%(n)d agencies", agencies) % {"n": agencies})
    whom = (
        _("%(first)s and %(second)s") % {"first": who[0], "second": who[1]}
        if len(who) == 2
        else who[0]
    )
    if revision:
        return _("Release the new version to %(whom)s") % {"whom": whom}
    return _("Release to %(whom)s") % {"whom": whom}


@login_required
@require_http_methods(["GET", "POST"])
def release_create(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case_for_release(request.user, reference)
    return _release_form(request, _writing_release(case))


@login_required
@require_http_methods(["GET", "POST"])
def release_create_check(request: HttpRequest, reference: str) -> HttpResponse:
    case = doors.access_case_for_release(request.user, reference)
    return _release_check(request, _writing_release(case))


@login_required
@require_http_methods(["GET", "POST"])
def release_revise(request: HttpRequest, release_id: int) -> HttpResponse:
    release = doors.access_release(request.user, release_id, for_revision=True)
    return _release_form(request, _revising(release))


@login_required
@require_http_methods(["GET", "POST"])
def release_revise_check(request: HttpRequest, release_id: int) -> HttpResponse:
    release = doors.access_release(request.user, release_id, for_revision=True)
    return _release_check(request, _revising(release))


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
    return render(
        request,
        "releases/release_revoke.html",
        {"form": form, "release": release, "title": _("Revoke a release")},
    )
