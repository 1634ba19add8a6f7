from django.urls import path

from access import views

app_name = "access_requests"
urlpatterns = [
    path("", views.access_requests, name="mine"),
    path("<int:request_id>/decide/", views.access_request_decide, name="decide"),
]
