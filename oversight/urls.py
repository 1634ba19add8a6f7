from django.urls import path

from oversight import views

app_name = "oversight"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics.csv", views.statistics_csv, name="statistics_csv"),
    path("annual-report/", views.annual_report, name="annual_report"),
    path("mayor/", views.mayor_escalations, name="mayor"),
    path("mayor/escalations/<int:escalation_id>/", views.mayor_decide, name="mayor_decide"),
    path("mayor/meeting-request/", views.mayor_meeting_request, name="mayor_meeting"),
]
