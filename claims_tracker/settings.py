"""Claims Tracker settings: one module, read from the environment.

With no environment at all this is a development setup: SQLite in
``db.sqlite3`` and Celery in eager mode. ``DATABASE_URL`` and ``REDIS_URL``
switch to PostgreSQL and a real broker. With ``DEBUG`` off, ``SECRET_KEY`` is
required and the process refuses to start without it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default="SECRET_KEY" not in os.environ)
_DEV_SECRET_KEY = "dev-insecure-claims-tracker-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off. Set SECRET_KEY to a long random "
        "string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        "or set DEBUG=1 for development."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "claims_tracker.common",
    "sources",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "claims_tracker.common.hygiene_middleware.TextHygieneMiddleware",
    "claims_tracker.common.middleware.PagesLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files from the app itself in production (collected into
    # STATIC_ROOT); in development runserver serves them from the finders.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "claims_tracker.urls"
WSGI_APPLICATION = "claims_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims_tracker.common.context_processors.roles",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes: after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES (429 page). Attempts
# are kept in the database, so every worker process sees the same count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True  # failures are what we count; no row per good login
AXES_VERBOSE = False

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "claims:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

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

# --- Security (production) --------------------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles only from our own
# static files (htmx included; no CDN, no inline code), nothing framed, no
# plugins. (The claim page's JSON-LD is a data block: CSP does not run it.)
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
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Cache: shared by every process when REDIS_URL is set -------------------------
# API throttling counts here. With Redis every gunicorn worker (and machine)
# shares one budget per token; the embedded default is a per-process memory
# cache, right for a single `runserver` process only.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "claims"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "600"))
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "540"))
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task not acknowledged within this many seconds is redelivered (acks_late tasks
# whose worker died). Keep it above the task time limit.
# How often a worker looks for such orphaned messages (seconds; about
# interval x throttle between scans).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "900")),
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
}

# --- REST framework -----------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with
    # ``WWW-Authenticate: Token`` rather than a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claims_tracker.common.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Parsers that refuse NUL and lone surrogates in any field (text_hygiene).
    "DEFAULT_PARSER_CLASSES": [
        "claims_tracker.common.parsers.JSONParser",
        "claims_tracker.common.parsers.FormParser",
        "claims_tracker.common.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["claims_tracker.common.filtering.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "claims_tracker.common.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "claims_tracker.common.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["claims_tracker.common.api.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("API_TOKEN_RATE", "600/minute")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Claims Tracker API",
    "DESCRIPTION": (
        "Claims, the sources that assert or dispute them, and editors' verdicts. "
        "Authenticate with a session or `Authorization: Token <key>`. Errors are JSON "
        "`{detail, code}`; lists are pages `{count, next, previous, results}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Like every other API endpoint, the schema and docs are for signed-in users.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SourceStatusEnum": "sources.models.SourceStatus",
        "ReparseStatusEnum": "sources.models.ReparseStatus",
        "VerdictEnum": "claims.models.Verdict",
        "StanceEnum": "claims.models.Stance",
        "AnchorStateEnum": "sources.models.AnchorStateChoices",
        "RuleKindEnum": "sources.models.RuleKindChoices",
        "ActorKindEnum": "claims.models.ActorKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims_tracker.common.schema_extensions.add_not_modified",
    ],
}

# --- Product settings --------------------------------------------------------------
INGEST_MAX_BYTES = int(os.environ.get("INGEST_MAX_BYTES", str(5 * 1024 * 1024)))
INGEST_ALLOW_PRIVATE_URLS = env_bool("INGEST_ALLOW_PRIVATE_URLS", False)
# Ports a URL fetch may connect to: "80,443" by default; "*" allows any (tests
# with local servers on random ports).
_ports = os.environ.get("INGEST_ALLOWED_PORTS", "80,443").strip()
INGEST_ALLOWED_PORTS: frozenset[int] | None = (
    None if _ports == "*" else frozenset(int(p) for p in _ports.split(",") if p.strip())
)
FETCH_TIMEOUT = float(os.environ.get("FETCH_TIMEOUT", "15"))
REVIEW_ORGANIZATION = {
    "name": os.environ.get("REVIEW_ORG_NAME", "Claims Tracker"),
    "url": os.environ.get("REVIEW_ORG_URL", "http://127.0.0.1:8000/"),
}
# Sources per re-parse task: small enough to finish well within the time limit.
REPARSE_CHUNK_SIZE = int(os.environ.get("REPARSE_CHUNK_SIZE", "100"))
# A chunk whose worker died this many times while on it is failed, not redelivered again.
REPARSE_MAX_DELIVERIES = int(os.environ.get("REPARSE_MAX_DELIVERIES", "3"))
# Sync (docs/API.md): how far `next_since` reaches back before the oldest open
# transaction, for clock differences between application servers; on SQLite
# (which cannot see other transactions) before now, longer than any transaction.
SYNC_CLOCK_MARGIN = float(os.environ.get("SYNC_CLOCK_MARGIN", "2"))
SYNC_SQLITE_MARGIN = float(os.environ.get("SYNC_SQLITE_MARGIN", "120"))
# Retries of a chunk after a database error or the soft time limit.
REPARSE_CHUNK_RETRIES = int(os.environ.get("REPARSE_CHUNK_RETRIES", "5"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Request bodies are capped before they are read: a non-file body (JSON, form
# fields) over DATA_UPLOAD_MAX_MEMORY_SIZE is refused from its Content-Length;
# a multipart body over INGEST_MAX_UPLOAD_BYTES likewise, and each uploaded
# file stops streaming in as soon as it passes INGEST_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = INGEST_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = INGEST_MAX_BYTES + 1024 * 1024
INGEST_MAX_UPLOAD_BYTES = int(
    os.environ.get("INGEST_MAX_UPLOAD_BYTES", str(4 * INGEST_MAX_BYTES + 1024 * 1024))
)
FILE_UPLOAD_HANDLERS = [
    "claims_tracker.common.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
