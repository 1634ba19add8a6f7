"""The technical administrator's console: accounts and agencies, never case content."""

from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.forms import ModelForm
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import security, services
from access.models import Agency, Profile

# Audit rows can hold case content; role groups follow from profiles. Neither is edited here.
# Two-factor devices hold secrets: the administrator resets them (an action on accounts), and
# never reads them.
for model in (LogEntry, Group, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    fields = ("name", "kind", "is_active")

    def has_delete_permission(self, request: HttpRequest, obj: Agency | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Agency, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.agency_update(
                agency=obj, name=data["name"], kind=data["kind"], is_active=data["is_active"]
            )
        else:
            created = services.agency_create(name=data["name"], kind=data["kind"])
            obj.pk, obj.group_id = created.pk, created.group_id


class ProfileForm(ModelForm):
    class Meta:
        model = Profile
        fields = ("agency", "role", "clearance")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role"):
            services.check_clearance(data["role"], data.get("clearance"))
        return data


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileForm
    can_delete = False
    min_num = 1
    max_num = 1
    fields = ("agency", "role", "clearance")


class AccountAdmin(UserAdmin):
    inlines = [ProfileInline]
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
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    actions = ["reset_two_factor", "make_data_protection_officer", "remove_data_protection_officer"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Accounts are deactivated, never deleted: the audit trail names them.
        return False

    @admin.action(description="Reset two-factor sign-in (lost phone)")
    def reset_two_factor(self, request: HttpRequest, queryset) -> None:
        for user in queryset:
            security.second_factor_reset(user=user, reset_by=request.user, request=request)
        self.message_user(request, f"Two-factor sign-in reset for {queryset.count()} account(s).")

    @admin.action(description="Make data protection officer (confirms destruction)")
    def make_data_protection_officer(self, request: HttpRequest, queryset) -> None:
        for user in queryset:
            security.data_protection_officer_set(user=user, is_officer=True)

    @admin.action(description="Remove the data protection officer permission")
    def remove_data_protection_officer(self, request: HttpRequest, queryset) -> None:
        for user in queryset:
            security.data_protection_officer_set(user=user, is_officer=False)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A leaver: their grants go with the account.
            security.account_disable(
                user=obj, reason="disabled by an administrator", disabled_by=request.user
            )

    def save_formset(self, request, form, formset, change) -> None:
        for inline_form in formset.forms:
            data = inline_form.cleaned_data
            if data and not data.get("DELETE"):
                services.profile_set(
                    user=form.instance,
                    agency=data["agency"],
                    role=data["role"],
                    clearance=data.get("clearance"),
                )
        # The admin's change message reads what a formset saved; the service saved it instead.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AccountAdmin)
admin.site.site_header = "MSC administration"
