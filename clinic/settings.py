"""Settings, read from the environment (see README.md, "Configuration").

With ``DEBUG=true`` and nothing else set, the site runs on a laptop: SQLite, Celery
tasks run in-process, emails are printed to the console. With ``DEBUG`` off (the
default), every secret and service address must be given or start-up stops.

``DEBUG=true`` chooses those laptop defaults (``LAPTOP`` below); Django's own ``DEBUG``
(the yellow technical pages for a missing page or an error) is a separate choice,
``DEBUG_PAGES``, off unless asked for, so a laptop shows the site's own 404 and 500 pages
as production does.
"""

import ipaddress
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

LAPTOP = env.bool("DEBUG", default=False)
DEBUG = LAPTOP and env.bool("DEBUG_PAGES", default=False)


def _required(name, dev_default):
    """A value production must provide; a laptop default is used only with DEBUG on."""
    value = env.str(name, default="")
    if value:
        return value
    if LAPTOP:
        return dev_default
    raise ImproperlyConfigured(
        f"The environment variable {name} is required when DEBUG is off. See README.md, 'Configuration'."
    )


SECRET_KEY = _required("SECRET_KEY", "django-insecure-development-only-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# `make run` passes PORT, so links in emails point at the port the laptop serves on.
SITE_URL = _required("SITE_URL", f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "clinic.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "phonenumber_field",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "core",
    "clinic",
    "education",
    "booking",
    "scheduling",
    "clinicsite",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.AdminMethodsMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed by the app itself, as WhiteNoise does for static files, so gunicorn alone
    # (make serve) sends a phone a third of the bytes. Below WhiteNoise, which answers static
    # files with its own compressed copies. Django pads each compressed page with random bytes
    # against BREACH, and CSRF tokens are masked afresh in every response.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session and before CommonMiddleware, as Django asks: the language comes from the
    # address (/es/...), so the redirect CommonMiddleware adds for a missing slash keeps it.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.StaffIdleTimeoutMiddleware",
    "core.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
# Where clinic/urls.py mounts the admin (core.middleware.AdminMethodsMiddleware guards it).
ADMIN_PATH_PREFIX = "/admin/"
WSGI_APPLICATION = "clinic.wsgi.application"

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
                "csp.context_processors.nonce",
                "core.context_processors.clinic",
                "core.context_processors.languages",
                "clinicsite.context_processors.brand",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {"default": env.db_url_config(_required("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache -------------------------------------------
# Without REDIS_URL (a laptop), tasks run in-process and the cache is local memory.
REDIS_URL = _required("REDIS_URL", "")

# A dead or hung Redis must never hold a patient's request for long: every socket
# operation is bounded, and a failed cache read is treated as a miss.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "clinic",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A host name in the memory URL keeps kombu from warning that none was supplied.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = env.str("TIME_ZONE", default="America/New_York")
# A task is acknowledged only once it has finished, and is put back if the process
# running it dies, so a crash mid-send is retried (sending is guarded in the database).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    # Longer than any task; unacknowledged messages come back after this.
    "visibility_timeout": 3600,
}
# Publishing to a broker that is down gives up quickly; the periodic sweep sends
# whatever was not enqueued (see booking/tasks.py).
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BEAT_SCHEDULE = {
    "sweep-unsent-emails": {"task": "booking.tasks.sweep_emails", "schedule": env.float("EMAIL_SWEEP_INTERVAL", 60.0)},
    "queue-appointment-reminders": {
        "task": "scheduling.tasks.queue_reminders",
        "schedule": env.float("REMINDER_QUEUE_INTERVAL", 60.0),
    },
    # Times that opened while nothing asked (new hours, a missed trigger) still reach the waitlist.
    "offer-open-times-to-waitlist": {"task": "scheduling.tasks.offer_waitlist_times", "schedule": 300.0},
    "escalate-unacknowledged-urgent-alerts": {
        "task": "booking.tasks.escalate_urgent_alerts",
        "schedule": env.float("URGENT_ESCALATE_INTERVAL", 60.0),
    },
}

# --- Email ----------------------------------------------------------------------
# EMAIL_URL such as smtp+tls://user:password@smtp.example.com:587 (see django-environ).
vars().update(env.email_url_config(_required("EMAIL_URL", "consolemail://")))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="clinic@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAILS = env.list("STAFF_NOTIFICATION_EMAILS", default=[])
# --- Urgent alerts (PHQ-9 item 9, the ASQ): someone must always receive them. With DEBUG off
# the system check in booking/checks.py refuses to run without STAFF_NOTIFICATION_EMAILS or
# URGENT_ALERT_WEBHOOK_URL.
# A pager or on-call service: a POST with the reference and the admin link only, signed with
# HMAC-SHA256 in the X-Clinic-Signature header when a secret is set.
URGENT_ALERT_WEBHOOK_URL = env.str("URGENT_ALERT_WEBHOOK_URL", default="")
URGENT_ALERT_WEBHOOK_SECRET = env.str("URGENT_ALERT_WEBHOOK_SECRET", default="")
# Not acknowledged after this many minutes of opening hours: sent again, and once to the second list.
URGENT_ESCALATE_MINUTES = env.int("URGENT_ESCALATE_MINUTES", default=15)
URGENT_ESCALATION_EMAILS = env.list("URGENT_ESCALATION_EMAILS", default=[])
# Opening hours in TIME_ZONE, for the escalation clock and the support page ("we are closed now").
CLINIC_OPEN_HOURS = env.str("CLINIC_OPEN_HOURS", default="08:30-17:00")
CLINIC_OPEN_DAYS = env.str("CLINIC_OPEN_DAYS", default="mon-fri")
# Delivery: how often and how patiently an email is retried (booking/emails.py).
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=8)
EMAIL_RETRY_BASE_SECONDS = env.float("EMAIL_RETRY_BASE_SECONDS", default=30)
EMAIL_RETRY_MAX_SECONDS = env.float("EMAIL_RETRY_MAX_SECONDS", default=900)
# An email not handed to a worker after this long is re-enqueued by the sweep.
EMAIL_SWEEP_AFTER_SECONDS = env.int("EMAIL_SWEEP_AFTER_SECONDS", default=120)
# A worker that claimed an email and went silent this long is presumed dead.
EMAIL_SEND_LEASE_SECONDS = env.int("EMAIL_SEND_LEASE_SECONDS", default=max(60, EMAIL_TIMEOUT * 3))

# --- Text messages (core/sms.py) ----------------------------------------------------
# "twilio" for Twilio's REST API, "console" (the laptop default: texts go to the log), or empty
# for no texts at all (the request form then does not offer them).
SMS_BACKEND = env.str("SMS_BACKEND", default="console" if DEBUG else "")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
# Tests point this at a local server that speaks the same API.
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="https://api.twilio.com")
if SMS_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER):
    raise ImproperlyConfigured("SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER.")
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=10)
# No texts in these local hours of the patient (the appointment location's time zone).
SMS_QUIET_HOURS = env.str("SMS_QUIET_HOURS", default="21:00-08:00")

