"""The pages of one's own account: signing in (in one's language), the second factor, the
session's keep-alive; and the second person's page for account changes (accounts.rules).
Thin: parse, call, render."""

from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from mozilla_django_oidc import views as oidc_views

from accounts import forms, rules, security, services
from core.forms import show_refusal
from core.i18n import apply_language

RECOVERY_CODES_KEY = "msc_new_recovery_codes"


# --- Signing in, in one's language ------------------------------------------------------------
# The language switcher posts to `set_language`; for a signed-in user the choice is also kept on
# their profile, and on their next sign-in (on any device) the language cookie is set from it.


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie and redirect), remembering a signed-in user's choice."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        services.profile_set_language(user=request.user, language=language)
    return response


def stored_language(user) -> str:
    profile = getattr(user, "profile", None) if user.pk else None
    return profile.language if profile is not None else ""


class SignInView(auth_views.LoginView):
    """Django's sign-in; afterwards the interface speaks the user's stored language. With a
    provider configured it offers the provider; PASSWORD_SIGN_IN off leaves only the provider."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provider_sign_in"] = settings.OIDC_ENABLED
        context["password_sign_in"] = settings.PASSWORD_SIGN_IN
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        language = stored_language(form.get_user())
        if language:
            apply_language(response, language)
        return response


# --- A forgotten password, or a new account's first: a link by e-mail ---------------------------
# 404 where signing in with a password is switched off (security.password_links_allowed).


@never_cache
@require_http_methods(["GET", "POST"])
def password_forgotten(request: HttpRequest) -> HttpResponse:
    if not security.password_links_allowed():
        raise Http404
    form = forms.PasswordForgottenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            security.password_forgotten(email=form.cleaned_data["email"], request=request)
            return redirect("password_forgotten_sent")
    return render(request, "registration/password_forgotten.html", {"form": form})


@require_http_methods(["GET"])
def password_forgotten_sent(request: HttpRequest) -> HttpResponse:
    if not security.password_links_allowed():
        raise Http404
    return render(request, "registration/password_forgotten_sent.html")


class PasswordChooseView(auth_views.PasswordResetConfirmView):
    """Django's page behind the e-mailed link (it moves the token from the address into the
    session first); the new password is set by security.password_choose, which checks the
    token again, ends the account's sessions and records it."""

    template_name = "registration/password_choose.html"
    success_url = reverse_lazy("password_chosen")

    def get_user(self, uidb64):
        return security.password_link_account(uidb64)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.validlink:
            context["second_factor_needed"] = security.second_factor_needed(self.user)
        return context

    def form_valid(self, form):
        token = self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, "")
        try:
            security.password_choose(
                account=self.user,
                token=token,
                password=form.cleaned_data["new_password1"],
                request=self.request,
            )
        except PermissionDenied:
            self.validlink = False
            return self.render_to_response(self.get_context_data(form=None))
        return redirect(self.success_url)


@require_http_methods(["GET"])
def password_chosen(request: HttpRequest) -> HttpResponse:
    if not security.password_links_allowed():
        raise Http404
    return render(request, "registration/password_chosen.html")


# --- Signing in through the city's identity provider (mozilla-django-oidc) ---------------------


class ProviderSignInView(oidc_views.OIDCAuthenticationRequestView):
    """Off to the provider's sign-in page; 404 where no provider is configured."""

    http_method_names = ["get"]

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().get(request)


class ProviderCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """Back from the provider. A refusal ends the session it was asked for; a new account whose
    role waits for a second person is told so."""

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        if request.GET.get("error"):
            security.provider_session_refused(request=request)
        return super().get(request)

    def login_failure(self):
        messages.error(
            self.request,
            _("The identity provider did not sign you in here. Ask your IT department."),
        )
        return redirect("login")

    def login_success(self):
        response = super().login_success()
        if rules.role_of(self.user) is None:
            messages.info(
                self.request,
                _(
                    "You are signed in. Your role here waits for a second person to confirm it: "
                    "until then you see nothing. Ask your coordinator or the administrator."
                ),
            )
        language = stored_language(self.user)
        if language:
            apply_language(response, language)
        return response


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


