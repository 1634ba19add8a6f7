from django.urls import path

from access import views

urlpatterns = [
    path("", views.home, name="home"),
]