# --- Consultation requests ------------------------------------------------------------
INTAKE_LINK_DAYS = env.int("INTAKE_LINK_DAYS", default=14)
# Wrong dates of birth before a link stops opening in browsers that did not start the intake.
INTAKE_CONFIRM_TRIES = env.int("INTAKE_CONFIRM_TRIES", default=5)
# A patient's intake session ends after this long without a page view (a shared device).
INTAKE_SESSION_IDLE_SECONDS = env.int("INTAKE_SESSION_IDLE_SECONDS", default=24 * 3600)
PHONENUMBER_DEFAULT_REGION = env.str("PHONE_REGION", default="US")
# Robots fill the form faster than this; people never do.
CONSULTATION_MIN_FILL_SECONDS = env.float("CONSULTATION_MIN_FILL_SECONDS", default=3)
# A form older than this is sent only after the visitor confirms (a fresh "started" value).
CONSULTATION_FORM_MAX_AGE_HOURS = env.float("CONSULTATION_FORM_MAX_AGE_HOURS", default=24)
CONSULTATION_RATE_LIMIT = env.int("CONSULTATION_RATE_LIMIT", default=10)
CONSULTATION_RATE_WINDOW_SECONDS = env.int("CONSULTATION_RATE_WINDOW_SECONDS", default=3600)
# Dates of birth tried per address per window on intake links (each link also locks on its own).
INTAKE_CONFIRM_RATE_LIMIT = env.int("INTAKE_CONFIRM_RATE_LIMIT", default=20)
# Behind a reverse proxy, the header that carries the client address (for example
# HTTP_X_FORWARDED_FOR). Leave empty when the app faces clients directly.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
# The header is believed only on connections from these addresses or networks (our own reverse
# proxies); gunicorn listens on 127.0.0.1 by default, so a proxy on the same machine is the default.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
try:
    TRUSTED_PROXIES = [str(ipaddress.ip_network(net, strict=False)) for net in TRUSTED_PROXIES]
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES must list IP addresses or networks (CIDR): {exc}") from exc

