"""The second person's page: account changes waiting for confirmation (policy: "Administration").

For the administrators, and for the information officer for police and information-officer
accounts. Thin: parse, call, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import policy, security, security_forms


@login_required
@require_http_methods(["GET", "POST"])
def account_changes(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not policy.may_see_account_changes(user):
        raise Http404
    form = security_forms.AccountChangeDecisionForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        messages.error(request, _("Choose a change and a decision."))
        return redirect("account_changes:list")
    if request.method == "POST":
        data = form.cleaned_data
        confirm = data["decision"] == "confirm"
        change = security.account_change_get(user=user, change_id=data["change"])
        try:
            change = security.account_change_decide(
                change_id=change.pk, user=user, confirm=confirm, request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = change.user.get_full_name() or change.user.get_username()
            text = (
                _("Confirmed: the change to the account of %(name)s applies now.")
                if confirm
                else _("Declined: the account of %(name)s stays as it was.")
            )
            messages.success(request, text % {"name": name})
        return redirect("account_changes:list")
    changes = [
        (change, policy.may_confirm_account_change(user, change))
        for change in security.account_changes_pending(user=user)
    ]
    return render(
        request,
        "access/account_changes.html",
        {"changes": changes},
    )
