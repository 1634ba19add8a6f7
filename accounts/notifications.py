"""The e-mails about an account's own sign-in (accounts.security), queued on commit as Celery
tasks: a link to choose a password (the task makes the token itself: it is never in the broker)
and the notice that the account's address changed. Each is in its reader's language."""

from urllib.parse import urljoin

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from core.notifications import send_content_free

_LINK_SUBJECT = {
    "first": gettext_lazy("Choose your password"),
    "forgotten": gettext_lazy("Choose a new password"),
}
_LINK_BODY = {
    "first": gettext_lazy(
        "An account was made for you, with the user name {username}. Choose your password "
        "here, within {days} days:\n\n{link}\n\nThe link works once. If you did not expect "
        "this e-mail, tell your administrator."
    ),
    "forgotten": gettext_lazy(
        "A link to choose a new password for your account ({username}) was asked for. If "
        "you asked for it, or your administrator said it would come, choose one here, within "
        "{days} days:\n\n{link}\n\nThe link works once. If not, do nothing: your password "
        "stays as it is."
    ),
}


@shared_task
def password_link_mail(account_id: int, site_root: str, first: bool) -> int:
    """The e-mail with the link, in its reader's language; 0 if the account is gone or has
    been disabled, or has lost its address, since the link was asked for."""
    account = get_user_model().objects.filter(pk=account_id, is_active=True).first()
    if account is None or not account.email:
        return 0
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    token = default_token_generator.make_token(account)
    path = reverse("password_choose", kwargs={"uidb64": uid, "token": token})
    which = "first" if first else "forgotten"
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    body = format_lazy(
        _LINK_BODY[which],
        username=account.get_username(),
        days=days,
        link=urljoin(site_root, path),
    )
    return send_content_free([account.email], _LINK_SUBJECT[which], body)


@shared_task
def email_changed_mail(account_id: int, old_email: str) -> int:
    """To the old address, in the holder's language: their address was changed."""
    account = get_user_model().objects.filter(pk=account_id).select_related("profile").first()
    if account is None or not old_email:
        return 0
    profile = getattr(account, "profile", None)
    with translation.override((profile.language if profile else "") or settings.LANGUAGE_CODE):
        subject = gettext("The e-mail address of your account was changed")
        body = gettext(
            "An administrator changed the e-mail address of your account ({username}). From "
            "now on, e-mails and links to choose a password go to the new address. If you did "
            "not ask for this, tell your security officer at once."
        ).format(username=account.get_username())
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [old_email])
