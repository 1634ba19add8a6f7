from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_open, name="open"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/edit/", views.case_edit, name="edit"),
    path("<str:reference>/team/", views.case_team, name="team"),
    path("<str:reference>/status/", views.case_status, name="status"),
    path("<str:reference>/entries/new/", views.entry_add, name="entry_add"),
    path(
        "<str:reference>/entries/<int:entry_id>/correct/", views.entry_correct, name="entry_correct"
    ),
    path(
        "<str:reference>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<str:reference>/assessments/new/", views.assessment_add, name="assessment_add"),
    path("<str:reference>/actions/new/", views.action_add, name="action_add"),
    path("<str:reference>/actions/<int:action_id>/", views.action_update, name="action_update"),
    path("<str:reference>/escalations/new/", views.escalation_add, name="escalation_add"),
    path(
        "<str:reference>/escalations/<int:escalation_id>/",
        views.escalation_decide,
        name="escalation_decide",
    ),
]
