from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from audit import urls as audit_urls
from core import views as core_views
from privacy import urls as privacy_urls

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("accounts/security-keys/", include("django_otp_webauthn.urls")),
    path("retention/", include(privacy_urls.retention_patterns)),
    path("agreements/", include(privacy_urls.agreement_patterns)),
    path("cases/<str:reference>/sharing/", include(privacy_urls.sharing_patterns)),
    path("processing-activities/", include(audit_urls.processing_patterns)),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("cases/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("conferences/", include("conferences.urls")),
    path("oversight/", include("oversight.urls")),
    path("releases/", include("releases.urls")),
    path("audit/", include((audit_urls.urlpatterns + privacy_urls.subject_patterns, "audit"))),
    path("access-requests/", include("access.urls")),
    path("", include("home.urls")),
]
