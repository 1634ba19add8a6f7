"""The one settings module. Every value a site changes comes from an environment variable.

See the table in README.md. With no DATABASE_URL the application runs on SQLite; with no
REDIS_URL or CELERY_BROKER_URL Celery tasks run inline.
"""

from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from config.env import dev_secret_key, env_bool, env_int, env_int_list, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off "
            "(or SECRET_KEY_FILE to the path of a file holding it)."
        )
    # Development only: one key per checkout, kept in .dev-secret-key (not in git), so that
    # every process (seeding, the server, verify_audit_chain) signs sessions and seals the
    # audit chain alike. Where the file cannot be written, a fresh key for this process.
    SECRET_KEY = dev_secret_key(BASE_DIR / ".dev-secret-key") or get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Reference data in en/nl/fr (cases/translation.py); before the admin, which it extends.
    "modeltranslation",
    # Django's admin, audited and without "view on site" for case content (issue 14).
    "accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's widget templates, for the form renderer that reads TEMPLATES (FORM_RENDERER).
    "django.forms",
    "guardian",
    "auditlog",
    "csp",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Passkeys and security keys as a second factor, beside the app and recovery codes.
    "django_otp_webauthn",
    "axes",
    # The project's apps, from the bottom layer up (README.md, "Layout").
    "core",
    "accounts",
    "access",
    "cases",
    "conferences",
    "referrals",
    "releases",
    "oversight",
    "privacy",
    "audit",
    "home",
    # Development only: the demo city and the load benchmark, installed where their package is
    # (a checkout; the Docker image leaves them out).
    *[app for app in ("demo", "bench") if find_spec(app) is not None],
]

MIDDLEWARE = [
    # First: REMOTE_ADDR becomes the client's address, as far as our proxies vouch for it.
    "core.middleware.ClientAddressMiddleware",
    "core.middleware.RequestSanityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Asks the identity provider again, now and then, for sessions it signed in (inert without).
    "accounts.middleware.ProviderSessionRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SessionRecordMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.AuditAddressMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    # Last: turns a lockout detected during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Every form in GOV.UK Frontend's markup: templates/forms/, through core.forms.
FORM_RENDERER = "core.forms.GovukFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("DB_JIT"):
    # PostgreSQL's JIT compiles any query it estimates as costly: 0.1-0.5 s spent compiling
    # page queries that then run in milliseconds (bench/README.md). Short queries only here.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the profile with the user (accounts/backends.py); it
    # refuses every password when PASSWORD_SIGN_IN is off.
    "accounts.backends.ModelBackend",
    # OpenID Connect (mozilla-django-oidc), when OIDC_ISSUER and OIDC_CLIENT_ID are set.
    "accounts.backends.ProviderBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user; every reader is signed in.
GUARDIAN_RAISE_403 = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in with a local password: on for small cities; off where everyone signs in through the
# city's identity provider.
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", default=True)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)

# --- Sign-in with the city's identity provider (OpenID Connect, mozilla-django-oidc) -------------
# On when OIDC_ISSUER and OIDC_CLIENT_ID are set (README.md, "Signing in with an identity
# provider"). Accounts are matched on the provider's subject (`sub`) and issuer, never on an
# e-mail address; the provider's groups give agency and role through the administrator's table
# of provider group mappings.
OIDC_ISSUER = env_str("OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")  # or OIDC_CLIENT_SECRET_FILE
OIDC_ENABLED = bool(OIDC_ISSUER and OIDC_RP_CLIENT_ID)
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_END_SESSION_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid profile email")
OIDC_USE_PKCE = True
# The claims read from the provider's answer (userinfo).
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_FIRST_NAME_CLAIM = env_str("OIDC_FIRST_NAME_CLAIM", "given_name")
OIDC_LAST_NAME_CLAIM = env_str("OIDC_LAST_NAME_CLAIM", "family_name")
OIDC_EMAIL_CLAIM = env_str("OIDC_EMAIL_CLAIM", "email")
# Every this many seconds a session signed in through the provider asks it again, without a
# prompt (mozilla-django-oidc's SessionRefresh): an account removed or disabled there loses its
# session at the next page after the provider refuses it.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env_int("OIDC_RECHECK_SECONDS", 5 * 60)
# The provider's own second factor counts as ours when the ID token's `amr` claim holds one of
# these (e.g. "mfa" for Entra ID and Keycloak, "hwk", "otp"); empty: never, the user sets up
# one here as well.
OIDC_MFA_AMR = env_list("OIDC_MFA_AMR")
OIDC_EXEMPT_URLS = ["session_status", "logout"]
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?provider=refused"
OIDC_VERIFY_SSL = env_bool("OIDC_VERIFY_SSL", default=True)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English in the Belgian and British way (30 Nov 2026, 09:30): config/formats/en/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True
# Reference data (cases/translation.py): a translation left empty reads as the English one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A row created in code with a plain `name` (the demo, tests) has its English column filled too.
MODELTRANSLATION_AUTO_POPULATE = "default"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded case documents live outside the web root and are served only through a view.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "private-media")

