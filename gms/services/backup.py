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

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import tarfile
import tempfile
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path, PurePosixPath
from time import monotonic

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.types import TypeDecorator

import gms
from gms.extensions import db
from gms.timeutil import utcnow

FORMAT = "gms-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000
CHUNK = 1 << 20
JSON_NULL_KEY = "$json_null"
SKIPPED_TABLES = frozenset({"alembic_version"})


class BackupError(Exception):
    """A backup or restore refused or failed; the message is one line for the operator."""


@dataclass
class Summary:
    """What a backup wrote or a restore restored."""

    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    archive_bytes: int = 0
    seconds: float = 0.0
    created_at: str = ""
    gms_version: str = ""
    engine: str = ""
    revisions: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- values


def _kind(type_) -> str:
    """How values of a column type are written in the archive."""
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, sa.JSON):
        return "json"
    if isinstance(type_, sa.LargeBinary):
        return "bytes"
    if isinstance(type_, sa.Float):
        return "float"
    if isinstance(type_, sa.Numeric):
        return "decimal" if type_.asdecimal else "float"
    if isinstance(type_, sa.DateTime):
        return "datetime"
    if isinstance(type_, sa.Date):
        return "date"
    if isinstance(type_, sa.Time):
        return "time"
    if isinstance(type_, sa.Interval):
        return "interval"
    if isinstance(type_, sa.Uuid):
        return "uuid"
    return "plain"


def _encode(kind: str, value):
    if value is None or kind in ("plain", "float"):
        return value
    if kind == "decimal":
        return str(value)
    if kind in ("datetime", "date", "time"):
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "interval":
        return value // timedelta(microseconds=1)
    if kind == "uuid":
        return str(value)
    raise ValueError(f"unknown kind {kind}")


def _decoder(kind: str, type_):
    """A function from an archived value to what the target column takes."""
    if kind in ("plain", "float", "json"):
        return None
    if kind == "decimal":
        return Decimal
    if kind == "datetime":
        aware = isinstance(type_, TypeDecorator) or getattr(type_, "timezone", False)

        def to_datetime(text: str) -> datetime:
            value = datetime.fromisoformat(text)
            if aware and value.tzinfo is None:
                return value.replace(tzinfo=UTC)
            if not aware and value.tzinfo is not None:
                return value.astimezone(UTC).replace(tzinfo=None)
            return value

        return to_datetime
    if kind == "date":
        return date.fromisoformat
    if kind == "time":
        return time.fromisoformat
    if kind == "bytes":
        return base64.b64decode
    if kind == "interval":
        return lambda n: timedelta(microseconds=n)
    if kind == "uuid":
        return uuid.UUID
    raise BackupError(f"the archive has values of an unknown kind {kind!r}")


def _dumps(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# ------------------------------------------------------------------------- database


def _engine_name() -> str:
    return db.engine.dialect.name


@contextlib.contextmanager
def _transaction(*, write: bool):
    """A connection in one transaction: a consistent read snapshot, or the restore's writes.

    PostgreSQL reads in REPEATABLE READ, READ ONLY. The SQLite driver opens transactions only
    before writes, so the connection runs in autocommit mode and the transaction is explicit
    (``BEGIN`` holds a read snapshot, ``BEGIN IMMEDIATE`` the write lock).
    """
    engine = db.engine
    if engine.dialect.name == "sqlite":
        with engine.connect() as raw:
            conn = raw.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
            conn.exec_driver_sql("COMMIT")
        return
    with engine.connect() as raw:
        if write:
            with raw.begin():
                yield raw
            return
        conn = raw.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin() as txn:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn
            txn.rollback()


def _table_columns(inspector, name: str) -> list[tuple[str, object]]:
    """``(column, type)`` of a table as it is in the database, typed by the models when they
    know the table (so UTC instants and JSON read as the application reads them)."""
    model = db.metadata.tables.get(name)
    columns = []
    for info in inspector.get_columns(name):
        col = info["name"]
        type_ = model.c[col].type if model is not None and col in model.c else info["type"]
        columns.append((col, type_))
    return columns


def _tables_in_order(inspector) -> list[str]:
    """Every table of the database (``alembic_version`` excepted), parents before children."""
    names = []
    for name, _fks in inspector.get_sorted_table_and_fkc_names():
        if name is not None and name not in SKIPPED_TABLES:
            names.append(name)
    return names


def _revisions(conn) -> list[str]:
    if not sa.inspect(conn).has_table("alembic_version"):
        raise BackupError("the database has no schema (no alembic_version table): nothing to "
                          "back up")
    return sorted(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))


