from django.urls import include, path

from access import security_views, views

access_request_patterns = (
    [
        path("", views.access_requests, name="mine"),
        path("<int:request_id>/decide/", views.access_request_decide, name="decide"),
    ],
    "access_requests",
)

subject_patterns = [
    path("persons/<str:code>/", views.person_access_report, name="person_report"),
    path(
        "persons/<str:code>/export/",
        security_views.person_report_export,
        name="person_report_export",
    ),
    path(
        "cases/<str:reference>/restriction/",
        security_views.case_restriction,
        name="restriction",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("access-requests/", include(access_request_patterns)),
]