# --- Cache ----------------------------------------------------------------------------------
# With CACHE_URL, one cache in Redis for every web worker (the dashboard's kept board and the
# city's figures are then worked out once for all of them, not once per worker): a Redis
# database of its own, as clearing the cache empties its whole database, never the broker's.
# Without it, each process keeps its own in memory (Django's default). django-redis, because it
# turns Redis being down into a cache miss (IGNORE_EXCEPTIONS): a page is worked out afresh,
# never refused. Sessions stay in the database: a session ended (signed out, disabled at the
# identity provider) must be ended at once, which a cache that may miss a delete cannot promise.
CACHE_URL = env_str("CACHE_URL") or ""
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "msc",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL") or ""
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or REDIS_URL or None
# No broker: tasks run inline, in the same process, once the transaction commits. Celery
# still builds a broker connection object; the in-memory transport keeps it from looking for
# one on localhost (and from saying so on every start).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
# Fail fast when the broker is down: the task goes to the outbox (core/outbox.py) instead of
# holding up the request.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Every periodic job is also a management command of the same name, for sites that use cron.
CELERY_BEAT_SCHEDULE: dict = {
    "flush-outbox": {
        "task": "core.tasks.flush_outbox",
        "schedule": 60.0,
    },
    "remove-expired-grants": {
        "task": "access.tasks.remove_expired_grants",
        "schedule": crontab(hour=2, minute=15),
    },
    "notify-approaching-releases": {
        "task": "referrals.tasks.notify_approaching_releases",
        "schedule": crontab(hour=6, minute=45),
    },
    "ensure-upcoming-meetings": {
        "task": "conferences.tasks.ensure_upcoming_meetings",
        "schedule": crontab(hour=1, minute=30),
    },
    "send-conference-reminders": {
        "task": "conferences.tasks.send_conference_reminders",
        "schedule": crontab(minute=0, hour="7-18"),
    },
    "seal-audit-log": {
        "task": "audit.tasks.seal_audit_log",
        "schedule": crontab(minute="*/10"),
    },
    "verify-audit-chain": {
        "task": "audit.tasks.verify_audit_chain",
        "schedule": crontab(hour=3, minute=10),
    },
    "disable-dormant-accounts": {
        "task": "accounts.tasks.disable_dormant_accounts",
        "schedule": crontab(hour=2, minute=30),
    },
    "propose-destruction-list": {
        "task": "privacy.tasks.propose_destruction_list",
        "schedule": crontab(hour=5, minute=15),
    },
    "apply-audit-log-retention": {
        "task": "audit.tasks.apply_audit_log_retention",
        "schedule": crontab(hour=3, minute=40),
    },
}

