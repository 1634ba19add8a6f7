"""Writes to the register of processing activities (GDPR art. 30), by the data protection
officer. Each asks the policy itself and is audited (auditlog, under the register's own
activity, information governance)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import policy
from accounts.types import Actor
from audit.activities import serving
from audit.models import ProcessingActivity

# What the officer writes of an activity; the code is set once, when it is registered.
TEXT_FIELDS = (
    "name_en",
    "name_nl",
    "name_fr",
    "purpose",
    "legal_basis",
    "data_subjects",
    "data_categories",
    "recipients",
    "retention",
    "security_measures",
)
REQUIRED = {
    "name_en": gettext_lazy("Give the activity its name in English."),
    "purpose": gettext_lazy("Say what the processing is for."),
    "legal_basis": gettext_lazy("Give the legal basis of the processing."),
    "data_subjects": gettext_lazy("Say whose data is processed."),
    "data_categories": gettext_lazy("Say which categories of data are processed."),
    "recipients": gettext_lazy("Say who receives the data."),
    "retention": gettext_lazy("Say how long the data is kept."),
}


def _checked(values: dict[str, str]) -> dict[str, str]:
    texts = {name: (values.get(name) or "").strip() for name in TEXT_FIELDS}
    errors = {name: str(message) for name, message in REQUIRED.items() if not texts[name]}
    if errors:
        raise ValidationError(errors)
    return texts


@transaction.atomic
def processing_activity_create(*, user: Actor, code: str, **values: str) -> ProcessingActivity:
    """Register an activity the application does not perform itself (the seeded ones are
    there from the start): its code names it in the register and never changes."""
    if not policy.may_maintain_processing_register(user):
        raise PermissionDenied
    texts = _checked(values)
    code = code.strip()
    if not code:
        raise ValidationError({"code": _("Give the activity a code.")})
    if ProcessingActivity.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An activity with this code is already registered.")})
    with serving(ProcessingActivity.Code.GOVERNANCE):
        return ProcessingActivity.objects.create(code=code, updated_by=user, **texts)


@transaction.atomic
def processing_activity_update(
    *, user: Actor, activity: ProcessingActivity, **values: str
) -> ProcessingActivity:
    """Change what the register says of an activity (its code stays: audit rows name it)."""
    if not policy.may_maintain_processing_register(user):
        raise PermissionDenied
    texts = _checked(values)
    with serving(ProcessingActivity.Code.GOVERNANCE):
        locked = ProcessingActivity.objects.select_for_update().get(pk=activity.pk)
        for name, text in texts.items():
            setattr(locked, name, text)
        locked.updated_by = user
        locked.save()
        return locked
