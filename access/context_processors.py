from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from access import policy
from access.models import Role


def navigation(request: HttpRequest) -> dict:
    """The menu for the user's role. Entries only link; each page still checks access."""
    user = getattr(request, "user", None)
    role = policy.role_of(user) if user is not None else None
    if role is None:
        return {"nav_items": [], "nav_profile": None}
    items = [(_("Home"), reverse("home"))]
    if policy.may_work_on_cases(user):
        items.append((_("Cases"), reverse("cases:list")))
    if policy.may_write_releases(user):
        items.append((_("Releases"), reverse("releases:manage")))
    elif policy.may_receive_releases(user):
        items.append((_("Releases for you"), reverse("releases:list")))
    if policy.may_request_access(user):
        items.append((_("Access requests"), reverse("access_requests:mine")))
    if role == Role.ADMIN:
        items.append((_("Accounts and agencies"), reverse("admin:index")))
    return {"nav_items": items, "nav_profile": user.profile}
