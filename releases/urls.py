from django.urls import path

from releases import views

app_name = "releases"
urlpatterns = [
    path("", views.release_list, name="list"),
    path("manage/", views.release_manage, name="manage"),
    path("from-case/<str:reference>/", views.release_create, name="create"),
    path("from-case/<str:reference>/check/", views.release_create_check, name="create_check"),
    path("<int:release_id>/", views.release_detail, name="detail"),
    path("<int:release_id>/acknowledge/", views.release_acknowledge, name="acknowledge"),
    path("<int:release_id>/revise/", views.release_revise, name="revise"),
    path("<int:release_id>/revise/check/", views.release_revise_check, name="revise_check"),
    path("<int:release_id>/revoke/", views.release_revoke, name="revoke"),
]
