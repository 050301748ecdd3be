"""Settings for Dịch vụ công: one module; whatever differs between machines comes from the environment."""

from __future__ import annotations

import datetime
import os
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# pyHanko imports cryptography's DSA key type at start-up, which warns in every process (we sign with ECDSA).
warnings.filterwarnings("ignore", message="DSA is deprecated")

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# A developer machine (DEBUG or DVC_DEV=1): readable one-time codes in the outbox, no TLS redirect.
DVC_DEV = DEBUG or env_bool("DVC_DEV", False)
# Demo mode: the offline demo providers (payment gateway, SMS, e-mail outbox, postal carrier, identity,
# national portal) may be configured. Outside demo mode the portal refuses to start with any of them
# (dichvucong.core.demo_mode). Defaults to on for a developer machine, off everywhere else.
DVC_DEMO_MODE = env_bool("DVC_DEMO", DVC_DEV)


def _dev_secret_key() -> str:
    """A random key made once per checkout (var/dev-secret-key), shared by every local process: never a
    key printed in the source, so nothing signed with it (sessions, the demo bank) can be forged."""
    import secrets

    path = Path(os.environ.get("DVC_DEV_SECRET_FILE", BASE_DIR / "var" / "dev-secret-key"))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process is writing it
            key = path.read_text().strip()
            if key:
                return key
            import time

            time.sleep(0.02)
        raise ImproperlyConfigured(f"{path} is empty: delete it and start again.") from None
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DVC_DEV:
        SECRET_KEY = _dev_secret_key()
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set (or DVC_DEV=1 on a developer machine).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "dichvucong.core",
    "dichvucong.agencies",
    "dichvucong.catalogue",
    "dichvucong.accounts",
    "dichvucong.notifications",
    "dichvucong.documents",
    "dichvucong.worktime",
    "dichvucong.dossiers",
    "dichvucong.processing",
    "dichvucong.counters",
    "dichvucong.payments",
    "dichvucong.delivery",
    "dichvucong.national",
    "dichvucong.esign",
    "dichvucong.ratings",
    "dichvucong.feedback",
    "dichvucong.reports",
    "dichvucong.portal",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dichvucong.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dichvucong.core.middleware.PrivatePagesMiddleware",
    "dichvucong.portal.middleware.VisitorCountMiddleware",  # visitor statistics, no personal data
    # Last, as django-axes requires: turns lockouts into our own page.
    "axes.middleware.AxesMiddleware",
]

# Anonymous public API endpoints served with only these (see config/wsgi.py): no session, CSRF cookie,
# authentication, messages or HTML policy work for a JSON answer that needs none of them.
LEAN_PATHS = ["/api/v1/tracking"]
LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",  # checks ALLOWED_HOSTS (request.get_host())
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "dichvucong.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite by default (the one-command laptop run), PostgreSQL when DATABASE_URL is set.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
SQLITE_OPTIONS = {
    # WAL lets the web server read while the task worker writes; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on busy_timeout instead of failing with "database is locked".
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    "transaction_mode": "IMMEDIATE",
}
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    # sqlite:///path keeps the same settings as the default file.
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        if env_bool("DB_POOL", True):
            DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
                "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
                "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
                "timeout": 10,
            }
        else:
            DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out attempts before the password is checked
    "dichvucong.accounts.backends.IdentifierBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "home"

# Sessions: idle sessions end after DVC_SESSION_IDLE_MINUTES (sliding), never later than the cookie age.
SESSION_COOKIE_AGE = int(os.environ.get("DVC_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: lock a (username, IP) pair after 5 failures for 15 minutes. Locking the pair, not the
# username alone, means an attacker elsewhere cannot lock the real owner out; the cool-off means no
# lockout lasts for ever.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dichvucong.accounts.views.lockout_response"
AXES_USERNAME_CALLABLE = "dichvucong.accounts.backends.axes_username"
AXES_CLIENT_IP_CALLABLE = "dichvucong.core.ratelimit.axes_client_ip"
AXES_VERBOSE = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "dichvucong.accounts.passwords.ComplexityValidator"},
    {"NAME": "dichvucong.accounts.passwords.PersonalDataValidator"},
    {"NAME": "dichvucong.accounts.passwords.VietnameseCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"  # never served directly: private files go through permission-checked views

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
if env_bool("DVC_TESTING", False):
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Background work: the Django Tasks API with the database backend (no broker to install).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "notifications", "sync"],
    }
}

