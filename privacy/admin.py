"""Reference data only: the legal gateways agreements name, kept by the administrator. The
agreements themselves are the coordinator's (the register's pages)."""

from django.contrib import admin

from privacy.models import LegalGateway


@admin.register(LegalGateway)
class LegalGatewayAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # retire with "active" instead: agreements keep naming it