# --- E-mail ---------------------------------------------------------------------------------
# In development, each e-mail is written as a file under sent-emails/ instead of flooding
# the console (README.md says where to look).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH") or BASE_DIR / "sent-emails")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "msc@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Only this site's own files: no inline script or style, no plug-ins, never inside a frame.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
FILE_UPLOAD_PERMISSIONS = 0o640
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

# --- Security and data protection ----------------------------------------------------------
# Two-factor sign-in (TOTP) for every role above L1 and for administrators.
REQUIRE_2FA = env_bool("REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "MSC case conference")
TWO_FACTOR_RECOVERY_CODES = 10
# Passkeys and security keys (django-otp-webauthn), as a second factor only: never a sign-in
# on their own. The relying party is the site's host name; the origins it accepts are the
# site's addresses (scheme and host, e.g. https://msc.city.example).
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.security.webauthn_rp_id"
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = (
    env_list("WEBAUTHN_ORIGINS")
    or CSRF_TRUSTED_ORIGINS
    or [f"https://{host}" for host in ALLOWED_HOSTS if host and host[0] not in ".*"]
)
if DEBUG:
    OTP_WEBAUTHN_ALLOWED_ORIGINS += ["http://localhost:8000"]
# No host named yet (a check run, a test): keys work nowhere until the site names its address.
OTP_WEBAUTHN_ALLOWED_ORIGINS = OTP_WEBAUTHN_ALLOWED_ORIGINS or ["https://localhost"]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Sign-in throttling (django-axes): this many failures lock the username for a while.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
# By username, not by address: a police station or a town hall signs in from one shared
# address, and five typos there must not lock out everyone in the building. Guessing is bounded
# per account; axes' warning that asks for the address as well is silenced for this reason.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# A session ends after this many seconds without a request; a warning comes first.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_IDLE_WARNING = env_int("SESSION_IDLE_WARNING", 2 * 60)
# Accounts not used for this many days are disabled, and their case grants removed.
DORMANT_ACCOUNT_DAYS = env_int("DORMANT_ACCOUNT_DAYS", 90)
# The audit chain is keyed, so a database writer cannot forge a consistent chain. Old keys
# verify the rows sealed before a key change.
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY") or f"audit-chain:{SECRET_KEY}"
AUDIT_CHAIN_KEY_FALLBACKS = env_list("AUDIT_CHAIN_KEY_FALLBACKS")
# How many reverse proxies of our own stand in front of the application, each adding the
# address it received a request from to X-Forwarded-For. 0: the audit records the connection's
# peer and ignores the header, which any client can write (docker-compose.yml: 1, its nginx).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if not 0 <= TRUSTED_PROXY_COUNT <= 5:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is the number of reverse proxies in front of the application "
        f"(0 to 5; 1 for docker-compose.yml's nginx), not {TRUSTED_PROXY_COUNT}."
    )
# Retention of closed cases, in years after closure, per closure reason (DESIGN 4.8). A country
# preset gives the periods; RETENTION_YEARS overrides single reasons ("deceased=1,transferred=2").
CLOSURE_REASONS = (
    "risk_removed",
    "risk_reduced",
    "consent_refused",
    "transferred",
    "criminal_route",
    "moved_away",
    "deceased",
)
RETENTION_PRESETS = {
    "BE": dict.fromkeys(CLOSURE_REASONS, 5),
    "NL": dict.fromkeys(CLOSURE_REASONS, 5),
    "UK": dict.fromkeys(CLOSURE_REASONS, 6),
}
RETENTION_COUNTRY = (env_str("RETENTION_COUNTRY") or "BE").upper()
if RETENTION_COUNTRY not in RETENTION_PRESETS:
    raise ImproperlyConfigured(
        f"RETENTION_COUNTRY must be one of {', '.join(RETENTION_PRESETS)}, "
        f"not {RETENTION_COUNTRY!r}"
    )