# Cache: whatever is kept between requests (pending sign-ups, captcha tokens, tracking cards, catalogue pages)
# must be seen by every server process, so the default is a table in the database (no extra server; created
# by `manage.py createcachetable`). REDIS_URL (or CACHE_BACKEND/CACHE_LOCATION) switches to Redis. The test
# suite runs in one process and keeps the fast per-process memory cache unless CACHE_BACKEND says otherwise;
# the tests that start several server processes run them with this default. Rate limits are counted apart
# (core.ratelimit: Redis when the cache is Redis, otherwise a database table).
REDIS_URL = os.environ.get("REDIS_URL", "")
if os.environ.get("CACHE_BACKEND"):
    CACHES = {
        "default": {
            "BACKEND": os.environ["CACHE_BACKEND"],
            "LOCATION": os.environ.get("CACHE_LOCATION", "dichvucong"),
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        }
    }
elif REDIS_URL:
    # CACHE_KEY_PREFIX: sites (or databases) sharing one Redis keep their entries and counters apart.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        }
    }
elif env_bool("DVC_TESTING", False):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dichvucong"}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "dvc_cache",
            # Django culls a third of the entries past MAX_ENTRIES (default 300), pending sign-ups included:
            # keep the bound far above what the portal holds at once (entries live 30 s to 30 min).
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DVC_CACHE_MAX_ENTRIES", "50000"))},
        }
    }

# Security defaults.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not env_bool("DVC_DEV", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
# Production speaks HTTPS only: plain HTTP is redirected and browsers are told to remember it (HSTS).
# /healthz stays reachable over plain HTTP for a load balancer's probe.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DVC_DEV)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DVC_DEV else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# Client address: X-Forwarded-For is believed only when the connection comes from one of these proxies
# (addresses or networks, e.g. "10.0.0.0/8,127.0.0.1"); otherwise REMOTE_ADDR. Used by rate limits and
# django-axes alike (core.ratelimit.client_ip).
DVC_TRUSTED_PROXIES = env_list("DVC_TRUSTED_PROXIES")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Project settings.
DVC_SITE_NAME = os.environ.get("DVC_SITE_NAME", "Dịch vụ công")
DVC_DEMO_PROVINCE_CODE = os.environ.get("DVC_DEMO_PROVINCE_CODE", "38")
DVC_SEARCH_PAGE_SIZE = 20
DVC_SEARCH_MAX_QUERY_CHARS = 200
DVC_API_MAX_PAGE_SIZE = 100

