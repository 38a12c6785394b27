"""Backup and restore: one portable archive of the database and the uploaded files.

The archive is a ``.tar.gz`` that does not depend on the database engine (a SQLite backup
restores into PostgreSQL and back). Its members, in this order:

``data/<table>.jsonl``
    every row of every table of the database (``alembic_version`` excepted), one JSON object
    per line, in primary-key order. Values are lossless: decimals as strings, date-times, dates
    and times in ISO 8601, bytes in base64, JSON columns as JSON (a row lists the JSON columns
    that hold the JSON value ``null``, as opposed to SQL ``NULL``, under ``"$json_null"``).
``uploads/<path>``
    every file under ``UPLOAD_FOLDER`` (applicants' documents, result letters, grant documents).
``manifest.json``
    format and version, creation time (UTC), GMS version, engine, the Alembic revisions the
    database is at, the enabled plugins, per table its columns, row count, size and SHA-256,
    per file its path, size and SHA-256.

:func:`backup` reads every table in one consistent snapshot (a REPEATABLE READ, READ ONLY
transaction on PostgreSQL, one read transaction on SQLite) and streams rows (``yield_per``),
so the database never has to fit in memory. :func:`restore` verifies the whole archive first,
refuses an archive of other migration revisions or plugins and a database that holds rows, runs
the migrations, inserts every row in foreign-key order in one transaction (ids and the audit
log's hashes as they were), resets PostgreSQL sequences and writes the files.

The audit log is append-only (its triggers refuse UPDATE, DELETE and TRUNCATE, not INSERT), so
a restore, which only inserts into an empty database, is unaffected; run it as the role that
owns the tables (it migrates). The restored log verifies only under the ``AUDIT_HMAC_KEY`` it
was written with: keep the key with the archives.
"""

from .archive_format import MANIFEST, BackupError, Summary
from .restoring import restore
from .writing import backup, default_output

__all__ = ["MANIFEST", "BackupError", "Summary", "backup", "default_output", "restore"]
