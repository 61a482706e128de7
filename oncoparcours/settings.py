"""Settings read from the environment.

Two profiles, chosen by ``ONCOPARCOURS_ENV``:

* ``dev`` (default): SQLite file under ``var/``, a fixed development secret key (DEBUG stays off
  unless ``DEBUG=1``).
* ``prod``: DEBUG off, ``SECRET_KEY`` mandatory, secure cookies, HSTS, SSL redirect.

Other variables: ``DATABASE_URL``, ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS`` (comma separated),
``TIME_ZONE``, ``ONCOPARCOURS_DATA_DIR``, ``CSRF_TRUSTED_ORIGINS``, ``TRUST_X_FORWARDED_FOR``,
``ONCOPARCOURS_LEDGER_KEYS`` / ``ONCOPARCOURS_LEDGER_KEY_FILE`` (ledger HMAC keys, mandatory in
prod), ``ONCOPARCOURS_LEDGER_ANCHOR_FILE``, ``ONCOPARCOURS_BACKUP_DIR`` (see docs/ledgers.md).
Authentication (docs/security.md): ``LOGIN_LOCKOUT_*``, ``SECOND_FACTOR_REQUIRED``, ``OIDC_*``,
``EMAIL_*``.
``ONCOPARCOURS_PSEUDONYM_KEY`` (mandatory in production), ``SECURE_HSTS_PRELOAD``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = os.environ.get("ONCOPARCOURS_ENV", "dev")
if ENVIRONMENT not in {"dev", "prod"}:
    raise ImproperlyConfigured(f"ONCOPARCOURS_ENV must be 'dev' or 'prod', got {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "prod"

DATA_DIR = Path(os.environ.get("ONCOPARCOURS_DATA_DIR", Path.cwd() / "var")).resolve()

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production (ONCOPARCOURS_ENV=prod); refusing to start."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif PRODUCTION and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("The development SECRET_KEY cannot be used in production.")

# Keys of the tamper-evident ledgers (custody chains, audit seals, anchors): never in the
# database, never derived from SECRET_KEY. Dev: a key file is created under DATA_DIR on first use.
LEDGER_KEYS = os.environ.get("ONCOPARCOURS_LEDGER_KEYS", "")
LEDGER_KEY_FILE = os.environ.get("ONCOPARCOURS_LEDGER_KEY_FILE", "")
if PRODUCTION and not (LEDGER_KEYS or LEDGER_KEY_FILE):
    raise ImproperlyConfigured(
        "ONCOPARCOURS_LEDGER_KEYS or ONCOPARCOURS_LEDGER_KEY_FILE must be set in production "
        "(ONCOPARCOURS_ENV=prod); refusing to start."
    )
# Heads of the ledgers are checkpointed here too (an append-only file outside the database).
LEDGER_ANCHOR_FILE = os.environ.get(
    "ONCOPARCOURS_LEDGER_ANCHOR_FILE", str(DATA_DIR / "ledger-anchors.jsonl")
)
# Audit rows younger than this are left to the next sealing (late-committing transactions).
LEDGER_SEAL_GRACE_SECONDS = float(os.environ.get("ONCOPARCOURS_LEDGER_SEAL_GRACE_SECONDS", "10"))
BACKUP_DIR = os.environ.get("ONCOPARCOURS_BACKUP_DIR", str(DATA_DIR / "backups"))
# DuckDB's memory limit while the indicators extract partitions its events (beyond it DuckDB
# spills to the extract's temporary directory): bounds the extract's memory whatever the number
# of events. A DuckDB size: 1GB, 512MiB, …
INDICATORS_EXTRACT_MEMORY_LIMIT = os.environ.get("ONCOPARCOURS_EXTRACT_MEMORY_LIMIT", "1GB")
# Worker processes that build the FHIR bulk export's chunks side by side (``$export``); 0 or 1
# builds them in the request's own process. Each worker holds one database connection.
EXPORT_WORKERS = int(os.environ.get("ONCOPARCOURS_EXPORT_WORKERS", "2"))
# Files of the asynchronous bulk exports (FHIR Bulk Data), pseudonymised, kept this long after
# the export ends (then removed by the worker), readable only by the system that asked.
BULK_EXPORT_DIR = os.environ.get("ONCOPARCOURS_BULK_EXPORT_DIR", str(DATA_DIR / "bulk-exports"))
BULK_EXPORT_RETENTION_HOURS = float(
    os.environ.get("ONCOPARCOURS_BULK_EXPORT_RETENTION_HOURS", "24")
)
# Key of the indicators' pseudonyms (HMAC). Production must have its own: deriving it from
# SECRET_KEY would tie the pseudonyms to the session key (rotating one would re-identify nothing
# but silently break every exclusion list and longitudinal extract), so there is no fallback.
PSEUDONYM_KEY = os.environ.get("ONCOPARCOURS_PSEUDONYM_KEY", "")
if PRODUCTION and not PSEUDONYM_KEY:
    raise ImproperlyConfigured(
        "ONCOPARCOURS_PSEUDONYM_KEY must be set in production (ONCOPARCOURS_ENV=prod): it keys "
        "the pseudonyms of the indicators extract; refusing to start."
    )
if PRODUCTION and (PSEUDONYM_KEY == SECRET_KEY or len(PSEUDONYM_KEY) < 32):
    raise ImproperlyConfigured(
        "ONCOPARCOURS_PSEUDONYM_KEY must be at least 32 characters and differ from SECRET_KEY."
    )

# Off in every profile, `make demo` included (a demo must never show Django's debug page with
# its settings and patient data): a developer turns it on with DEBUG=1.
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", default=False)
# Server-Timing header with the server time of each response (benchmarks; off by default).
SERVER_TIMING = env_bool("ONCOPARCOURS_SERVER_TIMING", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
    "oncoparcours.core",
    "oncoparcours.directory",
    "oncoparcours.patients",
    "oncoparcours.trials",
    "oncoparcours.pathways",
    "oncoparcours.monitoring",
    "oncoparcours.boards",
    "oncoparcours.celltherapy",
    "oncoparcours.planning",
    "oncoparcours.portal",
    "oncoparcours.indicators",
    "oncoparcours.privacy",
    "oncoparcours.interop",
    "oncoparcours.demo",
]

MIDDLEWARE = [
    "oncoparcours.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "oncoparcours.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "oncoparcours.core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "oncoparcours.interop.middleware.fhir_methods",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oncoparcours.core.middleware.RequestContextMiddleware",
    "oncoparcours.core.auth.guard.SessionGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "oncoparcours.urls"
WSGI_APPLICATION = "oncoparcours.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Django's templates, with a French placeholder for an empty choice (no "---------").
FORM_RENDERER = "oncoparcours.core.form_renderer.FrenchFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "oncoparcours.core.context_processors.shell",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'oncoparcours.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives there
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while one writes; IMMEDIATE transactions
    # take the write lock up front instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Planner costs for SSD/RAM-resident data (PostgreSQL's default assumes spinning disks and
    # scans whole tables instead of following the care-team index). Override with PG_OPTIONS.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "PG_OPTIONS", "-c random_page_cost=1.1"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout: this many failed logins (or second-factor codes) in a row for one username within the
# window lock it for the window and end its open sessions; this many failures from one address,
# whatever the usernames, block that address for the window.
LOGIN_LOCKOUT_THRESHOLD = int(os.environ.get("LOGIN_LOCKOUT_THRESHOLD", "5"))
LOGIN_LOCKOUT_IP_THRESHOLD = int(os.environ.get("LOGIN_LOCKOUT_IP_THRESHOLD", "20"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
# Password reset e-mails per address and per source address within the window.
PASSWORD_RESET_MAX_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_MAX_PER_EMAIL", "3"))
PASSWORD_RESET_MAX_PER_IP = int(os.environ.get("PASSWORD_RESET_MAX_PER_IP", "10"))
PASSWORD_RESET_WINDOW_MINUTES = int(os.environ.get("PASSWORD_RESET_WINDOW_MINUTES", "60"))
# Second factor (TOTP + recovery codes) for every account: on in production; off by default in
# dev so that the demo logins printed by `make demo` work without an authenticator app.
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = "OncoParcours"
OTP_TOTP_THROTTLE_FACTOR = 1

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# FHIR API for systems: OAuth2 client credentials (django-oauth-toolkit), SMART v2 system scopes
# granted per registered client (`oncoparcours fhir_client create`). Short-lived tokens, as the
# SMART Backend Services guidance advises (at most five minutes).
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "oncoparcours.interop.oauth.SmartScopes",
    # Adds private_key_jwt client authentication (SMART Backend Services) to client secrets.
    "OAUTH2_VALIDATOR_CLASS": "oncoparcours.interop.client_assertions.SmartOAuth2Validator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    "PKCE_REQUIRED": True,
    # RFC 9700 (OAuth 2.0 Security BCP): only client credentials are used here; adopt every
    # compliant behaviour (no implicit or password grant, S256 only, tokens hashed at rest,
    # no token in the query string, https redirects only).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# OpenID Connect (Pro Santé Connect). Enabled when OIDC_DISCOVERY_URL and OIDC_RP_CLIENT_ID are set.
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid scope_all")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
# Claim carrying the RPPS number matched against directory.Professional.rpps.
OIDC_RPPS_CLAIM = os.environ.get("OIDC_RPPS_CLAIM", "SubjectRefPro.codeRPPS")
# ``acr`` values of the ID token that count as the second factor (empty: never; see security.md).
OIDC_SECOND_FACTOR_ACR_VALUES = env_list("OIDC_SECOND_FACTOR_ACR_VALUES", [])
OIDC_LOGIN_LABEL = os.environ.get("OIDC_LOGIN_LABEL", "Pro Santé Connect")
OIDC_ENABLED = bool(OIDC_DISCOVERY_URL and OIDC_RP_CLIENT_ID)
OIDC_CREATE_USER = False  # an unknown identity is refused, never a silent new account
OIDC_TIMEOUT = 10
OIDC_USE_PKCE = True
OIDC_AUTHENTICATE_CLASS = "oncoparcours.directory.oidc.ProSanteConnectRequestView"
OIDC_CALLBACK_CLASS = "oncoparcours.directory.oidc.ProSanteConnectCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "core:login"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("oncoparcours.directory.oidc.ProSanteConnectBackend")

# Outgoing e-mail (password reset links).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OncoParcours <no-reply@localhost>")

# Notifications (core.notifications, docs/notifications.md). SMS through an HTTP gateway; secure
# health mail (MSSanté-style) through SMTP with a TLS client certificate. Without a gateway or a
# secure-mail host, dev writes SMS and secure mails under the outbox directory; production has no
# outbox: an unconfigured channel fails and the message passes to the recipient's next channel.
# The address people reach the application at, for links in messages (e-mail, secure mail, SMS).
SITE_URL = os.environ.get("SITE_URL", f"http://{os.environ.get('BIND', '127.0.0.1:8000')}")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "OncoParcours")
SECURE_MAIL_HOST = os.environ.get("SECURE_MAIL_HOST", "")
SECURE_MAIL_PORT = int(os.environ.get("SECURE_MAIL_PORT", "587"))
SECURE_MAIL_USER = os.environ.get("SECURE_MAIL_USER", "")
SECURE_MAIL_PASSWORD = os.environ.get("SECURE_MAIL_PASSWORD", "")
SECURE_MAIL_USE_TLS = env_bool("SECURE_MAIL_USE_TLS", default=True)
SECURE_MAIL_CERTFILE = os.environ.get("SECURE_MAIL_CERTFILE", "")
SECURE_MAIL_KEYFILE = os.environ.get("SECURE_MAIL_KEYFILE", "")
SECURE_MAIL_FROM = os.environ.get("SECURE_MAIL_FROM", "oncoparcours@localhost")
NOTIFICATION_OUTBOX_DIR = os.environ.get(
    "NOTIFICATION_OUTBOX_DIR", "" if PRODUCTION else str(DATA_DIR / "outbox")
)

# The portal's "code sent" answer takes at least this long, whether or not the address is known
# (a real send takes time): no timing hint that an address has an account.
PORTAL_LOGIN_ANSWER_SECONDS = float(os.environ.get("PORTAL_LOGIN_ANSWER_SECONDS", "1.5"))

PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(2 * 3600)))
# Break-the-glass access lasts this long unless the user asks for less.
BREAK_GLASS_MAX_MINUTES = int(os.environ.get("BREAK_GLASS_MAX_MINUTES", "240"))

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"  # never served directly: documents go through audited views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Request bodies: form posts stay far below 1 MB (uploaded files are counted apart, limited by
# their own service); the self-report JSON API has its own, smaller limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
SELF_REPORT_API_MAX_BYTES = 32 * 1024

SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the meta tag, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content Security Policy: no inline script, no third-party origin (assets are vendored).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is the domain owner's one-way decision (every subdomain on HTTPS for years):
    # opt-in, and Django's reminder about it is silenced while it is off.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
