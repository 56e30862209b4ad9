"""Django settings for netweave, configured from the environment.

NETWEAVE_DATA_DIR   where the SQLite database and the generated secret key live (./var)
DATABASE_URL        e.g. postgresql://user@127.0.0.1:5432/netweave (default: SQLite in the data dir)
NETWEAVE_SECRET_KEY the secret key (default: generated once into the data dir)
NETWEAVE_DEBUG      1 for Django's debug mode
NETWEAVE_CACHE_URL  redis://127.0.0.1:6379/0 to share the cache between machines
                    (default: a file cache in the data dir; locmem:// for one process)
NETWEAVE_JOBS_EAGER 1 to run background jobs inside the request that queues them
NETWEAVE_SQLITE_BUSY_SECONDS how long a SQLite writer waits for another's lock (60)
NETWEAVE_ALLOWED_HOSTS  comma-separated host names (default: localhost,127.0.0.1)
EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
DEFAULT_FROM_EMAIL  Django's e-mail settings (default backend: the console)
NETWEAVE_PRODUCTION 1 when served over HTTPS: secure cookies, HSTS, redirect to HTTPS
NETWEAVE_PROXY_COUNT how many reverse proxies set X-Forwarded-For/-Proto (default 0)
NETWEAVE_CSRF_TRUSTED_ORIGINS, NETWEAVE_HSTS_SECONDS, NETWEAVE_SSL_REDIRECT,
NETWEAVE_LOGIN_LIMIT_USERNAME, NETWEAVE_LOGIN_LIMIT_IP, NETWEAVE_LOGIN_WINDOW,
NETWEAVE_MAIL_LIMIT_ADDRESS, NETWEAVE_MAIL_LIMIT_IP, NETWEAVE_MAIL_WINDOW,
NETWEAVE_MEASURE_JOBS_PER_CLIENT, NETWEAVE_MEASURE_JOBS_WINDOW,
NETWEAVE_UPLOAD_MAX_MB  see docs/security.md
NETWEAVE_IMPORT_MAX_UNPACKED_MB, NETWEAVE_IMPORT_MAX_MEMBERS, NETWEAVE_IMPORT_MAX_RATIO,
NETWEAVE_IMPORT_MAX_ROWS, NETWEAVE_IMPORT_MAX_COLUMNS, NETWEAVE_IMPORT_MAX_SECONDS
                    limits of an import: see docs/import.md
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("NETWEAVE_DATA_DIR", "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("NETWEAVE_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Several processes may start at once (gunicorn's workers, two test runs): the key is
        # written whole under another name and linked into place, so a reader never sees a
        # half-written file and the first process's key wins.
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        draft = DATA_DIR / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("NETWEAVE_DEBUG")
ALLOWED_HOSTS = os.environ.get("NETWEAVE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs page's assets locally, not from a CDN
    "netweave.networks",
    "netweave.jobs",
    "netweave.meet",
    "netweave.discuss",
    "netweave.weaving",
    "netweave.charters",
    "netweave.imports",
    "netweave.dashboard",
    "netweave.trust",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "netweave.site.busy.DatabaseBusyMiddleware",
    "netweave.trust.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "netweave.trust.ratelimit.LoginRateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "netweave.site.urls"
WSGI_APPLICATION = "netweave.site.wsgi.application"

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
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'netweave.sqlite3'}"
    # Persistent connections, checked before each request reuses one: a connection the
    # database dropped (restart, failover, killed backend) is replaced, not failed on.
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers (the log reader, reports) run beside a writer.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Writers take the write lock when their transaction begins and queue for it
            # (up to the busy timeout) instead of failing on a lock upgrade; an import holds
            # it only for its write phase (see imports.services.import_file).
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("NETWEAVE_SQLITE_BUSY_SECONDS", "60")),
        }
        # Tests use a file, not memory, so that the log reader can open the same database.
        config["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
    else:
        # One test database per test process, so that parallel runs do not collide.
        config["TEST"] = {"NAME": f"test_{config['NAME']}_{os.getpid()}"}
    return config


DATABASES = {"default": _database()}


def _caches() -> dict:
    """NETWEAVE_CACHE_URL: redis://host:6379/0 for several machines; by default a file cache
    in the data dir, which every process on this machine shares (job progress, rate limits)."""
    url = os.environ.get("NETWEAVE_CACHE_URL", "")
    if url.startswith(("redis://", "rediss://")):
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": url}}
    if url.startswith("locmem://"):
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                        "LOCATION": str(DATA_DIR / "cache")}}


CACHES = _caches()
#: Run background jobs inside the request that queues them (tests; no worker needed).
NETWEAVE_JOBS_EAGER = _env_bool("NETWEAVE_JOBS_EAGER")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
WHITENOISE_USE_FINDERS = DEBUG  # in debug mode, serve static files without collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "netweave <netweave@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NETWEAVE_LOG_LEVEL", "INFO")},
    "loggers": {"waitress.queue": {"level": "ERROR"}},
}

# Security (docs/security.md). NETWEAVE_PRODUCTION=1 means "served over HTTPS": secure
# cookies, HSTS and the redirect to HTTPS. NETWEAVE_PROXY_COUNT=n: n reverse proxies in front
# of the app set X-Forwarded-For / X-Forwarded-Proto (trusted only then).
NETWEAVE_PRODUCTION = _env_bool("NETWEAVE_PRODUCTION")
NETWEAVE_PROXY_COUNT = int(os.environ.get("NETWEAVE_PROXY_COUNT", "0"))
if NETWEAVE_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if NETWEAVE_PRODUCTION and DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("NETWEAVE_DEBUG=1 is not allowed with NETWEAVE_PRODUCTION=1.")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = NETWEAVE_PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = NETWEAVE_PRODUCTION and _env_bool("NETWEAVE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = (int(os.environ.get("NETWEAVE_HSTS_SECONDS", "31536000"))
                       if NETWEAVE_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = NETWEAVE_PRODUCTION and _env_bool("NETWEAVE_HSTS_SUBDOMAINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [origin for origin in
                        os.environ.get("NETWEAVE_CSRF_TRUSTED_ORIGINS", "").split(",") if origin]
#: Allow style="..." attributes in pages (no template needs them: docs/security.md).
NETWEAVE_CSP_STYLE_ATTRIBUTES = False
NETWEAVE_LOGIN_LIMIT_USERNAME = int(os.environ.get("NETWEAVE_LOGIN_LIMIT_USERNAME", "5"))
NETWEAVE_LOGIN_LIMIT_IP = int(os.environ.get("NETWEAVE_LOGIN_LIMIT_IP", "30"))
NETWEAVE_LOGIN_WINDOW = int(os.environ.get("NETWEAVE_LOGIN_WINDOW", "900"))  # seconds
#: Account mails (sign-up, password reset) to one typed address, and from one client.
NETWEAVE_MAIL_LIMIT_ADDRESS = int(os.environ.get("NETWEAVE_MAIL_LIMIT_ADDRESS", "3"))
NETWEAVE_MAIL_LIMIT_IP = int(os.environ.get("NETWEAVE_MAIL_LIMIT_IP", "20"))
NETWEAVE_MAIL_WINDOW = int(os.environ.get("NETWEAVE_MAIL_WINDOW", "3600"))  # seconds
#: New custom-period measuring jobs one client (user or address) may queue per window.
NETWEAVE_MEASURE_JOBS_PER_CLIENT = int(os.environ.get("NETWEAVE_MEASURE_JOBS_PER_CLIENT", "10"))
NETWEAVE_MEASURE_JOBS_WINDOW = int(os.environ.get("NETWEAVE_MEASURE_JOBS_WINDOW", "3600"))
# Uploads: request bodies (forms) up to 5 MB in memory, files above 5 MB go to a temporary
# file; trust.uploads.check_upload refuses files above NETWEAVE_UPLOAD_MAX_MB (default 20).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
NETWEAVE_UPLOAD_MAX_BYTES = int(os.environ.get("NETWEAVE_UPLOAD_MAX_MB", "20")) * 1024 * 1024
# Imports (web, API and command line; docs/import.md "Limits"): an archive's or workbook's
# unpacked size, its members and compression ratio, rows, columns, seconds per import.
NETWEAVE_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("NETWEAVE_IMPORT_MAX_UNPACKED_MB", "100")) * 1024 * 1024
NETWEAVE_IMPORT_MAX_MEMBERS = int(os.environ.get("NETWEAVE_IMPORT_MAX_MEMBERS", "10000"))
NETWEAVE_IMPORT_MAX_RATIO = int(os.environ.get("NETWEAVE_IMPORT_MAX_RATIO", "100"))
NETWEAVE_IMPORT_MAX_ROWS = int(os.environ.get("NETWEAVE_IMPORT_MAX_ROWS", "200000"))
NETWEAVE_IMPORT_MAX_COLUMNS = int(os.environ.get("NETWEAVE_IMPORT_MAX_COLUMNS", "100"))
NETWEAVE_IMPORT_MAX_SECONDS = int(os.environ.get("NETWEAVE_IMPORT_MAX_SECONDS", "600"))