def _code_heads() -> set[str]:
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


def _tables_with_rows(conn) -> list[str]:
    inspector = sa.inspect(conn)
    full = []
    for name in inspector.get_table_names():
        if name in SKIPPED_TABLES:
            continue
        if conn.execute(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first():
            full.append(name)
    return full


def _plugins() -> dict[str, str]:
    enabled = current_app.extensions.get("gms.enabled_plugins", {})
    return {name: str(getattr(src, "version", "")) for name, src in enabled.items()}


# --------------------------------------------------------------------------- backup


class _HashingReader:
    """Reads a file for tarfile while computing its SHA-256 and size."""

    def __init__(self, fh):
        self.fh = fh
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def _tarinfo(name: str, size: int, mtime: float | None = None) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime if mtime is not None else utcnow().timestamp())
    info.mode = 0o600
    return info


def default_output() -> Path:
    """``instance/backups/gms-YYYYmmdd-HHMMSS.tar.gz`` (UTC)."""
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    return Path(current_app.instance_path) / "backups" / f"gms-{stamp}.tar.gz"


def _dump_table(conn, inspector, name: str, work: Path, tar: tarfile.TarFile) -> dict:
    columns = _table_columns(inspector, name)
    kinds = [(col, _kind(type_)) for col, type_ in columns]
    table = sa.table(name, *[sa.column(col, type_) for col, type_ in columns])
    selected = [sa.cast(table.c[col], sa.Text).label(col) if kind == "json" else table.c[col]
                for col, kind in kinds]
    pk = inspector.get_pk_constraint(name).get("constrained_columns") or []
    query = sa.select(*selected).order_by(*[table.c[col] for col in pk])
    sha = hashlib.sha256()
    rows = 0
    path = work / f"{name}.jsonl"
    with open(path, "wb") as out:
        result = conn.execution_options(yield_per=BATCH).execute(query)
        for row in result:
            record = {}
            json_null = []
            for (col, kind), value in zip(kinds, row, strict=True):
                if kind == "json" and value is not None:
                    value = json.loads(value)
                    if value is None:
                        json_null.append(col)
                    record[col] = value
                else:
                    record[col] = _encode(kind, value)
            if json_null:
                record[JSON_NULL_KEY] = json_null
            try:
                line = _dumps(record)
            except (TypeError, ValueError) as exc:
                raise BackupError(f"table {name}: a value cannot be written ({exc})") from exc
            sha.update(line)
            out.write(line)
            rows += 1
    size = path.stat().st_size
    with open(path, "rb") as fh:
        tar.addfile(_tarinfo(f"data/{name}.jsonl", size), fh)
    path.unlink()
    return {"name": name, "file": f"data/{name}.jsonl", "rows": rows, "size": size,
            "sha256": sha.hexdigest(), "columns": dict(kinds)}