FORMAT_MODULE_PATH = ["config.formats"]
DVC_CATALOGUE_CACHE_SECONDS = int(os.environ.get("DVC_CATALOGUE_CACHE_SECONDS", "60"))
DVC_PUBLIC_URL = os.environ.get("DVC_PUBLIC_URL", "http://127.0.0.1:8000")
# Second factor by SMS for citizens and businesses (staff always use an authenticator app).
DVC_CITIZEN_SMS_2FA = env_bool("DVC_CITIZEN_SMS_2FA", True)
# Successful sign-ups (a code sent) per address an hour: a ward office or school shares one address.
DVC_REGISTRATIONS_PER_IP_HOUR = int(os.environ.get("DVC_REGISTRATIONS_PER_IP_HOUR", "30"))
DVC_RESETS_PER_IP_HOUR = int(os.environ.get("DVC_RESETS_PER_IP_HOUR", "10"))
PASSWORD_RESET_TIMEOUT = 2 * 3600
DVC_TRACKING_PER_IP_MINUTE = int(os.environ.get("DVC_TRACKING_PER_IP_MINUTE", "30"))
# The catalogue fee of an online dossier (when unambiguous) is billed when the dossier is accepted
# (NĐ 118/2025: fees are due for dossiers received; payments.closing). 1 bills at submission ("thu trước").
DVC_BILL_AT_SUBMISSION = env_bool("DVC_BILL_AT_SUBMISSION", False)
DVC_BILL_AT_ACCEPTANCE = env_bool("DVC_BILL_AT_ACCEPTANCE", True)  # 0: staff request every fee themselves
# Largest Sổ theo dõi hồ sơ one download may hold (a longer period is refused with a message).
DVC_LEDGER_PDF_MAX_ROWS = int(os.environ.get("DVC_LEDGER_PDF_MAX_ROWS", "2000"))
DVC_LEDGER_XLSX_MAX_ROWS = int(os.environ.get("DVC_LEDGER_XLSX_MAX_ROWS", "50000"))
# How long a public tracking answer is cached (it is also dropped when the dossier changes).
DVC_TRACKING_CACHE_SECONDS = int(os.environ.get("DVC_TRACKING_CACHE_SECONDS", "30"))
# Per-address sign-in failures (any identifiers) before the address waits for the window to end; a ward
# office behind one address stays well under it (accounts.limits).
DVC_LOGIN_FAILURES_PER_IP_WINDOW = int(os.environ.get("DVC_LOGIN_FAILURES_PER_IP_WINDOW", "30"))
DVC_LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("DVC_LOGIN_FAILURE_WINDOW_SECONDS", "900"))
# Sign-in with the national e-ID (VNeID) over OpenID Connect (accounts.oidc); enable it by adding "vneid" to
# DVC_IDENTITY_PROVIDERS. The issuer defaults to the discovery document's; https required outside demo mode.
DVC_VNEID_DISCOVERY_URL = os.environ.get("DVC_VNEID_DISCOVERY_URL", "")
DVC_VNEID_CLIENT_ID = os.environ.get("DVC_VNEID_CLIENT_ID", "")
DVC_VNEID_CLIENT_SECRET = os.environ.get("DVC_VNEID_CLIENT_SECRET", "")
DVC_VNEID_ISSUER = os.environ.get("DVC_VNEID_ISSUER", "")
DVC_VNEID_TIMEOUT_SECONDS = float(os.environ.get("DVC_VNEID_TIMEOUT_SECONDS", "10"))
# Uploads: the largest file, the space a citizen's or business's own files may take, files a day.
DVC_DOCUMENT_MAX_BYTES = int(os.environ.get("DVC_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
DVC_UPLOAD_QUOTA_BYTES = int(os.environ.get("DVC_UPLOAD_QUOTA_BYTES", str(500 * 1024 * 1024)))
DVC_UPLOADS_PER_DAY = int(os.environ.get("DVC_UPLOADS_PER_DAY", "200"))
# A PDF with active content (JavaScript, launch/submit actions, attachments, XFA) is refused ("refuse", the
# default: the citizen re-exports a clean file and staff never get a file we altered) or stored with
# that content removed ("sanitise"; a signed PDF is still refused). See documents/pdf_content.py.
DVC_PDF_ACTIVE_CONTENT = os.environ.get("DVC_PDF_ACTIVE_CONTENT", "refuse")
DVC_PDF_MAX_PAGES = int(os.environ.get("DVC_PDF_MAX_PAGES", "2000"))
DVC_PDF_MAX_OBJECTS = int(os.environ.get("DVC_PDF_MAX_OBJECTS", "200000"))
# Images are decoded before acceptance; more pixels than this is a decompression bomb.
DVC_IMAGE_MAX_PIXELS = int(os.environ.get("DVC_IMAGE_MAX_PIXELS", "50000000"))
DVC_DOSSIER_CODE_FORMAT = os.environ.get("DVC_DOSSIER_CODE_FORMAT", "{agency}-{yymmdd}-{number:04d}")
DVC_WORKTIME_CACHE_SECONDS = int(os.environ.get("DVC_WORKTIME_CACHE_SECONDS", "60"))