# robots.txt keeps crawlers out of these: staff pages, and private pages reached by personal links.
ROBOTS_DISALLOW = ["/admin/", "/consultation/intake/", "/appointments/"]

# --- Education pages ----------------------------------------------------------------------
# How long the server keeps a rendered article, and how long browsers and proxies may.
EDUCATION_CACHE_SECONDS = env.int("EDUCATION_CACHE_SECONDS", default=600)
EDUCATION_MAX_AGE_SECONDS = env.int("EDUCATION_MAX_AGE_SECONDS", default=300)
# An article's medical review lapses after this many months; it then reads "review overdue".
EDUCATION_REVIEW_MONTHS = env.int("EDUCATION_REVIEW_MONTHS", default=12)

# --- Screening (booking/screening.py names and cites each threshold) -----------------------
# Payers differ; a clinic sets its own figures here, for example {"min_phq9_tms": 10}.
SCREENING_THRESHOLDS = env.json("SCREENING_THRESHOLDS", default={})

# --- Scheduling ----------------------------------------------------------------------
# Patients may book no sooner than this, and no further ahead than the horizon.
SCHEDULING_MIN_NOTICE_HOURS = env.float("SCHEDULING_MIN_NOTICE_HOURS", default=24)
SCHEDULING_HORIZON_DAYS = env.int("SCHEDULING_HORIZON_DAYS", default=30)
# Online changes and cancellations close this long before the appointment (then: call us).
SCHEDULING_CHANGE_WINDOW_HOURS = env.float("SCHEDULING_CHANGE_WINDOW_HOURS", default=24)
# A private manage link stops working this many hours after its appointment ends.
SCHEDULING_MANAGE_LINK_HOURS_AFTER = env.float("SCHEDULING_MANAGE_LINK_HOURS_AFTER", default=0)
# Reminders go out this many hours before the appointment.
SCHEDULING_REMINDER_HOURS = env.list("SCHEDULING_REMINDER_HOURS", cast=int, default=[24, 2])
# Open times start every this many minutes within a staff member's hours.
SCHEDULING_SLOT_STEP_MINUTES = env.int("SCHEDULING_SLOT_STEP_MINUTES", default=30)
# The title of calendar invites; empty means CLINIC_NAME. Set a neutral name when the
# clinic's own name mentions a treatment, since calendars are often shared.
SCHEDULING_CALENDAR_NAME = env.str("SCHEDULING_CALENDAR_NAME", default="")