def _upload_files(root: Path, exclude: list[Path]) -> list[tuple[str, Path]]:
    """``(relative posix path, path)`` of every regular file under ``root``, sorted."""
    found = []
    excluded = [p.resolve() for p in exclude]
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in excluded
                         and not (here / d).is_symlink())
        for fname in sorted(files):
            path = here / fname
            if path.is_symlink() or not path.is_file() or path.resolve() in excluded:
                continue
            found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def backup(output: Path | str | None = None) -> Summary:
    """Write an archive of the database and the uploaded files to ``output`` (default
    :func:`default_output`; an existing folder gets the default file name inside it)."""
    started = monotonic()
    output = Path(output) if output else default_output()
    if output.is_dir():
        output = output / default_output().name
    if output.exists():
        raise BackupError(f"{output} exists already; choose another --output")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    created = utcnow()
    summary = Summary(path=output, created_at=created.isoformat().replace("+00:00", "Z"),
                      gms_version=gms.__version__, engine=_engine_name())
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupError(f"{partial} exists: is another backup running? (remove it if "
                          "not)") from exc
    try:
        with os.fdopen(fd, "wb") as raw, \
                tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6,
                             format=tarfile.PAX_FORMAT) as tar, \
                tempfile.TemporaryDirectory(prefix=".gms-backup-", dir=output.parent) as work:
            with _transaction(write=False) as conn:
                revisions = _revisions(conn)
                inspector = sa.inspect(conn)
                tables = [_dump_table(conn, inspector, name, Path(work), tar)
                          for name in _tables_in_order(inspector)]
            files = []
            exclude = [output, partial, Path(work), default_output().parent]
            for rel, path in _upload_files(uploads, exclude):
                try:
                    fh = open(path, "rb")
                except FileNotFoundError:
                    continue  # removed since it was listed (its row is gone too)
                with fh:
                    stat = os.fstat(fh.fileno())
                    reader = _HashingReader(fh)
                    tar.addfile(_tarinfo(f"uploads/{rel}", stat.st_size, stat.st_mtime), reader)
                files.append({"path": rel, "size": reader.size, "sha256": reader.sha.hexdigest()})
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "created_at": summary.created_at, "gms_version": summary.gms_version,
                "engine": summary.engine, "revisions": revisions, "plugins": _plugins(),
                "tables": tables, "files": files,
                "totals": {"tables": len(tables), "rows": sum(t["rows"] for t in tables),
                           "files": len(files), "file_bytes": sum(f["size"] for f in files)},
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            tar.addfile(_tarinfo(MANIFEST, len(data)), _BytesReader(data))
        os.replace(partial, output)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, BackupError | KeyboardInterrupt | SystemExit):
            raise
        if isinstance(exc, OSError | sa.exc.SQLAlchemyError | tarfile.TarError):
            raise BackupError(f"backup failed: {exc}".splitlines()[0]) from exc
        raise
    summary.tables = manifest["totals"]["tables"]
    summary.rows = manifest["totals"]["rows"]
    summary.files = manifest["totals"]["files"]
    summary.file_bytes = manifest["totals"]["file_bytes"]
    summary.archive_bytes = output.stat().st_size
    summary.revisions = revisions
    summary.seconds = monotonic() - started
    return summary


class _BytesReader:
    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n is None or n < 0 else self.pos + n
        chunk = bytes(self.data[self.pos:end])
        self.pos += len(chunk)
        return chunk


# -------------------------------------------------------------------------- restore


def _upload_member(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if (not rel or "\x00" in rel or path.is_absolute()
            or any(part in ("", ".", "..") for part in rel.split("/"))):
        raise BackupError(f"the archive names an unsafe file path: uploads/{rel!r}")
    return path


def _read_verified(tar: tarfile.TarFile, archive: Path) -> tuple[dict, dict]:
    """One pass over the archive: every member's SHA-256 and size, checked against the
    manifest. Returns the manifest and the members by name."""
    seen: dict[str, tuple[str, int]] = {}
    members: dict[str, tarfile.TarInfo] = {}
    manifest_bytes = None
    try:
        for member in tar:
            if member.isdir():
                continue
            name = member.name
            if not member.isfile() or name in members or not (
                    name == MANIFEST or name.startswith(("data/", "uploads/"))):
                raise BackupError(f"{archive}: unexpected entry {name!r}: not a GMS archive")
            members[name] = member
            fh = tar.extractfile(member)
            if name == MANIFEST:
                manifest_bytes = fh.read()
                continue
            sha = hashlib.sha256()
            while chunk := fh.read(CHUNK):
                sha.update(chunk)
            seen[name] = (sha.hexdigest(), member.size)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"{archive}: damaged or not a .tar.gz archive ({exc})") from exc
    if manifest_bytes is None:
        raise BackupError(f"{archive}: no {MANIFEST}: not a GMS archive")
    try:
        manifest = json.loads(manifest_bytes)
        if manifest.get("format") != FORMAT:
            raise ValueError("format")
        version = int(manifest["format_version"])
        tables, files = manifest["tables"], manifest["files"]
        expected = {t["file"]: (t["sha256"], t["size"]) for t in tables}
        for entry in files:
            _upload_member(entry["path"])
            expected["uploads/" + entry["path"]] = (entry["sha256"], entry["size"])
        for table in tables:
            if table["file"] != f"data/{table['name']}.jsonl":
                raise ValueError(table["file"])
    except BackupError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{archive}: {MANIFEST} is not a GMS backup manifest") from exc
    if version > FORMAT_VERSION:
        raise BackupError(f"{archive}: archive format {version} is newer than this GMS reads "
                          f"({FORMAT_VERSION}): upgrade GMS first")
    for name in sorted(set(expected) | set(seen)):
        if name not in seen:
            raise BackupError(f"{archive}: {name} is listed in the manifest but missing")
        if name not in expected:
            raise BackupError(f"{archive}: {name} is not listed in the manifest")
        if seen[name] != tuple(expected[name]):
            raise BackupError(f"{archive}: checksum mismatch for {name}: the archive is "
                              "damaged or was altered")
    return manifest, members


