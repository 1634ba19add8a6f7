"""The audit log's pages. config/urls.py mounts them under /audit/ in the `audit:` namespace,
together with privacy's subject-rights pages that have always lived there."""

from django.urls import path

from audit import views

urlpatterns = [
    path("cases/<str:reference>/", views.case_reads, name="case_reads"),
    path("log/", views.audit_log, name="log"),
    path("log/export/", views.audit_export, name="export"),
]
