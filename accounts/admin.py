"""The technical administrator's console: accounts and agencies, never case content.

Separation of duties (policy: "Administration"): nobody changes their own account here; a role
above L1, a clearance raise, the data-protection-officer permission and a new password or
second factor for an account that reads case content wait for a second person
(/accounts/changes/). Every add, change and delete is a security event (accounts.admin_site).
"""

from auditlog.models import LogEntry
from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential, WebAuthnUserHandle
from modeltranslation.admin import TranslationAdmin

from accounts import security, services
from accounts.models import AccountChange, Agency, Profile, ProviderGroupMapping

# Audit rows can hold case content; role groups follow from profiles. Neither is edited here.
# Two-factor devices hold secrets: the administrator resets them (an action on accounts), and
# never reads them.
webauthn_models = (WebAuthnCredential, WebAuthnAttestation, WebAuthnUserHandle)
for model in (LogEntry, Group, TOTPDevice, StaticDevice, *webauthn_models):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

WAITING = "Waiting for a second person to confirm it at /accounts/changes/."


@admin.register(Agency)
class AgencyAdmin(TranslationAdmin):  # a name field per language (accounts/translation.py)
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    fields = ("name", "kind", "is_active")

    def has_delete_permission(self, request: HttpRequest, obj: Agency | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Agency, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        name = data.get("name_en") or data.get("name") or ""
        names = {
            code: data.get(f"name_{code}") or ""
            for code, _label in settings.LANGUAGES
            if code != "en"
        }
        if change:
            services.agency_update(
                agency=obj, name=name, kind=data["kind"], is_active=data["is_active"], names=names
            )
        else:
            created = services.agency_create(name=name, kind=data["kind"], names=names)
            obj.pk, obj.group_id = created.pk, created.group_id


@admin.register(ProviderGroupMapping)
class ProviderGroupMappingAdmin(admin.ModelAdmin):
    """Which group at the identity provider gives which agency and role here. The
    administrator who saves a row is the one who asked for the roles it gives: a role above
    L1 waits for someone else to confirm it, account by account (/accounts/changes/)."""

    list_display = ("group", "agency", "role", "clearance", "priority", "created_by")
    list_select_related = ("agency", "created_by")
    fields = ("group", "agency", "role", "clearance", "priority")

    def save_model(self, request, obj, form, change) -> None:
        services.check_clearance(obj.role, obj.clearance)
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ProfileForm(ModelForm):
    # Set for each request by ProfileInline.get_formset.
    requested_by = None
    request = None

    class Meta:
        model = Profile
        fields = ("agency", "role", "clearance")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role"):
            services.check_clearance(data["role"], data.get("clearance"))
        account = self.instance.user if self.instance.user_id else None
        if account is not None and self.requested_by is not None and self.has_changed():
            try:
                # Refused here rather than in save_formset: the refusal is then recorded,
                # where an exception inside the admin's transaction would roll it back.
                security.account_change_check(
                    account=account,
                    requested_by=self.requested_by,
                    what="profile",
                    request=self.request,
                )
            except PermissionDenied as refusal:
                raise ValidationError(str(refusal)) from refusal
        return data


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileForm
    can_delete = False
    min_num = 1
    max_num = 1
    fields = ("agency", "role", "clearance")

    def get_formset(self, request, obj=None, **kwargs):
        form = type("ProfileForm", (self.form,), {"requested_by": request.user, "request": request})
        return super().get_formset(request, obj, form=form, **kwargs)


class AccountCreationForm(AdminUserCreationForm):
    """A new account: by default with no password, and a link sent to its holder's address to
    choose one (security.password_link_send), so that nobody else ever knows it."""

    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "first_name", "last_name", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["usable_password"].initial = "false"
        self.fields["usable_password"].help_text = (
            "Leave it disabled: the holder gets an e-mail with a link to choose their own "
            "password. Enable it only to type a password you will hand over yourself."
        )

    def clean(self):
        data = super().clean()
        wants_link = self.data.get("usable_password") == "false"
        if wants_link and security.password_links_allowed() and not data.get("email"):
            self.add_error("email", "Give the address the link to choose a password goes to.")
        return data


class AccountAdmin(UserAdmin):
    inlines = [ProfileInline]
    add_form = AccountCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = (
        "username",
        "first_name",
        "last_name",
        "profile__agency",
        "profile__role",
        "is_active",
        "last_login",
    )
    list_filter = ("is_active", "profile__role", "profile__agency")
    list_select_related = ("profile__agency",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined", "waiting")}),
    )
    readonly_fields = ("last_login", "date_joined", "waiting")

    actions = [
        "send_password_link",
        "reset_two_factor",
        "make_data_protection_officer",
        "remove_data_protection_officer",
        "end_sessions",
    ]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Accounts are deactivated, never deleted: the audit trail names them.
        return False

    @admin.display(description="Changes waiting for a second person")
    def waiting(self, obj) -> str:
        pending = AccountChange.objects.filter(
            user=obj, status=AccountChange.Status.PENDING
        ).select_related("requested_by")
        return (
            format_html_join(
                ", ",
                "{} (asked by {})",
                ((c.get_kind_display(), c.requested_by.get_username()) for c in pending),
            )
            or "—"
        )

    def _each(self, request: HttpRequest, queryset, service, done: str) -> None:
        """Run an account service on each selected account and say what became of each."""
        counts = {"done": 0, "waiting": 0}
        for account in queryset:
            try:
                change = service(account)
            except (PermissionDenied, ValidationError) as refusal:
                text = " ".join(getattr(refusal, "messages", [str(refusal)]))
                self.message_user(request, f"{account.get_username()}: {text}", messages.ERROR)
                continue
            counts["waiting" if change is not None else "done"] += 1
        if counts["done"]:
            self.message_user(request, f"{done} for {counts['done']} account(s).")
        if counts["waiting"]:
            self.message_user(
                request, f"{counts['waiting']} account(s): {WAITING}", messages.WARNING
            )

    @admin.action(description="Send a link to choose a password (a new account, a forgotten one)")
    def send_password_link(self, request: HttpRequest, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda account: security.password_link_send(
                account=account, sent_by=request.user, request=request
            ),
            "A link to choose a password sent",
        )

    @admin.action(description="Reset two-factor sign-in (lost phone)")
    def reset_two_factor(self, request: HttpRequest, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda account: security.second_factor_reset_request(
                account=account, requested_by=request.user, request=request
            ),
            "Two-factor sign-in reset",
        )

    @admin.action(description="Make data protection officer (confirms destruction)")
    def make_data_protection_officer(self, request: HttpRequest, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda account: security.data_protection_officer_request(
                account=account, requested_by=request.user, request=request
            ),
            "Data protection officer",
        )

    @admin.action(description="Remove the data protection officer permission")
    def remove_data_protection_officer(self, request: HttpRequest, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda account: security.data_protection_officer_remove(
                account=account, removed_by=request.user, request=request
            ),
            "Data-protection-officer permission removed",
        )

    @admin.action(description="Sign out of every session (a lost laptop, a leaver)")
    def end_sessions(self, request: HttpRequest, queryset) -> None:
        ended = 0
        for account in queryset:
            try:
                ended += security.sessions_end_all(
                    user=account, request=request, ended_by=request.user
                )
            except PermissionDenied as refusal:
                self.message_user(request, f"{account.get_username()}: {refusal}", messages.ERROR)
        self.message_user(request, f"{ended} session(s) ended.")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            security.account_created(account=obj, created_by=request.user, request=request)
        if change and "email" in form.changed_data:
            security.account_email_changed(
                account=obj,
                old_email=form.initial.get("email") or "",
                changed_by=request.user,
                request=request,
            )

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if (
            not change
            and not obj.has_usable_password()
            and obj.email
            and security.password_links_allowed()
        ):
            # After the profile: the e-mail is in the language the profile gives.
            try:
                security.password_link_send(account=obj, sent_by=request.user, request=request)
            except (PermissionDenied, ValidationError) as refusal:
                text = " ".join(getattr(refusal, "messages", [str(refusal)]))
                self.message_user(request, f"No link sent: {text}", messages.ERROR)
            else:
                self.message_user(request, f"A link to choose a password was sent to {obj.email}.")
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A leaver: their grants go with the account.
            security.account_disable(
                user=obj, reason="disabled by an administrator", disabled_by=request.user
            )

    def save_formset(self, request, form, formset, change) -> None:
        for inline_form in formset.forms:
            data = inline_form.cleaned_data
            if data and not data.get("DELETE"):
                pending = security.profile_change(
                    account=form.instance,
                    agency=data["agency"],
                    role=data["role"],
                    clearance=data.get("clearance"),
                    requested_by=request.user,
                    request=request,
                )
                if pending is not None:
                    self.message_user(
                        request,
                        f"The new agency, role or clearance of {form.instance.get_username()} "
                        f"does not apply yet. {WAITING}",
                        messages.WARNING,
                    )
        # The admin's change message reads what a formset saved; the service saved it instead.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def user_change_password(self, request, id, form_url=""):
        """Django's page, with the new password set through the service: a security event, and
        on an account that reads case content a change that waits for a second person."""
        account = self.get_object(request, unquote(id))
        if request.method != "POST" or account is None:
            return super().user_change_password(request, id, form_url)
        if not self.has_change_permission(request, account):
            raise PermissionDenied
        opts = self.opts
        change_url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[account.pk]
        )
        if account.pk == request.user.pk:
            self.message_user(
                request,
                "Change your own password on the password page: it asks for your current one.",
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        form = self.change_password_form(account, request.POST)
        if not form.is_valid():
            return super().user_change_password(request, id, form_url)
        usable = form.cleaned_data["set_usable_password"]
        if not usable and "unset-password" not in request.POST:
            return super().user_change_password(request, id, form_url)
        try:
            pending = security.password_set(
                account=account,
                password=form.cleaned_data["password1"] if usable else None,
                set_by=request.user,
                request=request,
            )
        except PermissionDenied as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.log_change(request, account, "Set the password." if usable else "No password.")
            if pending is None:
                self.message_user(request, "Password changed successfully.")
            else:
                self.message_user(
                    request, f"The new password does not apply yet. {WAITING}", messages.WARNING
                )
        return HttpResponseRedirect(change_url)


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """Unblocking a locked account, without the sign-in form's data: its query string can
    carry the page the person was going to (a case reference)."""

    fieldsets = (
        (None, {"fields": ("username", "path_info", "failures_since_start", "expiration")}),
        ("Meta Data", {"fields": ("user_agent", "ip_address", "http_accept")}),
    )


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)

admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AccountAdmin)
