from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from access import i18n as access_i18n
from access import security_urls, security_views
from core import views as core_views

urlpatterns = [
    path("accounts/login/", access_i18n.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/two-factor/", include(security_urls.two_factor_patterns)),
    path("accounts/session/", security_views.session_status, name="session_status"),
    path("accounts/changes/", include(security_urls.account_change_patterns)),
    path("retention/", include(security_urls.retention_patterns)),
    path("i18n/setlang/", access_i18n.set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("cases/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("conferences/", include("conferences.urls")),
    path("oversight/", include("oversight.urls")),
    path("", include("access.urls")),
]
