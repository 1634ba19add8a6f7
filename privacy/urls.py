"""The sharing agreements register (namespace agreements:), a case's sharing-decision log
(namespace sharing:, under the case's address), the retention pages (namespace
retention:) and the subject-rights pages, which config/urls.py mounts under /audit/ in the
audit: namespace, where they have always been."""

from django.urls import path

from privacy import views

retention_patterns = (
    [
        path("", views.destruction_lists, name="lists"),
        path("lists/<int:list_id>/", views.destruction_list, name="list"),
        path("lists/<int:list_id>/approve/", views.destruction_list_approve, name="approve"),
        path("destroyed/", views.destruction_log, name="log"),
        path("holds/", views.legal_holds, name="holds"),
        path("holds/<int:hold_id>/lift/", views.legal_hold_lift, name="hold_lift"),
    ],
    "retention",
)

subject_patterns = [
    path("persons/<str:code>/", views.person_access_report, name="person_report"),
    path("persons/<str:code>/export/", views.person_report_export, name="person_report_export"),
    path("cases/<str:reference>/restriction/", views.case_restriction, name="restriction"),
]

agreement_patterns = (
    [
        path("", views.agreement_list, name="list"),
        path("new/", views.agreement_create, name="create"),
        path("<int:agreement_id>/", views.agreement_detail, name="detail"),
        path("<int:agreement_id>/end/", views.agreement_end, name="end"),
        path("parties/<int:party_id>/sign/", views.agreement_sign, name="sign"),
    ],
    "agreements",
)

sharing_patterns = (
    [
        path("", views.sharing_log, name="log"),
        path("new/", views.sharing_record, name="record"),
    ],
    "sharing",
)
