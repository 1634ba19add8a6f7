"""Reference data only. Case content is never in the Django admin (DESIGN section 3, rule 5)."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from cases.models import ConcernCategory, Indicator


@admin.register(ConcernCategory)
class ConcernCategoryAdmin(TranslationAdmin):  # a name field per language
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # retire with "active" instead: old cases keep their categories


@admin.register(Indicator)
class IndicatorAdmin(TranslationAdmin):
    list_display = ("name", "domain", "order", "is_active")
    list_filter = ("domain", "is_active")
    search_fields = ("name", "description")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