# --- Two-factor sign-in -----------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not security.has_second_factor(request.user):
        return redirect(_with_next("two_factor:setup", request))
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if security.second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not right, or you tried too often. Wait a bit."))
    return render(
        request,
        "accounts/two_factor/verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "security_key": security.has_security_key(request.user),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app. Someone already enrolled must be verified to enrol anew."""
    user = request.user
    if security.has_second_factor(user) and not user.is_verified():
        return redirect(_with_next("two_factor:verify", request))
    device = security.totp_device_for_setup(user=user)
    form = forms.SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with show_refusal(request, form):
            codes = security.totp_confirm(
                request=request, device=device, token=form.cleaned_data["token"]
            )
            request.session[RECOVERY_CODES_KEY] = codes
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect(_with_next("two_factor:recovery_codes", request))
    return render(
        request,
        "accounts/two_factor/setup.html",
        {
            "form": form,
            "qr_code": security.qr_code_svg(device),
            "secret": _base32(device.bin_key),
            "next": _next_url(request),
            "security_keys": security.security_key_count(user=user),
        },
    )


def _base32(key: bytes) -> str:
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes once (right after set-up, or after renewing them)."""
    if not request.user.is_verified():
        raise Http404
    if request.method == "POST":
        codes = security.recovery_codes_renew(user=request.user, request=request)
    else:
        codes = request.session.pop(RECOVERY_CODES_KEY, None)
    return render(
        request,
        "accounts/two_factor/recovery_codes.html",
        {
            "codes": codes,
            "left": security.recovery_codes_left(user=request.user),
            "next": _next_url(request),
        },
    )


# --- The session ------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    """For the page's script: seconds left before the idle sign-out; a POST keeps it alive.
    A GET does not count as activity (the idle middleware ignores it)."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "seconds_left": 0})
    if request.method == "POST":
        security.session_touch(request)
    return JsonResponse(
        {"authenticated": True, "seconds_left": security.session_seconds_left(request)}
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest) -> HttpResponse:
    """One's signed-in sessions: sign out of one, or everywhere."""
    user = request.user
    if request.method == "POST" and "everywhere" in request.POST:
        security.sessions_end_all(user=user, request=request)
        return redirect("login")
    if request.method == "POST":
        form = forms.SessionEndForm(request.POST)
        if form.is_valid():
            security.session_end(
                user=user, session_id=form.cleaned_data["session"], request=request
            )
            if not request.user.is_authenticated:
                return redirect("login")
            messages.success(request, _("That session is signed out."))
        return redirect("sessions")
    records = [
        (record, security.device_label(record.user_agent))
        for record in security.sessions_of(user=user)
    ]
    return render(
        request,
        "accounts/sessions.html",
        {"records": records, "current_key": request.session.session_key},
    )


# --- Account changes that wait for a second person --------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account_changes(request: HttpRequest) -> HttpResponse:
    """For the administrators, and for the information officer for police and
    information-officer accounts."""
    user = request.user
    if not rules.may_see_account_changes(user):
        raise Http404
    form = forms.AccountChangeDecisionForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        messages.error(request, _("Choose a change and a decision."))
        return redirect("account_changes:list")
    if request.method == "POST":
        data = form.cleaned_data
        confirm = data["decision"] == "confirm"
        change = security.account_change_get(user=user, change_id=data["change"])
        with show_refusal(request):
            change = security.account_change_decide(
                change_id=change.pk, user=user, confirm=confirm, request=request
            )
            name = change.user.get_full_name() or change.user.get_username()
            text = (
                _("Confirmed: the change to the account of %(name)s applies now.")
                if confirm
                else _("Declined: the account of %(name)s stays as it was.")
            )
            messages.success(request, text % {"name": name})
        return redirect("account_changes:list")
    changes = [
        (change, rules.may_confirm_account_change(user, change))
        for change in security.account_changes_pending(user=user)
    ]
    return render(
        request,
        "accounts/account_changes.html",
        {"changes": changes},
    )
