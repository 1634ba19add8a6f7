"""Reference data in every interface language (django-modeltranslation): one column per
language, read in the reader's language; an empty translation reads as the English one."""

from modeltranslation.translator import TranslationOptions, register

from cases.models import ConcernCategory, Indicator


@register(ConcernCategory)
class ConcernCategoryTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}
