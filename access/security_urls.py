from django.urls import path

from access import account_change_views
from access import security_views as views

two_factor_patterns = (
    [
        path("", views.two_factor_verify, name="verify"),
        path("set-up/", views.two_factor_setup, name="setup"),
        path("recovery-codes/", views.two_factor_recovery_codes, name="recovery_codes"),
    ],
    "two_factor",
)

retention_patterns = (
    [
        path("", views.retention_due, name="due"),
        path("<str:reference>/destroy/", views.retention_confirm, name="confirm"),
        path("destroyed/", views.destruction_log, name="log"),
    ],
    "retention",
)

account_change_patterns = (
    [path("", account_change_views.account_changes, name="list")],
    "account_changes",
)
