"""Stellwand settings: one file, driven by environment variables.

The embedded default (SQLite file, in-memory channel layer) needs nothing installed;
DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis for several workers.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from workshop.headers import add_static_headers

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEV_SECRET_KEY = "django-insecure-stellwand-development-key-do-not-use-in-production"  # noqa: S105
DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is off.")

# Where phones reach this server: used in join links and QR codes. Empty means
# "the host the request came to", which is right behind a proxy and on localhost.
STELLWAND_PUBLIC_URL = os.environ.get("STELLWAND_PUBLIC_URL", "").rstrip("/")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
if not DEBUG and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must name the server's hosts when DJANGO_DEBUG is off, not '*'."
    )
# Room mode (`make run HOST=0.0.0.0`): the laptop's network address, which phones reach.
STELLWAND_LAN_HOST = os.environ.get("STELLWAND_LAN_HOST", "").strip()
if STELLWAND_LAN_HOST and STELLWAND_LAN_HOST not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(STELLWAND_LAN_HOST)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "axes",
    "workshop",
    "boards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "workshop.middleware.StaticFilesMiddleware",  # WhiteNoise, async-capable
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "workshop.middleware.RequestTooLargeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "axes.middleware.AxesMiddleware",  # after AuthenticationMiddleware; async-capable
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "workshop.urls"
ASGI_APPLICATION = "workshop.asgi.application"

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
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
            ],
            "builtins": ["workshop.templatetags.usertext"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writes (votes fired at once, several phones) need WAL, IMMEDIATE
    # transactions and a busy timeout, or SQLite answers "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("STELLWAND_TEST_DB", str(BASE_DIR / ".test-db.sqlite3"))
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": os.environ.get("STELLWAND_CHANNEL_PREFIX", "stellwand"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The rate limits' counters (workshop/ratelimit.py): shared by all workers through Redis; in
# one process's memory without it. A Redis that does not answer must not hold up a request.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("STELLWAND_CACHE_PREFIX", "stellwand"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workshop:dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", "") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# WhiteNoise answers before the middleware: it sets the security headers on static files.
WHITENOISE_ADD_HEADERS_FUNCTION = add_static_headers

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Participants keep their identity on the same phone for the length of a workshop series.
SESSION_ENGINE = "workshop.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# Strict CSP: everything from this origin, scripts only with the per-response nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Room mode (`make run HOST=0.0.0.0`, bin/serve): the laptop serves the phones in the room over
# plain HTTP by design, since there is no certificate for a laptop's address. Django's HTTPS
# deploy checks do not apply there; `check --deploy` says so instead (workshop/checks.py).
ROOM_MODE = bool(STELLWAND_LAN_HOST) and not DEBUG and not SECURE_SSL_REDIRECT
if ROOM_MODE:
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

# Domain limits.
STELLWAND_CARD_MAX_LENGTH = int(os.environ.get("STELLWAND_CARD_MAX_LENGTH", "140"))
STELLWAND_HEARTBEAT_SECONDS = float(os.environ.get("STELLWAND_HEARTBEAT_SECONDS", "25"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
# Suggested parallels between the groups (boards/parallels/): "related" (default, pure Python),
# "thesaurus" (also OpenThesaurus from Debian's mythes-de, where installed), "stems", "overlap".
STELLWAND_PARALLELS = os.environ.get("STELLWAND_PARALLELS", "related")
STELLWAND_THESAURUS = os.environ.get("STELLWAND_THESAURUS", "")
# Data protection: `manage.py cleanup` deletes workshops that ended more than this many days ago.
STELLWAND_RETENTION_DAYS = int(os.environ.get("STELLWAND_RETENTION_DAYS", "90"))
# ... and the login records (address and browser of each sign-in and failed try) after this many.
STELLWAND_LOGIN_RECORD_DAYS = int(os.environ.get("STELLWAND_LOGIN_RECORD_DAYS", "7"))
# The legal pages (/impressum/, /datenschutz/, /barrierefreiheit/, /leichte-sprache/) name the
# body that runs this server. Multi-line values (an address) take a newline or " | " between lines.
STELLWAND_OPERATOR = {
    key: os.environ.get(f"STELLWAND_OPERATOR_{key.upper()}", "").strip()
    for key in ("name", "address", "email", "phone", "representative", "responsible")
}
STELLWAND_DPO = os.environ.get("STELLWAND_DPO", "").strip()  # the data protection officer
STELLWAND_SUPERVISORY_AUTHORITY = os.environ.get("STELLWAND_SUPERVISORY_AUTHORITY", "").strip()
STELLWAND_ACCESSIBILITY_CONTACT = os.environ.get("STELLWAND_ACCESSIBILITY_CONTACT", "").strip()
# Durchsetzungsverfahren: a municipality names its Land's body; the default is the federal one.
STELLWAND_ENFORCEMENT_BODY = os.environ.get(
    "STELLWAND_ENFORCEMENT_BODY",
    "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz (§ 16 BGG) | "
    "bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen | "
    "Mauerstraße 53, 10117 Berlin | "
    "E-Mail: info@schlichtungsstelle-bgg.de | www.schlichtungsstelle-bgg.de",
).strip()
# The day the operator last checked the accessibility statement (ISO date, e.g. 2026-12-01).
STELLWAND_ACCESSIBILITY_REVIEWED = os.environ.get("STELLWAND_ACCESSIBILITY_REVIEWED", "").strip()
# A template directory before ours: its legal/de/imprint.html (and so on) replaces ours.
STELLWAND_LEGAL_DIR = os.environ.get("STELLWAND_LEGAL_DIR", "").strip()
if STELLWAND_LEGAL_DIR:
    TEMPLATES[0]["DIRS"].insert(0, Path(STELLWAND_LEGAL_DIR))

# A workshop's JSON to import ("Import a workshop"): far above any workshop's export.
STELLWAND_UPLOAD_MAX_BYTES = 20 * 1024 * 1024

# The client's address (workshop/addresses.py) is REMOTE_ADDR; X-Forwarded-For is read only
# when REMOTE_ADDR is one of these proxies (addresses or networks, e.g. "127.0.0.1,10.0.0.0/8").
STELLWAND_TRUSTED_PROXIES = env_list("STELLWAND_TRUSTED_PROXIES", "")

# Rate limits (workshop/ratelimit.py, reasons in the README): "N/S" lets N requests pass in
# any S seconds, a burst of N at once included; "off" switches a limit off.
STELLWAND_RATE_CARDS = os.environ.get("STELLWAND_RATE_CARDS", "20/60")  # per participant
STELLWAND_RATE_VOTES = os.environ.get("STELLWAND_RATE_VOTES", "60/60")  # per participant
STELLWAND_RATE_JOINS = os.environ.get("STELLWAND_RATE_JOINS", "120/60")  # per address
STELLWAND_RATE_CODES = os.environ.get("STELLWAND_RATE_CODES", "20/60")  # wrong codes, per address

# Login guessing (django-axes): a username is locked from one address only, so that nobody can
# lock a facilitator out from elsewhere; the address as for the rate limits.
STELLWAND_LOGIN_FAILURES = int(os.environ.get("STELLWAND_LOGIN_FAILURES", "5"))
STELLWAND_LOGIN_COOLOFF_MINUTES = int(os.environ.get("STELLWAND_LOGIN_COOLOFF_MINUTES", "15"))
AXES_FAILURE_LIMIT = STELLWAND_LOGIN_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=STELLWAND_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "workshop.addresses.limited_address"
AXES_LOCKOUT_CALLABLE = "workshop.views.login_locked_out"
AXES_USERNAME_CALLABLE = "workshop.views.axes_username"  # what a column holds, no NUL
AXES_VERBOSE = False  # verbose logs the user agent; usernames and addresses stay masked

# DJANGO_LOG_LEVEL: INFO by default; DEBUG adds every library's detail (to find a fault).
# At any level no line holds a card text, a name or a secret (RELIABILITY.md 26): neither SQL
# nor a template's context is logged, and projector tokens and join codes in paths are
# masked as each record is made (workshop.logs).
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "").strip().upper() or "INFO"


def library_level(quiet: str) -> str:
    """A chatty library's level: `quiet`, unless every detail is asked for."""
    return "DEBUG" if LOG_LEVEL == "DEBUG" else quiet


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_secrets": {"()": "workshop.logs.MaskSecrets"},
        "quiet_layer": {"()": "workshop.live.QuietLayerErrors"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default handler for "django" prints unfiltered: ours replaces it.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # At DEBUG these print what a page is made of: every query with its parameters
        # (with DEBUG on), and the whole context of a variable a template lacks. Card texts,
        # names, session keys and CSRF tokens are in both.
        "django.db.backends": {"level": "INFO"},
        "django.template": {"level": "INFO"},
        "daphne": {"level": library_level("WARNING")},
        # A Redis outage is one line (workshop.live.health), not a traceback a second.
        "channels_redis.pubsub": {"filters": ["quiet_layer"]},
        "channels_redis.core": {"filters": ["quiet_layer"]},
        "django.channels.server": {"level": library_level("WARNING")},
        # WeasyPrint tells every step of a render at INFO.
        "weasyprint": {"level": library_level("WARNING")},
        "weasyprint.progress": {"level": library_level("WARNING")},
        "fontTools": {"level": library_level("WARNING")},
    },
}
