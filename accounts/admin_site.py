"""The technical administrator's site: Django's admin with two changes (issue 14).

- Every add, change and delete made through it is also a security event, so it is in the
  sealed audit chain and on /audit/log/ (django_admin_log alone is neither sealed nor browsable).
  The site mixes this into every ModelAdmin registered on it, also third-party ones.
- "View on site" (/admin/r/<content type>/<id>/) redirects only for a model registered here
  with view_on_site on; none is. Django's own view answers for any model with a page, and so
  handed the administrator every case reference.

Installed through accounts.apps.AdminConfig, in INSTALLED_APPS in place of
"django.contrib.admin"; Django imports this module once the models are ready.
"""

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.contrib.contenttypes import views as contenttypes_views
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from accounts import security
from accounts.models import SecurityEvent

ACTION_NAMES = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def admin_action_record(request: HttpRequest, entry) -> None:
    """One security event for one django_admin_log row: who, what, which object, from where."""
    content_type = entry.content_type
    model = f"{content_type.app_label}.{content_type.model}" if content_type else "?"
    message = entry.get_change_message() if entry.action_flag == CHANGE else ""
    detail = f"{ACTION_NAMES.get(entry.action_flag, '?')} {model} {entry.object_id}"
    detail += f" ({entry.object_repr})" + (f": {message}" if message else "")
    security.event_record(
        kind=SecurityEvent.Kind.ADMIN_ACTION, user=request.user, request=request, detail=detail
    )


class AuditedModelAdmin:
    """Mixed in before every registered ModelAdmin by `AdminSite.register`."""

    view_on_site = False

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        admin_action_record(request, entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        admin_action_record(request, entry)
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        for entry in entries:
            admin_action_record(request, entry)
        return entries


class AdminSite(admin.AdminSite):
    site_header = "MSC administration"
    site_title = "MSC administration"

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(
                admin_class.__name__,
                (AuditedModelAdmin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        urls = super().get_urls()
        view_on_site = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [view_on_site if getattr(u, "name", None) == "view_on_site" else u for u in urls]

    def view_on_site(self, request: HttpRequest, content_type_id: str, object_id: str):
        content_type = None
        if content_type_id.isdigit() and len(content_type_id) < 10:
            content_type = ContentType.objects.filter(pk=int(content_type_id)).first()
        model = content_type.model_class() if content_type else None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.view_on_site:
            raise Http404
        return contenttypes_views.shortcut(request, content_type_id, object_id)

    def index(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "account_changes_pending": security.account_changes_pending(user=request.user).count(),
        }
        return super().index(request, extra_context)
