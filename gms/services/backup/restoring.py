"""``gms restore``: the archive verified whole, then the migrations, every row in foreign-key
order in one transaction, the sequences and the files."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import zlib
from pathlib import Path, PurePosixPath
from time import monotonic

import flask_migrate
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app

from gms.extensions import db

from .archive_format import (
    BATCH,
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    JSON_NULL_KEY,
    MANIFEST,
    BackupError,
    Summary,
    decoder,
)
from .database import (
    code_heads,
    enabled_plugins,
    table_columns,
    tables_in_order,
    tables_with_rows,
    transaction,
)


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

    archived = set(manifest["revisions"])
    missing = sorted(set(manifest.get("plugins", {})) - set(enabled_plugins()))
    if missing:
        raise BackupError(f"the archive has data of plugins not enabled here "
                          f"({', '.join(missing)}): enable them (PLUGINS) first")
    heads = code_heads()
    if archived == heads:
        return
    config = current_app.extensions["migrate"].migrate.get_config()
    known = {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
    text = (f"the archive is at migration revisions {', '.join(sorted(archived))}, this GMS at "
            f"{', '.join(sorted(heads))}: ")
    extra = sorted(set(enabled_plugins()) - set(manifest.get("plugins", {})))
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
    full = tables_with_rows(conn)
    if full:
        shown = ", ".join(full[:5]) + (", ..." if len(full) > 5 else "")
        raise BackupError(f"the database is not empty ({shown} have rows): restore only into "
                          "an empty database (a new one: gms restore creates the schema)")


def _migrate() -> None:
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
        decoders[col] = decoder(kind, target[col])
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
            with transaction(write=True) as conn:
                _refuse_non_empty(conn)
                inspector = sa.inspect(conn)
                order = tables_in_order(inspector)
                absent = sorted(set(tables) - set(order))
                if absent:
                    raise BackupError(f"the archive has tables this database has not: "
                                      f"{', '.join(absent)}")
                for name in order:
                    if name not in tables:
                        continue
                    target = dict(table_columns(inspector, name))
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