def _check_compatible(manifest: dict) -> None:
    """Refuse an archive made at other migration revisions or with plugins not enabled."""
    from alembic.script import ScriptDirectory

    archived = set(manifest["revisions"])
    missing = sorted(set(manifest.get("plugins", {})) - set(_plugins()))
    if missing:
        raise BackupError(f"the archive has data of plugins not enabled here "
                          f"({', '.join(missing)}): enable them (PLUGINS) first")
    heads = _code_heads()
    if archived == heads:
        return
    config = current_app.extensions["migrate"].migrate.get_config()
    known = {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
    text = (f"the archive is at migration revisions {', '.join(sorted(archived))}, this GMS at "
            f"{', '.join(sorted(heads))}: ")
    extra = sorted(set(_plugins()) - set(manifest.get("plugins", {})))
    if archived <= known and extra:
        raise BackupError(text + f"plugins enabled here were not where the archive was made "
                          f"({', '.join(extra)}): disable them for the restore, then enable "
                          "them and run `gms db upgrade heads`")
    if archived <= known:
        raise BackupError(text + f"the archive is older; restore it with GMS "
                          f"{manifest.get('gms_version', '?')}, run `gms db upgrade heads` "
                          "there and back up again (upgrade the archive first)")
    raise BackupError(text + "the archive is newer or has other plugins' migrations; "
                      "upgrade GMS (or enable the same plugins) first")


def _refuse_non_empty(conn) -> None:
    full = _tables_with_rows(conn)
    if full:
        shown = ", ".join(full[:5]) + (", ..." if len(full) > 5 else "")
        raise BackupError(f"the database is not empty ({shown} have rows): restore only into "
                          "an empty database (a new one: gms restore creates the schema)")


def _migrate() -> None:
    import flask_migrate

    directory = current_app.extensions["migrate"].directory
    try:
        flask_migrate.upgrade(directory=str(directory), revision="heads")
    except SystemExit as exc:  # flask_migrate reports errors by exiting
        raise BackupError("the migrations failed (see the log above)") from exc


def _insert_table(conn, tar: tarfile.TarFile, member: tarfile.TarInfo, entry: dict,
                  target: dict[str, object], archive: Path) -> int:
    name = entry["name"]
    columns = list(entry["columns"].items())
    unknown = [col for col, _ in columns if col not in target]
    if unknown:
        raise BackupError(f"table {name} has no column {', '.join(unknown)} here")
    types = {}
    decoders = {}
    for col, kind in columns:
        type_ = target[col]
        if kind == "json":
            type_ = sa.JSON(none_as_null=True)  # None is SQL NULL; JSON.NULL the JSON null
        types[col] = type_
        decoders[col] = _decoder(kind, target[col])
    statement = sa.table(name, *[sa.column(col, types[col]) for col, _ in columns]).insert()
    expected = {col for col, _ in columns}
    sha = hashlib.sha256()
    rows = 0
    batch = []
    for line in tar.extractfile(member):
        sha.update(line)
        try:
            record = json.loads(line)
            json_null = record.pop(JSON_NULL_KEY, ())
            if set(record) != expected:
                raise ValueError("columns")
            for col, decode in decoders.items():
                if decode is not None and record[col] is not None:
                    record[col] = decode(record[col])
            for col in json_null:
                record[col] = sa.JSON.NULL
        except (ValueError, TypeError, KeyError) as exc:
            raise BackupError(f"{archive}: row {rows + 1} of {name} cannot be read") from exc
        batch.append(record)
        rows += 1
        if len(batch) >= BATCH:
            conn.execute(statement, batch)
            batch = []
    if batch:
        conn.execute(statement, batch)
    if sha.hexdigest() != entry["sha256"] or rows != entry["rows"]:
        raise BackupError(f"{archive}: {member.name} changed while it was restored")
    return rows


def _reset_sequences(conn) -> None:
    """Set each PostgreSQL sequence of a column to the column's largest value."""
    if conn.dialect.name != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY continues after the largest rowid
    owned = conn.execute(sa.text(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' "
        "OR is_identity = 'YES')")).all()
    quote = conn.dialect.identifier_preparer.quote
    for table, column in owned:
        sequence = conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": quote(table), "c": column})
        if sequence:
            conn.execute(sa.text(
                f"SELECT setval(:s, COALESCE(MAX({quote(column)}), 1), MAX({quote(column)}) "
                f"IS NOT NULL) FROM {quote(table)}"), {"s": sequence})


def _write_file(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path, entry: dict,
                written: list[Path]) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    temporary = dest.with_name(dest.name + ".restoring")
    written.append(temporary)
    sha = hashlib.sha256()
    source = tar.extractfile(member)
    with open(temporary, "wb") as out:
        while chunk := source.read(CHUNK):
            sha.update(chunk)
            out.write(chunk)
    if sha.hexdigest() != entry["sha256"]:
        raise BackupError(f"{member.name} changed while it was restored")
    os.utime(temporary, (member.mtime, member.mtime))
    os.replace(temporary, dest)
    written[-1] = dest


def restore(archive: Path | str) -> Summary:
    """Restore an archive into this instance's database (which must hold no rows) and
    upload folder. Nothing is written unless the whole archive verifies."""
    started = monotonic()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"{archive}: damaged or not a .tar.gz archive ({exc})") from exc
    with tar:
        manifest, members = _read_verified(tar, archive)
        _check_compatible(manifest)
        with db.engine.connect() as conn:
            _refuse_non_empty(conn)
        uploads = Path(current_app.config["UPLOAD_FOLDER"])
        present = [f["path"] for f in manifest["files"] if (uploads / f["path"]).exists()]
        if present:
            raise BackupError(f"the upload folder {uploads} already holds {present[0]} (and "
                              f"{len(present) - 1} more files of the archive): restore into an "
                              "empty instance")
        _migrate()
        tables = {t["name"]: t for t in manifest["tables"]}
        written: list[Path] = []
        summary = Summary(path=archive, created_at=manifest.get("created_at", ""),
                          gms_version=manifest.get("gms_version", ""),
                          engine=manifest.get("engine", ""),
                          revisions=list(manifest["revisions"]))
        try:
            with _transaction(write=True) as conn:
                _refuse_non_empty(conn)
                inspector = sa.inspect(conn)
                order = _tables_in_order(inspector)
                absent = sorted(set(tables) - set(order))
                if absent:
                    raise BackupError(f"the archive has tables this database has not: "
                                      f"{', '.join(absent)}")
                for name in order:
                    if name not in tables:
                        continue
                    target = dict(_table_columns(inspector, name))
                    summary.rows += _insert_table(conn, tar, members[tables[name]["file"]],
                                                  tables[name], target, archive)
                    summary.tables += 1
                _reset_sequences(conn)
                for entry in manifest["files"]:
                    dest = uploads.joinpath(*_upload_member(entry["path"]).parts)
                    _write_file(tar, members["uploads/" + entry["path"]], dest, entry, written)
                    summary.files += 1
                    summary.file_bytes += entry["size"]
        except BaseException as exc:
            for path in written:
                path.unlink(missing_ok=True)
            if isinstance(exc, sa.exc.DBAPIError):
                raise BackupError(f"the database refused the restore: {exc.orig}"
                                  .splitlines()[0]) from exc
            if isinstance(exc, tarfile.TarError | EOFError | zlib.error):
                raise BackupError(f"{archive}: damaged ({exc})") from exc
            if isinstance(exc, OSError):
                raise BackupError(f"restore failed: {exc}") from exc
            raise
    summary.archive_bytes = archive.stat().st_size
    summary.seconds = monotonic() - started
    return summary
