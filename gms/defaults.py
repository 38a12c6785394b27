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
# The enabled plugins, by name; None: every installed plugin (each `gms.plugins` entry point).
# Which competitions run is configuration (config/*.toml), never the core's code.
PLUGINS: list[str] | None = None
PLUGIN_PATHS: list[str] = []  # extra folders holding plugin packages
# Per plugin settings, {plugin name: {key: value}}; a plugin reads its own through
# gms.hooks.plugin_config(name)
PLUGIN_CONFIG: dict = {}

LANGUAGES = ["ky", "ru", "en"]
BABEL_DEFAULT_LOCALE = "ru"
TIMEZONE = "Asia/Bishkek"
CURRENCY = "KGS"
# The band of CHF exchange rates (KGS for 1 CHF) accepted for a grant set in CHF and for its
# transfers: a CHF amount must match the award in KGS at a rate within it.
CHF_KGS_RATE_MIN = "70"
CHF_KGS_RATE_MAX = "140"

# Uploads: per file limit, and the whole request a bit above it.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
MAX_CONTENT_LENGTH = 12 * 1024 * 1024
UPLOAD_FOLDER = None  # default: instance/uploads

# E-mail: "outbox" keeps messages in the database, readable by staff at /staff/outbox;
# "smtp" also sends them through SMTP_HOST.
MAIL_BACKEND = "outbox"
# The site's public address: every absolute link (e-mails, letters, open data) starts with
# it, never with the Host header of a request. Required by the production profile
# (PostgreSQL and a broker), e.g. "https://grants.example.kg"; None elsewhere means
# http://localhost under TESTING, else http://127.0.0.1:5000 (`gms run`, the demo).
BASE_URL = None
# Host names requests may carry (Host, or X-Forwarded-Host behind PROXY_FIX); any other gets
# a 400. "sub.example.kg" matches that name only, ".example.kg" every sub-domain too. None
# means BASE_URL's host in the production profile, and no check elsewhere.
TRUSTED_HOSTS = None
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
# Setting up the second factor at the first log-in needs a one-time link e-mailed to the
# account (the password alone is not enough): it lasts this long (seconds), and at most this
# many are sent per account and hour
TWO_FACTOR_LINK_MAX_AGE = 3600
TWO_FACTOR_LINKS_PER_HOUR = 3
# Each log-in is a row of user_sessions (ended on the server at log-out, password reset, "log
# out everywhere"); when it was last used is noted at most this often (seconds; 0: never)
SESSION_LAST_SEEN_EVERY = 300
# Failed log-ins slow down, they never lock an account (gms/services/throttle.py): after
# LOGIN_FREE_FAILURES failures for one account from one client address, each further attempt
# from there waits LOGIN_DELAY_SECONDS, doubling with every further failure up to
# LOGIN_MAX_DELAY_SECONDS. Past LOGIN_FREE_FAILURES_PER_ACCOUNT failures from all addresses
# together, every address that fails on the account waits (an address without failures on
# it, the owner's, does not); past LOGIN_FREE_FAILURES_PER_ADDRESS failures over all
# accounts, the address waits. A series is forgotten LOGIN_FAILURES_FORGOTTEN_AFTER seconds
# after it began. The counters live in RATELIMIT_STORAGE_URI, shared by every gunicorn
# worker; None means the broker's Redis when BROKER_URL is redis://…, else memory:// (one
# process: the embedded profile). While Redis is unreachable each process counts alone.
LOGIN_FREE_FAILURES = 5
LOGIN_FREE_FAILURES_PER_ACCOUNT = 25
LOGIN_FREE_FAILURES_PER_ADDRESS = 30
LOGIN_DELAY_SECONDS = 2
LOGIN_MAX_DELAY_SECONDS = 15 * 60
LOGIN_FAILURES_FORGOTTEN_AFTER = 24 * 3600
# Password-reset e-mails per account (more requests are answered the same, but send nothing)
RESET_REQUESTS_PER_ACCOUNT = "3 per hour"
# Registrations per client address (more are refused with a 429 until the window passes)
REGISTRATIONS_PER_ADDRESS = "10 per hour"
# A link confirming a new account's e-mail address is valid this long (seconds)
EMAIL_CONFIRM_MAX_AGE = 3 * 24 * 3600
RATELIMIT_STORAGE_URI = None
RATELIMIT_KEY_PREFIX = "gms"

CELERY: dict = {}
# Behind a TLS-terminating proxy: e.g. {"x_for": 1, "x_proto": 1, "x_host": 1}
PROXY_FIX: dict = {}
CLOSE_CALLS_EVERY_SECONDS = 60
# Result letters left pending (a worker died, the broker was down at publication) are written
# by the periodic gms.resume_letters task this often
LETTERS_RESUME_EVERY_SECONDS = 120

# Audit anchors: the newest audit entry's id and hash, written every AUDIT_ANCHOR_EVERY_SECONDS
# to AUDIT_ANCHOR_FILE (default: instance/audit-anchors.jsonl) and, when AUDIT_ANCHOR_EMAIL
# is set, e-mailed there (an auditor's mailbox outside this installation). `gms audit
# verify` then finds entries removed from the end of the log, which the chain alone cannot.
AUDIT_ANCHOR_FILE = None
AUDIT_ANCHOR_EMAIL = None
AUDIT_ANCHOR_EVERY_SECONDS = 3600
# The secret key of the audit log's HMAC-SHA256 chain and of its anchors' signatures: without
# it nobody can rebuild the chain after changing an entry. Required by the production profile
# (PostgreSQL and a broker), separate from SECRET_KEY, the same for every process and never
# changed (keep it with the backups); unset elsewhere: derived from SECRET_KEY.
AUDIT_HMAC_KEY = None
# The nightly tamper check (gms.tamper_check: the chain, the records against their digests,
# the derived totals) runs at TAMPER_CHECK_AT (UTC, "HH:MM") and mails any finding to
# AUDIT_REPORT_EMAIL (unset: AUDIT_ANCHOR_EMAIL).
TAMPER_CHECK_AT = "02:30"
AUDIT_REPORT_EMAIL = None

# Open data (360Giving): identifier prefix (default "360G-voice-kg" until 360Giving
# registers one), the funder's identifier and the programme's name on documents.
OPENDATA_PREFIX = None
OPENDATA_FUNDER_ID = None
PROGRAMME_NAME = None
