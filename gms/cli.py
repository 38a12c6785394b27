"""The ``gms`` command: Flask's CLI for this app plus GMS commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext


def create_app():
    from gms.app import create_app as factory

    return factory()


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """GMS: grant and competition management."""


def init_app(app) -> None:
    """Add the GMS commands to ``app.cli`` (so ``gms`` and the test runner both see them)."""
    for command in (plugins_command, demo_command, close_due_calls_command, audit_group,
                    export_group, backup_command, restore_command, users_group,
                    territories_group):
        app.cli.add_command(command)


@click.command("plugins")
@with_appcontext
def plugins_command() -> None:
    """List discovered and enabled plugins with their competition types."""
    from gms.hooks.manager import discover

    enabled = current_app.extensions["gms.enabled_plugins"]
    registry = current_app.extensions["gms.registry"]
    found = discover(current_app.config.get("PLUGIN_PATHS"))
    for name in sorted(set(found) | set(enabled)):
        src = enabled.get(name) or found[name]
        state = "enabled" if name in enabled else "disabled"
        click.echo(f"{name} {src.version} ({src.origin}, {state})")
        for ctype in registry:
            if registry.plugin_of[ctype.key] == name:
                click.echo(f"    {ctype.key} v{ctype.version}: {ctype.label}")


@click.command("demo")
@click.option("--load-only", is_flag=True, help="Load the demo data and exit.")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--two-factor", is_flag=True,
              help="Require two-factor log-in as production does (TWO_FACTOR_ROLES).")
@with_appcontext
def demo_command(load_only: bool, host: str, port: int, two_factor: bool) -> None:
    """Create (once) a ready-to-explore instance, print the log-ins, and serve it."""
    from gms import defaults, demo

    demo.ensure_schema()
    logins = demo.load()
    click.echo(f"Demo log-ins (password for all: {demo.PASSWORD}):")
    for role, email in logins:
        click.echo(f"  {role:<12} {email}")
    if not two_factor:
        # anyone may try the demo's roles without an authenticator app at hand
        current_app.config["TWO_FACTOR_ROLES"] = []
        click.echo("Two-factor log-in is off in this demo (--two-factor turns it on); "
                   "production requires it for " + ", ".join(defaults.TWO_FACTOR_ROLES) + ".")
    if not load_only:
        click.echo(f"Serving on http://{host}:{port}/")
        # app.run() refuses to start inside a Flask CLI command: serve with Werkzeug directly
        from werkzeug.serving import run_simple

        run_simple(host, port, current_app._get_current_object(), use_reloader=False,
                   threaded=True)


@click.command("close-due-calls")
@with_appcontext
def close_due_calls_command() -> None:
    """Close calls past their deadline now (the scheduler does this every minute)."""
    from gms.services.calls import close_due_calls
    from gms.timeutil import utcnow

    click.echo(f"closed {close_due_calls(utcnow())} call(s)")


@click.group("audit")
def audit_group() -> None:
    """The hash-chained audit log."""


@audit_group.command("verify")
@click.option("--anchors", "anchors_path", type=click.Path(dir_okay=False),
              help="Anchors to check the log against (default: AUDIT_ANCHOR_FILE).")
@with_appcontext
def audit_verify_command(anchors_path: str | None) -> None:
    """Check the audit log's hash chain, and that every anchored entry is still there
    unchanged; exit 1 at the first fault."""
    from gms.services.audit import lost_anchor, read_anchors, verify

    broken = verify()
    if broken is not None:
        click.echo(f"audit log broken at entry {broken}", err=True)
        raise SystemExit(1)
    try:
        anchors = read_anchors(anchors_path)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    lost = lost_anchor(anchors)
    if lost is not None:
        click.echo(f"audit log lost entry {lost.id}, anchored at {lost.at}: it was removed "
                   "or changed, and the chain rebuilt", err=True)
        raise SystemExit(1)
    click.echo(f"audit log intact ({len(anchors)} anchor(s) checked)")


@audit_group.command("anchor")
@with_appcontext
def audit_anchor_command() -> None:
    """Write the newest entry's id and hash to the anchor file (and e-mail them when
    AUDIT_ANCHOR_EMAIL is set); the worker does it every AUDIT_ANCHOR_EVERY_SECONDS."""
    from gms.services.audit import anchor
    from gms.timeutil import utcnow

    mark = anchor(utcnow())
    click.echo(f"anchored entry {mark.id}" if mark else "nothing new to anchor")


@click.group("export")
def export_group() -> None:
    """Open data exports."""


@export_group.command("360giving")
@with_appcontext
def export_360giving_command() -> None:
    """Write the 360Giving JSON package of every published award (with its transfers) to
    standard output."""
    import json

    from gms.services.opendata import package

    click.echo(json.dumps(package(), ensure_ascii=False, indent=1))


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
    from gms.services import backup

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
    from gms.services import backup

    try:
        summary = backup.restore(archive)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {summary.tables} tables, {summary.rows} rows and {summary.files} "
               f"files ({_size(summary.file_bytes)}) from {summary.path}")
    click.echo(f"archive made {summary.created_at} by GMS {summary.gms_version} on "
               f"{summary.engine}, at revisions {', '.join(summary.revisions)}; "
               f"{summary.seconds:.1f} s")


@click.group("users")
def users_group() -> None:
    """People's roles and access (each change is written to the audit log)."""