RETENTION_YEARS = dict(RETENTION_PRESETS[RETENTION_COUNTRY])
for _item in env_list("RETENTION_YEARS"):
    _reason, _sep, _years = _item.partition("=")
    if _reason.strip() not in RETENTION_YEARS or not _years.strip().isdigit():
        raise ImproperlyConfigured(
            f"RETENTION_YEARS takes reason=years pairs with a closure reason, not {_item!r}"
        )
    RETENTION_YEARS[_reason.strip()] = int(_years)
# The audit log is kept longer than the cases it describes, then removed the same way.
AUDIT_LOG_RETENTION_YEARS = env_int("AUDIT_LOG_RETENTION_YEARS", max(RETENTION_YEARS.values()) + 1)
if AUDIT_LOG_RETENTION_YEARS < 1:
    raise ImproperlyConfigured("AUDIT_LOG_RETENTION_YEARS must be at least 1.")
# The deletion register (privacy.retention): one line per destroyed case, with nothing of what
# was destroyed, kept outside the database (on the volume of the media files, or another one
# the backups do not overwrite), so that `manage.py restore` erases again what a backup taken
# before a destruction would bring back.
DELETION_REGISTER_PATH = Path(
    env_str("DELETION_REGISTER_PATH") or BASE_DIR / "deletion-register" / "register.jsonl"
)
# `manage.py backup` and `restore` (README, "Backups"): where the encrypted dumps go, the age
# public key they are encrypted to (the server never holds the private one), and, only where a
# restore runs, the private key (age identity; BACKUP_AGE_IDENTITY_FILE names a file holding it).
BACKUP_DIR = Path(env_str("BACKUP_DIR") or BASE_DIR / "backups")
BACKUP_AGE_RECIPIENT = env_str("BACKUP_AGE_RECIPIENT", "")
BACKUP_AGE_IDENTITY = env_str("BACKUP_AGE_IDENTITY", "")

# --- Conferences ---------------------------------------------------------------------------
# The confidentiality declaration every attendee signs at each meeting. Changing the text means
# a new version: signatures record the version they were given for.
CONFIDENTIALITY_DECLARATION_VERSION = env_str("CONFIDENTIALITY_DECLARATION_VERSION", "2026-1")
CONFIDENTIALITY_DECLARATION = env_str(
    "CONFIDENTIALITY_DECLARATION",
    "I will use what is shared in this meeting only for the prevention work of the cell, "
    "under shared professional secrecy (law of 30 July 2018). I will not pass it on, copy it "
    "or keep it beyond what my part in the support plan needs.",
)
# Share of the core members present for the meeting to be quorate.
CONFERENCE_QUORUM = 0.5
# A guest for one item reads the case until the day after the meeting, and never longer than
# this many days from the invitation (a meeting called far ahead grants no more).
GUEST_GRANT_MAX_DAYS = env_int("GUEST_GRANT_MAX_DAYS", 7)
if GUEST_GRANT_MAX_DAYS < 1:
    raise ImproperlyConfigured("GUEST_GRANT_MAX_DAYS must be at least 1.")
# How long before its review date a sharing agreement shows on the coordinator's list "coming
# up for review" (DESIGN 8).
AGREEMENT_REVIEW_NOTICE_DAYS = env_int("AGREEMENT_REVIEW_NOTICE_DAYS", 60)

# --- Referrals ------------------------------------------------------------------------------
# A referral waiting longer than this for screening shows as overdue (calendar days).
SCREENING_TARGET_DAYS = env_int("SCREENING_TARGET_DAYS", 5)
# The prison-release protocol: tasks and reminders this many days before the release.
PRISON_RELEASE_LEAD_DAYS = env_int_list("PRISON_RELEASE_LEAD_DAYS", [90, 30, 7])
if any(days < 0 for days in PRISON_RELEASE_LEAD_DAYS):
    raise ImproperlyConfigured("PRISON_RELEASE_LEAD_DAYS must not be negative.")

# --- Audit ----------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_STORE_JSON_CHANGES = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports each step of every PDF it makes (core/pdf.py) at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        # Tasks run inline have nothing to report when they succeed; failures still show.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}
