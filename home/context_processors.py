from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from access import policy
from accounts import rules


def navigation(request: HttpRequest) -> dict:
    """The menu for the user's role. Entries only link; each page still checks access."""
    user = getattr(request, "user", None)
    role = policy.role_of(user) if user is not None else None
    session = {
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_idle_warning": settings.SESSION_IDLE_WARNING,
    }
    if role is None:
        return {"nav_items": [], "nav_profile": None, **session}
    items = [(_("Home"), reverse("home"))]
    if policy.may_work_on_cases(user):
        items.append((_("Cases"), reverse("cases:list")))
    if policy.may_see_conferences(user):
        items.append((_("Conferences"), reverse("conferences:list")))
    if policy.may_screen_referrals(user):
        items.append((_("Screening"), reverse("referrals:screening")))
    if policy.may_refer(user):
        items.append((_("Referrals"), reverse("referrals:mine")))
    if policy.may_write_releases(user):
        items.append((_("Releases"), reverse("releases:manage")))
    elif policy.may_receive_releases(user):
        items.append((_("Releases for you"), reverse("releases:list")))
    if policy.may_request_access(user):
        items.append((_("Access requests"), reverse("access_requests:mine")))
    if policy.may_see_mayor_escalations(user):
        items.append((_("Escalations"), reverse("oversight:mayor")))
    if policy.may_see_dashboard(user):
        items.append((_("Dashboard"), reverse("oversight:dashboard")))
    if policy.may_see_statistics(user):
        items.append((_("Statistics"), reverse("oversight:statistics")))
    if rules.may_administer_accounts(user):
        items.append((_("Accounts and agencies"), reverse("admin:index")))
    if rules.may_see_account_changes(user):
        items.append((_("Account changes"), reverse("account_changes:list")))
    if policy.may_browse_audit(user):
        items.append((_("Audit log"), reverse("audit:log")))
    if policy.may_review_destruction(user):
        items.append((_("Retention"), reverse("retention:lists")))
    elif policy.may_manage_legal_holds(user):
        items.append((_("Legal holds"), reverse("retention:holds")))
    # In the menu of the register's keeper and of the information officer, who releases under
    # it; the case workers reach it from the refusal that names it.
    if policy.may_manage_agreements(user) or policy.may_write_releases(user):
        items.append((_("Sharing agreements"), reverse("agreements:list")))
    if policy.may_read_processing_register(user):
        items.append((_("Processing activities"), reverse("processing:list")))
    return {"nav_items": items, "nav_profile": user.profile, **session}