def _user(email: str):
    from gms.services.accounts import find_user

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account with the e-mail {email}")
    return user


def _operator() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


@users_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["applicant", "commission", "staff", "finance",
                                           "admin"]))
@click.option("--organisation-id", type=int, help="The organisation (for applicants).")
@with_appcontext
def users_set_role_command(email: str, role: str, organisation_id: int | None) -> None:
    """Give the account EMAIL the role ROLE."""
    from gms.services import accounts
    from gms.services.common import ServiceError

    user = _user(email)
    try:
        accounts.set_role(user, role, by=_operator(), organisation_id=organisation_id)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from exc
    click.echo(f"{user.email} is now {role}")


@users_group.command("block")
@click.argument("email")
@click.option("--unblock", is_flag=True, help="Allow log-in again.")
@with_appcontext
def users_block_command(email: str, unblock: bool) -> None:
    """Stop (or, with --unblock, allow again) log-in for the account EMAIL."""
    from gms.services import accounts

    user = _user(email)
    accounts.set_active(user, unblock, by=_operator())
    click.echo(f"{user.email} {'may log in again' if unblock else 'is blocked'}")


@users_group.command("reset-two-factor")
@click.argument("email")
@click.option("--reason", required=True, help="Why (e.g. the phone and the codes were lost).")
@with_appcontext
def users_reset_two_factor_command(email: str, reason: str) -> None:
    """Remove the authenticator and recovery codes of EMAIL; at the next log-in they set up a
    new one. Check the person's identity first."""
    from gms.services import two_factor

    user = _user(email)
    two_factor.disable(user, actor=None, reason=f"{reason} ({_operator()})")
    click.echo(f"two-factor log-in of {user.email} reset; a new set-up follows the next log-in")


@click.group("territories")
def territories_group() -> None:
    """The municipality register (SOATE)."""


@territories_group.command("load")
@click.option("--units", type=click.Path(exists=True, dir_okay=False),
              help="Register CSV (soate_code, name_ru, kind, rayon_or_city, oblast); "
                   "default: the SOATE 2021 list shipped with GMS.")
@click.option("--names", type=click.Path(exists=True, dir_okay=False),
              help="Kyrgyz and English names CSV (soate_code, name_ky, name_en, rayon_ky, "
                   "oblast_ky); default: the one shipped with GMS.")
@with_appcontext
def territories_load_command(units: str | None, names: str | None) -> None:
    """Load the municipality register, or bring it up to date (safe to run again)."""
    from gms.services.territories import sync_reference

    result = sync_reference(units, names)
    click.echo(f"territories: {result.added} added, {result.updated} updated, "
               f"{result.unchanged} unchanged")
