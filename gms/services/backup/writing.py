"""``gms backup``: every table in one read snapshot and every uploaded file, streamed into one
archive with its manifest."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from pathlib import Path
from time import monotonic

import sqlalchemy as sa
from flask import current_app

import gms
from gms.timeutil import utcnow

from .archive_format import (
    BATCH,
    FORMAT,
    FORMAT_VERSION,
    JSON_NULL_KEY,
    MANIFEST,
    BackupError,
    BytesReader,
    Summary,
    dumps,
    encode,
    kind_of,
    tarinfo,
)
from .database import (
    enabled_plugins,
    engine_name,
    migration_revisions,
    table_columns,
    tables_in_order,
    transaction,
)


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


def default_output() -> Path:
    """``instance/backups/gms-YYYYmmdd-HHMMSS.tar.gz`` (UTC)."""
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    return Path(current_app.instance_path) / "backups" / f"gms-{stamp}.tar.gz"


def dump_table(conn, inspector, name: str, work: Path, tar: tarfile.TarFile) -> dict:
    columns = table_columns(inspector, name)
    kinds = [(col, kind_of(type_)) for col, type_ in columns]
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
                    record[col] = encode(kind, value)
            if json_null:
                record[JSON_NULL_KEY] = json_null
            try:
                line = dumps(record)
            except (TypeError, ValueError) as exc:
                raise BackupError(f"table {name}: a value cannot be written ({exc})") from exc
            sha.update(line)
            out.write(line)
            rows += 1
    size = path.stat().st_size
    with open(path, "rb") as fh:
        tar.addfile(tarinfo(f"data/{name}.jsonl", size), fh)
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
                      gms_version=gms.__version__, engine=engine_name())
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
            with transaction(write=False) as conn:
                revisions = migration_revisions(conn)
                inspector = sa.inspect(conn)
                tables = [dump_table(conn, inspector, name, Path(work), tar)
                          for name in tables_in_order(inspector)]
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
                    tar.addfile(tarinfo(f"uploads/{rel}", stat.st_size, stat.st_mtime), reader)
                files.append({"path": rel, "size": reader.size, "sha256": reader.sha.hexdigest()})
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "created_at": summary.created_at, "gms_version": summary.gms_version,
                "engine": summary.engine, "revisions": revisions,
                "plugins": enabled_plugins(),
                "tables": tables, "files": files,
                "totals": {"tables": len(tables), "rows": sum(t["rows"] for t in tables),
                           "files": len(files), "file_bytes": sum(f["size"] for f in files)},
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            tar.addfile(tarinfo(MANIFEST, len(data)), BytesReader(data))
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
