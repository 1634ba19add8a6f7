"""The register's activity names in every interface language (django-modeltranslation, as
cases/translation.py does for the reference data)."""

from modeltranslation.translator import TranslationOptions, register

from audit.models import ProcessingActivity


@register(ProcessingActivity)
class ProcessingActivityTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)
