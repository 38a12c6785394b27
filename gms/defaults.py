"""Documented configuration defaults: the embedded profile (SQLite, eager Celery, outbox).

Layers, later ones winning: this module; the TOML file named by ``GMS_CONFIG_FILE``;
``instance/gms.toml``; ``GMS_*`` environment variables (JSON values, ``__`` nests keys);
the mapping passed to ``create_app`` in tests.
"""

# Database: None means a SQLite file ``gms.sqlite3`` in the instance folder.
SQLALCHEMY_DATABASE_URI = None
# Shortcut names for the production profile (GMS_DATABASE_URL, GMS_BROKER_URL).
DATABASE_URL = None
BROKER_URL = None

SECRET_KEY = None  # generated into the instance folder when missing
PLUGINS = ["pilot_selection", "small_grants", "local_initiative", "citizen_budget_contest"]
PLUGIN_PATHS: list[str] = []
PLUGIN_CONFIG: dict = {}

LANGUAGES = ["ky", "ru", "en"]
BABEL_DEFAULT_LOCALE = "ru"
TIMEZONE = "Asia/Bishkek"
CURRENCY = "KGS"

# Uploads: per file limit, and the whole request a bit above it.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
MAX_CONTENT_LENGTH = 12 * 1024 * 1024
UPLOAD_FOLDER = None  # default: instance/uploads

# E-mail: "outbox" keeps messages in the database, readable by staff at /staff/outbox;
# "smtp" also sends them through SMTP_HOST.
MAIL_BACKEND = "outbox"
# Links in e-mails written outside a request (by a worker) start with this address.
BASE_URL = "http://127.0.0.1:5000"
MAIL_SENDER = "gms@localhost"
SMTP_HOST = "localhost"
SMTP_PORT = 25

PER_PAGE = 25
PASSWORD_RESET_MAX_AGE = 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A log-in lasts 12 hours (a working day); "remember me" cookies are not used.
PERMANENT_SESSION_LIFETIME = 12 * 3600
# Two-factor log-in (TOTP authenticator app, with one-time recovery codes) is required for
# these roles: they see other organisations' applications, scores or money.
TWO_FACTOR_ROLES = ["staff", "commission", "finance", "admin"]
TWO_FACTOR_ISSUER = "GMS"
# Failed log-ins are limited per account and per client address ("limits" notation); the
# counters live in RATELIMIT_STORAGE_URI, shared by every gunicorn worker; None means the
# broker's Redis when BROKER_URL is redis://…, else memory:// (one process: the embedded
# profile).
LOGIN_FAILURES_PER_ACCOUNT = "5 per 15 minutes"
LOGIN_FAILURES_PER_ADDRESS = "30 per 15 minutes"
# Password-reset e-mails per account (more requests are answered the same, but send nothing)
RESET_REQUESTS_PER_ACCOUNT = "3 per hour"
RATELIMIT_STORAGE_URI = None
RATELIMIT_KEY_PREFIX = "gms"

CELERY: dict = {}
# Behind a TLS-terminating proxy: e.g. {"x_for": 1, "x_proto": 1, "x_host": 1}
PROXY_FIX: dict = {}
CLOSE_CALLS_EVERY_SECONDS = 60

# Audit anchors: the newest audit entry's id and hash, written every AUDIT_ANCHOR_EVERY_SECONDS
# to AUDIT_ANCHOR_FILE (default: instance/audit-anchors.jsonl) and, when AUDIT_ANCHOR_EMAIL
# is set, e-mailed there (an auditor's mailbox outside this installation). `gms audit
# verify` then finds entries removed from the end of the log, which the chain alone cannot.
AUDIT_ANCHOR_FILE = None
AUDIT_ANCHOR_EMAIL = None
AUDIT_ANCHOR_EVERY_SECONDS = 3600

# Open data (360Giving): identifier prefix (default "360G-voice-kg" until 360Giving
# registers one), the funder's identifier and the programme's name on documents.
OPENDATA_PREFIX = None
OPENDATA_FUNDER_ID = None
PROGRAMME_NAME = None
