"""Kinship settings: every value comes from the environment, with safe development defaults.

The complete list of variables, with their defaults, is in `.env.example` and the README.
Development (DEBUG on, the default) needs nothing installed: SQLite under var/, a broker
on the file system, mail written to var/mail/. Production sets DEBUG=0 and must then give
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and the mail server.
"""

from __future__ import annotations

import contextlib
import os
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from notifications.vapid import vapid_pair_from_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var")
# The development defaults keep their files here; a read-only deployment that sets
# DATABASE_URL and REDIS_URL needs none of them.
with contextlib.suppress(OSError):
    VAR_DIR.mkdir(exist_ok=True)


def env(name: str, default: str = "") -> str:
    """A variable's value; unset and empty both mean the default (as in .env.example)."""
    return os.environ.get(name) or default


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

SITE_NAME = env("SITE_NAME", "Kinship")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Crisis lines shown on every page: "label|number|href" entries separated by ";", each with
# an optional fourth part, the language it answers in (lib.crisis: the reader's first).
CRISIS_LINES = env(
    "CRISIS_LINES",
    "988 Suicide & Crisis Lifeline (call or text)|988|tel:988;"
    "SAMHSA National Helpline (free, confidential, 24/7)|1-800-662-4357|tel:+18006624357;"
    "988 Lifeline en español (llama y marca 2, o envía AYUDA por texto)|988|tel:988|es;"
    "Línea Nacional de Ayuda de SAMHSA, en español (gratuita, confidencial, 24/7)"
    "|1-800-662-4357|tel:+18006624357|es",
)

# Who runs this site, for the privacy, terms and contact pages and on proof-of-attendance
# letters; each page's text can be replaced by a Markdown file of the organisation's own.
ORGANISATION_NAME = env("KINSHIP_ORGANISATION_NAME", SITE_NAME)
CONTACT_EMAIL = env("KINSHIP_CONTACT_EMAIL", "")
PRIVACY_POLICY_FILE = env("KINSHIP_PRIVACY_POLICY_FILE", "")
TERMS_FILE = env("KINSHIP_TERMS_FILE", "")
CONTACT_PAGE_FILE = env("KINSHIP_CONTACT_PAGE_FILE", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "notifications",
    "accounts",
    "groups",
    "resources",
    "staff",
    "demo",
    # After the apps whose tables it watches (it reads their models when it starts).
    "cachalot",
]

MIDDLEWARE = [
    # The security headers come first: Django turns an exception raised in a middleware into
    # an error page right there, and only the middlewares above it add their headers to that
    # page (an unknown Host raises in SecurityMiddleware's HTTPS redirect and in
    # CommonMiddleware, a database that fails in the session middleware).
    "config.security_headers.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.AdminStyleCSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "notifications.middleware.OutboxScopeMiddleware",
    "accounts.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A visitor's language from the switcher's cookie, else from Accept-Language; a member's
    # from their preferences (accounts.middleware.MemberLanguageMiddleware, below).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.MemberTimeZoneMiddleware",
    "accounts.middleware.MemberLanguageMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "config.middleware.OfflineMarksMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "config.context_processors.site",
            ],
            "builtins": ["lib.markdown"],
        },
    },
]
# Form widgets from Django's Jinja2 copies of its templates (lib.forms.FormRenderer).
FORM_RENDERER = "lib.forms.FormRenderer"

# Database: SQLite under var/ by default; DATABASE_URL=postgres://user@host:5432/name in production.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kinship.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The zero-setup database serves `make run`'s web threads, worker and beat at once: a
    # write transaction takes the lock when it begins (never half-way, where SQLite would
    # give up at once), readers do not wait for writers (WAL), and a writer waits up to 20 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis serves as the Celery broker and the cache. Without it, a broker on the file system
