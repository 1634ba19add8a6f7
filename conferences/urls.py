from django.urls import path

from conferences import views

app_name = "conferences"

urlpatterns = [
    path("", views.conference_list, name="list"),
    path("series/new/", views.series_create, name="series_new"),
    path("series/<int:series_id>/", views.series_detail, name="series"),
    path("series/<int:series_id>/agreement/", views.series_agreement, name="series_agreement"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/sign/", views.meeting_sign, name="sign"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda_edit, name="agenda"),
    path(
        "meetings/<int:meeting_id>/agenda/publish/",
        views.agenda_publish_preview,
        name="publish",
    ),
    path("meetings/<int:meeting_id>/attendance/", views.attendance_edit, name="attendance"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/minute/", views.item_minute, name="minute"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/amend/", views.item_amend, name="amend"),
    path("meetings/<int:meeting_id>/finalise/", views.minutes_finalise, name="finalise"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:meeting_id>/minutes/approve/", views.minutes_approve, name="approve"),
    path("meetings/<int:meeting_id>/calendar.ics", views.meeting_calendar, name="calendar"),
    # Live meeting (issue 17).
    path("meetings/<int:meeting_id>/state/", views.meeting_state, name="state"),
    path("meetings/<int:meeting_id>/reopen/", views.meeting_reopen, name="reopen"),
    path("meetings/<int:meeting_id>/briefing/", views.briefing, name="briefing"),
    path("meetings/<int:meeting_id>/briefing.pdf", views.briefing_pdf, name="briefing_pdf"),
    path("meetings/<int:meeting_id>/live/", views.live, name="live"),
    path("meetings/<int:meeting_id>/live/now/", views.live_now, name="live_now"),
    path("meetings/<int:meeting_id>/live/<int:item_id>/", views.live_item, name="live_item"),
    path("meetings/<int:meeting_id>/live/<int:item_id>/move/", views.live_move, name="live_move"),
    # Issue 17, parts 4 and 5: recusals and agency checks.
    path("meetings/<int:meeting_id>/recusals/new/", views.recusal_add, name="recusal"),
    path(
        "meetings/<int:meeting_id>/recusals/withdraw/",
        views.recusal_withdraw,
        name="recusal_withdraw",
    ),
    path("checks/", views.agency_checks_todo, name="checks_todo"),
    path("meetings/<int:meeting_id>/checks/", views.agency_checks, name="checks"),
    path(
        "meetings/<int:meeting_id>/items/<int:item_id>/check/",
        views.agency_check_answer,
        name="check",
    ),
]
