from django.urls import path

from access import security_views as views

retention_patterns = (
    [
        path("", views.retention_due, name="due"),
        path("<str:reference>/destroy/", views.retention_confirm, name="confirm"),
        path("destroyed/", views.destruction_log, name="log"),
    ],
    "retention",
)