# and the database's cache table keep `make run` working on a machine with nothing installed:
# a cache the web server, the worker and beat share, so rate limits count once and /healthz
# sees the scheduler's heartbeat (a per-process memory cache would show it "unknown").
REDIS_URL = env("REDIS_URL", "")
CELERY_FILESYSTEM_BROKER_DIR = VAR_DIR / "celery-broker"
# While Redis does not answer, the cache turns to a table in the database (lib.cache says
# what the cache holds and what it may lose).
CACHE_FALLBACK = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "kinship_cache_fallback",
    "KEY_PREFIX": "kinship",
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT = None
    CACHES = {
        "default": {
            "BACKEND": "lib.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kinship",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            "FALLBACK": "fallback",
        },
        "fallback": CACHE_FALLBACK,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    # kombu's file-system transport, made safe for several processes (config.broker).
    CELERY_BROKER_TRANSPORT = "config.broker:FilesystemTransport"
    CACHES = {"default": CACHE_FALLBACK, "fallback": CACHE_FALLBACK}
    # If this fails, /healthz reports the broker as down and the log names the folder.
    with contextlib.suppress(OSError):
        for folder in ("processed", "control"):
            (CELERY_FILESYSTEM_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
# Rendered pages and feeds are kept in the cache under the time their tables were last
# written (lib.fragments). django-cachalot records those times on every ORM write, after the
# commit; it caches no query itself (CACHALOT_ENABLED off only stops that).
CACHALOT_ENABLED = False
# Raw SQL is not read for the tables it writes: that check costs every query of every page
# about a sixth of a millisecond, and no raw SQL of ours writes a watched table. One that
# ever does must call cachalot.api.invalidate(table) after it.
CACHALOT_INVALIDATE_RAW = False
# The default cache, through lib.cache.WriteStampsCache (the first `migrate` writes tables
# before the database cache's own table exists).
CACHES["stamps"] = {"BACKEND": "lib.cache.WriteStampsCache"}
CACHALOT_CACHE = "stamps"
CACHALOT_ONLY_CACHABLE_APPS = ("accounts", "support_groups", "resources")
# Written on every look or change and shown on no kept page: no stamp to keep.
CACHALOT_UNCACHABLE_TABLES = (
    "django_migrations",
    "accounts_auditevent",
    "accounts_dataexport",
    "resources_statechange",
)
# Its check knows backends by their class path: ours is Django's Redis cache with the
# database table behind it while Redis does not answer, both shared by every process.
SILENCED_SYSTEM_CHECKS = ["cachalot.W001"]
# Redis hands an unacknowledged task out again after this long: far above the longest task
# (CELERY_TASK_TIME_LIMIT), so a slow task is never run twice because it was slow.
CELERY_VISIBILITY_TIMEOUT = 3600
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = (
    {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT, "socket_connect_timeout": 2}
    if REDIS_URL
    else {
        "data_folder_in": str(CELERY_FILESYSTEM_BROKER_DIR),
        "data_folder_out": str(CELERY_FILESYSTEM_BROKER_DIR),
        "processed_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "processed"),
        # Its exchange tables; kombu's default is ./control in the working directory.
        "control_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "control"),
        "store_processed": False,
    }
)
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
# A task is acknowledged only when it has finished, so a worker that dies mid-task does not
# lose it: the broker hands it out again. Tasks are therefore written to be safe to repeat.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Slots per worker (prefork processes). A slot sending mail spends about half its time
# waiting for the SMTP server and the database, so two per core keep the cores busy
# (bench/reminders.py measures it); Celery's own default is one per core.
CELERY_WORKER_CONCURRENCY = envint("CELERY_WORKER_CONCURRENCY", 2 * (os.cpu_count() or 1))
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# No task may run longer: a batch of mail that hangs on a dead SMTP server is cut off, and its
# rows are put back by the outbox's lease (notifications.outbox).
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # our LOGGING (UTC, no personal data) applies
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "kinship")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# allauth: e-mail only, mandatory verification by a code typed on the site, rate limits on
# (allauth's defaults), and no answer that tells whether an address has an account.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
USERSESSIONS_ADAPTER = "accounts.adapters.UserSessionsAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the member when their password or e-mail changed
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SITE_NAME}: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Behind N proxies of ours (load balancer, TLS terminator), the client's address is the Nth
# from the right in X-Forwarded-For: rate limits and the audit trail use it.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
ACCOUNT_RATE_LIMITS_ENABLED = envbool("ACCOUNT_RATE_LIMITS_ENABLED", True)
if not ACCOUNT_RATE_LIMITS_ENABLED:
    ACCOUNT_RATE_LIMITS = False
# Our own limits (lib.ratelimit: join addresses, "I can't make it" links, letter checks)
# follow the same switch.
RATE_LIMITS_ENABLED = ACCOUNT_RATE_LIMITS_ENABLED
# The audit trail keeps IP addresses for AUDIT_IP_RETENTION_DAYS, events for
# AUDIT_RETENTION_DAYS; a daily task (accounts.tasks.audit_prune) enforces both.
AUDIT_IP_RETENTION_DAYS = envint("AUDIT_IP_RETENTION_DAYS", 30)
AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", 365)

