"""Commands about what is stored: ``gms backup``, ``gms restore`` and ``gms files sweep``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from gms.services import backup
from gms.services.uploads import sweep


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@click.command("backup")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Archive to write (default instance/backups/gms-YYYYmmdd-HHMMSS.tar.gz, UTC; "
                   "a folder gets that name inside it).")
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Write one archive of the database and the uploaded files (see docs/backup.md)."""
    try:
        summary = backup.backup(output)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(str(summary.path))
    click.echo(f"{summary.tables} tables, {summary.rows} rows, {summary.files} files "
               f"({_size(summary.file_bytes)}); archive {_size(summary.archive_bytes)}, "
               f"{summary.seconds:.1f} s")


@click.command("restore")
@click.argument("archive", type=click.Path(path_type=Path))
@with_appcontext
def restore_command(archive: Path) -> None:
    """Restore an archive of `gms backup` into this instance, whose database must be empty
    (the schema is created by the migrations first)."""
    try:
        summary = backup.restore(archive)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {summary.tables} tables, {summary.rows} rows and {summary.files} "
               f"files ({_size(summary.file_bytes)}) from {summary.path}")
    click.echo(f"archive made {summary.created_at} by GMS {summary.gms_version} on "
               f"{summary.engine}, at revisions {', '.join(summary.revisions)}; "
               f"{summary.seconds:.1f} s")


@click.group("files")
def files_group() -> None:
    """Stored files (applicants' documents, letters, grant documents)."""


@files_group.command("sweep")
@click.option("--older-than", "older_than", type=click.IntRange(min=0), default=60,
              show_default=True, help="Minutes a file must have existed without a row.")
@click.option("--dry-run", is_flag=True, help="List the files, remove nothing.")
@with_appcontext
def files_sweep_command(older_than: int, dry_run: bool) -> None:
    """Remove stored files no database row refers to (left by a crash between writing a
    file and committing its row). Do not run it while a restore is under way."""
    removed = sweep(dry_run=dry_run, grace_seconds=older_than * 60)
    for path in removed:
        click.echo(str(path))
    verb = "would be removed" if dry_run else "removed"
    click.echo(f"{len(removed)} file(s) {verb}")
