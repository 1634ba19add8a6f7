"""The audit log's pages. config/urls.py mounts them under /audit/ in the `audit:` namespace,
together with privacy's subject-rights pages that have always lived there; and the register of
processing activities under /processing-activities/ (namespace processing:)."""

from django.urls import path

from audit import views

urlpatterns = [
    path("cases/<str:reference>/", views.case_reads, name="case_reads"),
    path("log/", views.audit_log, name="log"),
    path("log/export/", views.audit_export, name="export"),
]

processing_patterns = (
    [
        path("", views.processing_list, name="list"),
        path("new/", views.processing_create, name="create"),
        path("<slug:code>/", views.processing_detail, name="detail"),
        path("<slug:code>/edit/", views.processing_edit, name="edit"),
    ],
    "processing",
)