# Sessions: signed out after SESSION_IDLE_TIMEOUT seconds without a request, and at the latest
# SESSION_ABSOLUTE_LIFETIME seconds after signing in (accounts.middleware). The cookie lives
# no longer than that either; "Remember me" unticked makes it end with the browser.
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 4 * 3600)
SESSION_ABSOLUTE_LIFETIME = envint("SESSION_ABSOLUTE_LIFETIME", 14 * 24 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
# Pages that work without signing in because their address is the key: a session that ran
# out signs the person out there and serves the page, rather than sending them to sign in.
SESSION_EXPIRY_SIGNED_OUT_PATHS = ["/join/", "/meetings/cant-make-it/"]
# Changing the e-mail address or password, or exporting or deleting, needs a password (or
# second factor) entered within the last ACCOUNT_REAUTHENTICATION_TIMEOUT seconds.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = envint("ACCOUNT_REAUTHENTICATION_TIMEOUT", 300)
# Facilitators and admins must have a second factor before they reach these paths.
SECOND_FACTOR_REQUIRED_PATHS = ["/admin/"]

LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Accept the code of the 30-second step before and after too: phone clocks drift, and a code
# typed as the step turns over should still work.
MFA_TOTP_TOLERANCE = 1
# WebAuthn needs a secure origin; the development server on http://127.0.0.1 is allowed.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
USERSESSIONS_TRACK_ACTIVITY = False

# Languages (lib.i18n): English and Spanish. Catalogues in locale/<code>/LC_MESSAGES, with the
# glossary the translations keep to (locale/es/GLOSSARY.md); dates as each language writes
# them (config/formats).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
# The switcher's choice, for a visitor (a member's is in their preferences): a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("DEFAULT_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names, served by whitenoise with far-future cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"

# Mail: written to var/mail/ in development, SMTP otherwise.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "notifications.backends.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
# The outbox (notifications.outbox): how long a queued or claimed message may go without
# finishing before the dispatcher puts it back (a lost task, a dead worker); how long sent
# and finished rows are kept for the admin's view.
OUTBOX_LEASE_SECONDS = envint("OUTBOX_LEASE_SECONDS", 300)
# The first pause before a refused message is tried again (then doubled each time).
OUTBOX_RETRY_BASE_SECONDS = envint("OUTBOX_RETRY_BASE_SECONDS", 30)
OUTBOX_RETENTION_DAYS = envint("OUTBOX_RETENTION_DAYS", 30)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <no-reply@localhost>")

# Web push (notifications.push): our VAPID pair, from the environment (`manage.py vapid_keys`
# prints one); without it, the development pair `make run` writes to VAR_DIR/vapid.json. The
# subject is how a push service reaches us about our traffic (RFC 8292: mailto: or https:).
VAPID_DEV_FILE = VAR_DIR / "vapid.json"
_vapid_dev = vapid_pair_from_file(VAPID_DEV_FILE)
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", _vapid_dev.get("private_key", ""))
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", _vapid_dev.get("public_key", ""))
VAPID_SUBJECT = env("VAPID_SUBJECT", "mailto:" + parseaddr(DEFAULT_FROM_EMAIL)[1])
# The push services browsers subscribe with (Chrome's and Edge's, Firefox's, Safari's,
# Windows'): we post only to these (a member cannot make the server post elsewhere); a
# loopback one (the tests' stand-in) only where PUSH_ALLOW_LOOPBACK says so.
PUSH_SERVICE_HOSTS = envlist(
    "PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,push.services.mozilla.com,web.push.apple.com,notify.windows.com",
)
PUSH_ALLOW_LOOPBACK = envbool("PUSH_ALLOW_LOOPBACK", False)
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Security. Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER_ENABLED=1.
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
if envbool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

# Content-Security-Policy: only our own origin, no inline scripts, no third parties at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Logs go to standard error as plain lines an operator can read. They carry ids, never
# e-mail addresses, names or anything about a person's health or groups.
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "config.logs.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
    },
    "filters": {
        "redact_secret_paths": {"()": "config.logs.RedactSecretPaths"},
        "health_probes": {"()": "config.logs.QuietHealthProbes"},
        "request_paths": {"()": "config.logs.RedactRequestPaths"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secret_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own "django" logger comes with a console handler of its own when DEBUG is
        # on: every error and 403 was printed twice, once without our filters. Ours only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # A 503 from /healthz is the health check's answer, not an error: kinship.outages
        # says once what is down.
        "django.request": {"filters": ["health_probes", "request_paths"]},
        # The development server's request lines, through our handler and its filters.
        "django.server": {
            "handlers": ["console"],
            "filters": ["request_paths"],
            "propagate": False,
        },
        # A logger's filters see only its own records, not its children's: every logger
        # Django writes a request's path to is named (one per SuspiciousOperation subclass).
        "django.security": {"filters": ["request_paths"]},
        **{
            f"django.security.{name}": {"filters": ["request_paths"]}
            for name in (
                "csrf",
                "SuspiciousOperation",
                "DisallowedModelAdminLookup",
                "DisallowedModelAdminToField",
                "DisallowedRedirect",
                "InvalidSessionKey",
                "RequestDataTooBig",
                "SuspiciousFileOperation",
                "SuspiciousMultipartForm",
                "SuspiciousSession",
                "TooManyFieldsSent",
                "TooManyFilesSent",
            )
        },
        "django.security.DisallowedHost": {"level": "ERROR", "filters": ["request_paths"]},
    },
}
