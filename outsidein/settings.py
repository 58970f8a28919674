"""Django settings for Outside-In, read from OUTSIDEIN_* environment variables.

Defaults are safe for production (DEBUG off, secure cookies, a real secret required);
without OUTSIDEIN_DATABASE_URL the database is a SQLite file in the data directory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent

# Secrets that must never run in production: Django's own template value and the usual stand-ins.
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "insecure", "please-change-me"}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def data_dir() -> Path:
    default = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "outsidein"
    path = Path(os.environ.get("OUTSIDEIN_DATA_DIR") or default).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_placeholder_secret(value: str) -> bool:
    return (
        value.strip().lower() in PLACEHOLDER_SECRETS
        or value.startswith("django-insecure")
        or len(value) < 32
    )


def load_secret_key(debug: bool, directory: Path) -> str:
    """The configured secret, or one generated once and kept in the data directory."""
    configured = os.environ.get("OUTSIDEIN_SECRET_KEY")
    if configured is not None:
        if is_placeholder_secret(configured) and not debug:
            raise ImproperlyConfigured(
                "OUTSIDEIN_SECRET_KEY is a placeholder or shorter than 32 characters; "
                "set a long random value (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
            )
        return configured
    key_file = directory / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("OUTSIDEIN_DEBUG", False)
DATA_DIR = data_dir()
SECRET_KEY = load_secret_key(DEBUG, DATA_DIR)
ALLOWED_HOSTS = env_list("OUTSIDEIN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("OUTSIDEIN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' Swagger UI from the package, not from a CDN
    "auditlog",
    "outsidein.accounts",
    "outsidein.customers",
    "outsidein.journeys",
    "outsidein.listening",
    "outsidein.feedback",
    "outsidein.codebook",
    "outsidein.web",
    "django_q",
    "outsidein.cases",
    "outsidein.surveys",
    "outsidein.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "outsidein.accounts.middleware.UserLanguageMiddleware",
    "outsidein.web.middleware.ViewerReadOnlyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "outsidein.urls"
WSGI_APPLICATION = "outsidein.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "feedback:explorer"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def database_config() -> dict:
    url = os.environ.get("OUTSIDEIN_DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
    else:
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "outsidein.sqlite3"),
        }
    if config["ENGINE"].endswith("sqlite3"):
        # WAL lets readers (the web UI) work while an import writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write transactions.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nb", "Norsk bokmål")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("OUTSIDEIN_TIME_ZONE", "Europe/Oslo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Static assets ship inside the package; WhiteNoise serves them straight from the apps.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Behind plain HTTP (the demo on localhost) cookies cannot be Secure; production sets HTTPS.
HTTPS = env_bool("OUTSIDEIN_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS and not DEBUG:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

AUDITLOG_INCLUDE_ALL_MODELS = False

from outsidein.cases.jobs_config import q_cluster_settings  # noqa: E402

Q_CLUSTER = q_cluster_settings(os.environ)

# E-mail over SMTP from OUTSIDEIN_EMAIL_URL (smtp://user:pass@host:587?from=...); console otherwise.
from outsidein.cases.email_config import email_settings  # noqa: E402

globals().update(email_settings(os.environ.get("OUTSIDEIN_EMAIL_URL", "")))

# Feedback text over this many characters is rejected at ingestion (not truncated silently).
FEEDBACK_TEXT_MAX_CHARS = int(os.environ.get("OUTSIDEIN_FEEDBACK_TEXT_MAX_CHARS", "20000"))
API_BATCH_MAX_ITEMS = int(os.environ.get("OUTSIDEIN_API_BATCH_MAX_ITEMS", "5000"))
# A 5,000-item batch with ordinary comments is far above Django's 2.5 MB default.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get("OUTSIDEIN_MAX_REQUEST_BYTES", str(32 * 1024 * 1024))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OUTSIDEIN_LOG_LEVEL", "WARNING")},
}
