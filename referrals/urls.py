from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_mine, name="mine"),
    path("new/", views.referral_new, name="new"),
    path("screening/", views.screening_list, name="screening"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/edit/", views.referral_edit, name="edit"),
    path("<int:referral_id>/answer/", views.referral_answer, name="answer"),
    path("<int:referral_id>/screen/", views.referral_screen, name="screen"),
    path("outbound/", views.outbound_list, name="outbound_list"),
    path("outbound/<int:outbound_id>/", views.outbound_detail, name="outbound_detail"),
    path("outbound/<int:outbound_id>/answer/", views.outbound_answer, name="outbound_answer"),
    path("outbound/<int:outbound_id>/revoke/", views.outbound_revoke, name="outbound_revoke"),
    path("cases/<str:reference>/outbound/", views.outbound_case, name="outbound_case"),
    path("cases/<str:reference>/outbound/new/", views.outbound_new, name="outbound_new"),
    path("cases/<str:reference>/outbound/check/", views.outbound_check, name="outbound_check"),
    path("prison-releases/", views.prison_release_list, name="prison_release_list"),
    path("cases/<str:reference>/prison-release/", views.prison_release, name="prison_release"),
]
