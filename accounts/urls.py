from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views

two_factor_patterns = (
    [
        path("", views.two_factor_verify, name="verify"),
        path("set-up/", views.two_factor_setup, name="setup"),
        path("recovery-codes/", views.two_factor_recovery_codes, name="recovery_codes"),
    ],
    "two_factor",
)

account_change_patterns = ([path("", views.account_changes, name="list")], "account_changes")

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/forgotten/", views.password_forgotten, name="password_forgotten"),
    path("password/forgotten/sent/", views.password_forgotten_sent, name="password_forgotten_sent"),
    path(
        "password/choose/<uidb64>/<token>/",
        views.PasswordChooseView.as_view(),
        name="password_choose",
    ),
    path("password/chosen/", views.password_chosen, name="password_chosen"),
    path("two-factor/", include(two_factor_patterns)),
    path("session/", views.session_status, name="session_status"),
    path("sessions/", views.sessions, name="sessions"),
    path("provider/sign-in/", views.ProviderSignInView.as_view(), name="oidc_authentication_init"),
    path(
        "provider/callback/",
        views.ProviderCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
    path("changes/", include(account_change_patterns)),
]