# The waitlist: a time that opens is offered to this many waiting patients who fit, and each
# offer holds for this many hours (never past the minimum notice before the time).
WAITLIST_OFFER_TO = env.int("WAITLIST_OFFER_TO", default=2)
WAITLIST_OFFER_HOURS = env.float("WAITLIST_OFFER_HOURS", default=2)

# --- The clinic -------------------------------------------------------------------
# The name appears in emails and calendar invites: a name that mentions a treatment tells
# anyone who sees the inbox or calendar. Use the neutral form of the clinic's name if it has one.
CLINIC_NAME = env.str("CLINIC_NAME", default="Riverbend Clinic")
CLINIC_PHONE = env.str("CLINIC_PHONE", default="+1 555 010 0100")
CLINIC_EMAIL = env.str("CLINIC_EMAIL", default="hello@clinic.example")
CLINIC_ADDRESS = env.str("CLINIC_ADDRESS", default="100 Main Street, Suite 200, Springfield")
CLINIC_HOURS = env.str("CLINIC_HOURS", default="Monday to Friday, 8:30 am to 5 pm")

# --- Internationalisation -----------------------------------------------------------
# English is the default and keeps the unprefixed addresses; every other language lives under
# its own prefix (/es/...). To add one, see README.md ("Languages").
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = CELERY_TIMEZONE
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not LAPTOP
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# On a laptop whitenoise serves the static files straight from the app folders, as they change
# (runserver serves none itself: "whitenoise.runserver_nostatic"), whatever DEBUG_PAGES says.
WHITENOISE_USE_FINDERS = LAPTOP
WHITENOISE_AUTOREFRESH = LAPTOP

# --- Uploaded files (the clinic's logo, favicon, photos) ----------------------------------
# Django serves them only where SERVE_MEDIA is on (a laptop, by default); in production the
# web server in front does, with the headers README.md ("Uploaded files") gives.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=LAPTOP)
FILE_UPLOAD_PERMISSIONS = 0o644
# How long each web machine keeps the brand (name, colours, images) before reading it again;
# saving the site settings replaces it at once everywhere.
CLINICSITE_CACHE_SECONDS = env.int("CLINICSITE_CACHE_SECONDS", default=3600)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Staff access -------------------------------------------------------------------------
# Staff sign in to the admin with a password and, when this is on, a code from an
# authenticator app (TOTP). On by default in production; see README.md to enrol.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=not LAPTOP)
OTP_TOTP_ISSUER = CLINIC_NAME
# Staff are signed out after this long without a request.
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=30)
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Per account, from any address (core/signin.py): a higher threshold, and only new addresses pause.
ACCOUNT_FAILURE_LIMIT = env.int("ACCOUNT_FAILURE_LIMIT", default=20)
ACCOUNT_FAILURE_WINDOW_MINUTES = env.int("ACCOUNT_FAILURE_WINDOW_MINUTES", default=60)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Security --------------------------------------------------------------------------------
# Content-Security-Policy: only our own files; inline scripts need the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A session lasts this long after its last change: a patient's browser (often shared) forgets
# the intake within hours; staff stay signed in while active (core.middleware touches the
# session every minute) and are signed out after STAFF_IDLE_MINUTES of quiet.
SESSION_COOKIE_AGE = int(env.float("SESSION_HOURS", default=4) * 3600)
# Features no page here uses, switched off for every page (and any script that got in).
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "browsing-topics=(), display-capture=()",
)

if not LAPTOP:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Browsers accept a __Host- cookie only over https, for this exact host and the whole site,
    # so a sibling subdomain or a plain-http page cannot plant or overwrite it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Logging: never log request bodies, query strings or tokens ----------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # On every handler, so a record from any logger (a 500's path, a traceback) loses its link tokens.
    "filters": {"redact_tokens": {"()": "core.logfilters.RedactTokensFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The default request logger writes the URL path; intake links carry a token.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Django's own "django" logger prints to the console too when DEBUG is on; through the
        # root handler alone, runserver says "Watching for file changes" once.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
