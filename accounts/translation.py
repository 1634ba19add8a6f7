"""Agency names in every interface language (django-modeltranslation, as cases/translation.py
does for the reference data): a column per language, read in the reader's language; an empty
translation reads as the English name, which also names the agency's group."""

from modeltranslation.translator import TranslationOptions, register

from accounts.models import Agency


@register(Agency)
class AgencyTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)
