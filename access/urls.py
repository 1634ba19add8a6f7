from django.urls import include, path

from access import views

access_request_patterns = (
    [
        path("", views.access_requests, name="mine"),
        path("<int:request_id>/decide/", views.access_request_decide, name="decide"),
    ],
    "access_requests",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("access-requests/", include(access_request_patterns)),
]
