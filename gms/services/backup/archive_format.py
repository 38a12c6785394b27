"""The archive's format: its constants, the values of each column type as they are written
and read back, and the members' headers."""

from __future__ import annotations

import base64
import json
import tarfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

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




def kind_of(type_) -> str:
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


def encode(kind: str, value):
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


def decoder(kind: str, type_):
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


def dumps(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def tarinfo(name: str, size: int, mtime: float | None = None) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime if mtime is not None else utcnow().timestamp())
    info.mode = 0o600
    return info


class BytesReader:
    """A file-like reader of bytes in memory (for tarfile)."""

    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n is None or n < 0 else self.pos + n
        chunk = bytes(self.data[self.pos:end])
        self.pos += len(chunk)
        return chunk
