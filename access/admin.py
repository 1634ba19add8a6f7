"""The technical administrator's console: accounts and agencies, never case content."""

from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.forms import ModelForm
from django.http import HttpRequest

from access import services
from access.models import Agency, Profile

# Audit rows can hold case content; role groups follow from profiles. Neither is edited here.
for model in (LogEntry, Group):
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

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Accounts are deactivated, never deleted: the audit trail names them.
        return False

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


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AccountAdmin)
admin.site.site_header = "MSC administration"
