"""Settings for the TJSL program manager.

Everything that differs between a laptop, CI and production is read from the
environment (see `.env.example` and the README's settings table). With no
configuration at all the app runs on SQLite and a file-system Celery broker
under `var/`, which is what `make run` relies on.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TJSL_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "tjsl.admin_config.PlatformAdminConfig",  # /admin/ for platform superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "axes",
    "csp",
    "simple_history",
    "django_celery_beat",
    "django_filters",
    "rest_framework",
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tjsl",
    "regions",
    "accounts",
    "webhooks",
    "partners",
    "programs",
    "disbursements",
    "loans",
    "reports",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tjsl.download_headers.PrivateDownloadsMiddleware",
    "tjsl.middleware.RateLimitHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed (static files come compressed from WhiteNoise); since Django 4.2 it
    # carries the "Heal the BREACH" mitigation, so compressing pages with CSRF tokens is safe.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tjsl.middleware.InterfaceLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tjsl.middleware.UserTimeZoneMiddleware",
    "tjsl.middleware.RefuseNulBytesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tjsl.urls"
WSGI_APPLICATION = "tjsl.wsgi.application"

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
                "tjsl.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "tjsl.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "tjsl"),
            "TIMEOUT": 300,
            # Fail fast when Redis is down: the cache is optional, the page is not.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    # A broker that needs no server: messages are files under var/celery/.
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": 24 * 60 * 60,
    },
    "idempotency-records-purge": {
        "task": "accounts.tasks.idempotency_records_purge",
        "schedule": crontab(hour=3, minute=15),
    },
    # Partner attributes copied into the dashboard tables (class, export) catch up nightly.
    "dashboard-facts-nightly": {
        "task": "reports.tasks.dashboard_facts_rebuild",
        "schedule": crontab(hour=1, minute=30),
    },
    # Impact reports of the period just closed, at 02:00 WIB on its first day (CELERY_TIMEZONE).
    "impact-reports-monthly": {
        "task": "reports.tasks.impact_reports_schedule",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
        "args": ("month",),
    },
    "impact-reports-quarterly": {
        "task": "reports.tasks.impact_reports_schedule",
        "schedule": crontab(minute=10, hour=2, day_of_month=1, month_of_year="1,4,7,10"),
        "args": ("quarter",),
    },
    "impact-reports-yearly": {
        "task": "reports.tasks.impact_reports_schedule",
        "schedule": crontab(minute=20, hour=2, day_of_month=1, month_of_year=1),
        "args": ("year",),
    },
    "impact-reports-sweep": {
        "task": "reports.tasks.impact_reports_sweep",
        "schedule": crontab(minute="*/10"),
    },
    # PUMK loans: days late and collectibility as of today, and the month-end history.
    "loan-collectibility-nightly": {
        "task": "loans.tasks.collectibility_recompute",
        "schedule": crontab(hour=0, minute=30),
    },
    # Background work queued while the broker was down goes out when it is back.
    "outbox-dispatch": {
        "task": "tjsl.tasks.outbox_dispatch",
        "schedule": 60,
    },
    # The change feed keeps TJSL_CHANGE_FEED_DAYS of history.
    "change-feed-prune": {
        "task": "tjsl.tasks.change_feed_prune",
        "schedule": crontab(hour=3, minute=40),
    },
    # Webhook deliveries whose retry time has come.
    "webhook-deliveries-due": {
        "task": "webhooks.tasks.webhook_deliveries_due",
        "schedule": 60,
    },
}
# Service accounts (accounts/service_accounts.py): OAuth 2 client credentials at /o/token/.
RFC9700_PARTS = ("IMPLICIT_GRANT", "PASSWORD_GRANT", "PKCE_METHOD", "ACCESS_TOKEN_TRANSPORT", "AUTHZ_RESPONSE_ISS",
                 "TOKEN_STORAGE", "REFRESH_TOKEN", "REDIRECT_URI_SCHEME")  # fmt: skip
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OAUTH2_ACCESS_TOKEN_SECONDS", 3600),
    "SCOPES": {"api": "The TJSL API, within the service account's role and region"},
    "DEFAULT_SCOPES": ["api"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    # The OAuth 2.0 Security BCP (RFC 9700) throughout: no implicit or password grant, S256 only,
    # tokens in the Authorization header only and stored hashed, refresh replay detected.
    **{f"COMPLIANT_BCP_RFC9700_{part}": True for part in RFC9700_PARTS},
}
# Days of history in /api/v1/changes/; a reader further behind is told to read everything again.
TJSL_CHANGE_FEED_DAYS = env_int("TJSL_CHANGE_FEED_DAYS", 90)
# Webhooks (webhooks/services.py): receivers must be public https addresses in production;
# development and tests may call http://127.0.0.1. A failed delivery is tried again after
# base x 2^(n-1) seconds, for 24 hours.
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", DEBUG)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 60)
# Absolute base URL for links in e-mails and documents made without a request.
TJSL_SITE_URL = env_str("TJSL_SITE_URL", "http://127.0.0.1:8000")

# --- Authentication and access ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (accounts/lockout.py): within the cool-off, lock a username+address pair
# after AXES_FAILURE_LIMIT failures, a username from any address after
# TJSL_LOCKOUT_USERNAME_LIMIT (its owner is e-mailed), an address for any username after
# TJSL_LOCKOUT_ADDRESS_LIMIT.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
TJSL_LOCKOUT_USERNAME_LIMIT = env_int("TJSL_LOCKOUT_USERNAME_LIMIT", 10)
TJSL_LOCKOUT_ADDRESS_LIMIT = env_int("TJSL_LOCKOUT_ADDRESS_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
# Password reset requests per hour (accounts/password_reset.py), counted whether or not an account exists.
TJSL_PASSWORD_RESETS_PER_ADDRESS = env_int("TJSL_PASSWORD_RESETS_PER_ADDRESS", 10)
TJSL_PASSWORD_RESETS_PER_EMAIL = env_int("TJSL_PASSWORD_RESETS_PER_EMAIL", 3)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Behind a TLS-terminating proxy in production; off in DEBUG so that
# runserver on http://127.0.0.1:8000 keeps working.
_secure = not DEBUG and env_bool("DJANGO_SECURE", True)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = _secure and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if _secure else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# Content-Security-Policy: everything is served by the app itself, no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- REST API (/api/v1/, see docs/api.md) -------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "accounts.authentication.ServiceAccountAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tjsl.api_defaults.RolePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only; the few endpoints taking a file say so with their own parser.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "tjsl.api_defaults.FilterBackend",
        "tjsl.api_defaults.SearchFilter",
        "tjsl.api_paging.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "tjsl.api_paging.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "tjsl.api_defaults.AnonThrottle",
        "tjsl.api_defaults.UserThrottle",
        "tjsl.api_defaults.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/hour"),
        "user": env_str("API_THROTTLE_USER", "1000/hour"),
        "tokens": env_str("API_THROTTLE_TOKENS", "100/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "tjsl.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "tjsl.api.exception_handler",
}
# How long an `Idempotency-Key` is remembered (a daily task deletes older records).
TJSL_IDEMPOTENCY_KEY_DAYS = env_int("TJSL_IDEMPOTENCY_KEY_DAYS", 7)
# Resource bounds of spreadsheets: rows of one partner import (the page states it); partner
# exports of more rows than this are made by a worker and downloaded when ready.
TJSL_IMPORT_MAX_ROWS = env_int("TJSL_IMPORT_MAX_ROWS", 20000)
TJSL_EXPORT_SYNC_MAX_ROWS = env_int("TJSL_EXPORT_SYNC_MAX_ROWS", 5000)
# "Is this NIK registered?" answers per user (duplicate checks of the form and API; NIKs of
# imported files): each tells whether a NIK exists, so guessing one digit by digit is bounded.
TJSL_NIK_CHECKS_PER_HOUR = env_int("TJSL_NIK_CHECKS_PER_HOUR", 60)
TJSL_NIK_IMPORT_CHECKS_PER_DAY = env_int("TJSL_NIK_IMPORT_CHECKS_PER_DAY", 5000)
SPECTACULAR_SETTINGS = {
    "TITLE": "TJSL UMK API",
    # The guide (docs/api.md: authentication, errors, paging, sync, webhooks, service accounts)
    # is the schema's description, so the served docs page shows it above the operations.
    "DESCRIPTION": (BASE_DIR / "docs" / "api.md").read_text(encoding="utf-8").split("\n", 1)[1].strip(),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page are public (the data behind them still needs a token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "POSTPROCESSING_HOOKS": ["tjsl.api_schema.postprocess_schema"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One named component per choice set: the same field name (kind, status) means different
    # choices in different resources, and client generators make a real enum of each.
    "ENUM_NAME_OVERRIDES": {
        "PartnerStatusEnum": "partners.models.Partner.Status",
        "SectorEnum": "partners.models.Sector",
        "SizeClassEnum": "partners.models.SizeClass",
        "PartnerImportStatusEnum": "partners.models.PartnerImport.Status",
        "PartnerExportStatusEnum": "partners.models.PartnerExport.Status",
        "PillarEnum": "programs.models.Pillar",
        "SupportFormEnum": "programs.models.Program.SupportForm",
        "ProgramStatusEnum": "programs.models.Program.Status",
        "ActivityKindEnum": "programs.models.Activity.Kind",
        "EnrollmentRequestStatusEnum": "programs.models.EnrollmentRequest.Status",
        "HandoverStatusEnum": "disbursements.models.Status",
        "HandoverKindEnum": "disbursements.models.Disbursement.Kind",
        "ItemKindEnum": "disbursements.models.Item.Kind",
        "ReportKindEnum": "reports.models.ImpactReport.Kind",
        "ReportStatusEnum": "reports.models.ImpactReport.Status",
        "ReportTriggerEnum": "reports.models.ImpactReport.Trigger",
        "ReportLanguageEnum": "reports.models.ImpactReport.Language",
        "RegionKindEnum": "regions.models.Region.Kind",
        "RegionLevelEnum": "regions.models.Region.Level",
        "WebhookEventEnum": "webhooks.models.Event",
        "WebhookDeliveryStatusEnum": "webhooks.models.Delivery.Status",
        "ChangeActionEnum": "tjsl.models.Change.Action",
    },
}

# --- Language, time and number formats -------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# Off on purpose: with it on, every {{ number }} is grouped, ids included ("2.950"),
# which breaks links and form values. Figures are formatted explicitly instead
# (`rupiah`, `number` filters).
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["tjsl.formats"]

# --- Static and media files ------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
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
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail ------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tjsl@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Domain settings an administrator may change -----------------------------
TJSL_REGULATION = env_str("TJSL_REGULATION", "Peraturan Menteri BUMN PER-1/MBU/03/2023")
TJSL_REPORT_RECIPIENT = env_str("TJSL_REPORT_RECIPIENT", "Badan Pengaturan BUMN")
TJSL_SITE_NAME = env_str("TJSL_SITE_NAME", "TJSL UMK")

# --- Logging: to stdout, personal data is never logged ----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
