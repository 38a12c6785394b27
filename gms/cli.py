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
                    territories_group, files_group, letters_group):
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
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1),
              help="Findings to list (all are counted).")
@click.option("--store", is_flag=True,
              help="Keep the result for the audit log page (the nightly check always does).")
@with_appcontext
def audit_verify_command(anchors_path: str | None, limit: int, store: bool) -> None:
    """Check the audit log's keyed hash chain, the anchors' signatures, and that every
    anchored entry is still there unchanged; then the records that matter against the
    digests the log holds (rows changed, added or removed outside the application) and the
    derived totals against their sources. Exit 1 on any fault."""
    from gms.services import tamper_check
    from gms.services.audit import lost_anchor, read_anchors

    report = tamper_check.check()
    failed = False
    if report.broken_entry is not None:
        click.echo(f"audit log broken at entry {report.broken_entry}: it, or the link to the "
                   "entry before it, was changed or chained without AUDIT_HMAC_KEY", err=True)
        failed = True
    anchors = []
    try:
        anchors = read_anchors(anchors_path)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        failed = True
    lost = lost_anchor(anchors)
    if lost is not None:
        click.echo(f"audit log lost entry {lost.id}, anchored at {lost.at}: it was removed "
                   "or changed, and the chain rebuilt", err=True)
        failed = True
    for finding in report.findings[:limit]:
        click.echo(str(finding), err=True)
    if report.finding_count > limit:
        click.echo(f"... and {report.finding_count - limit} more finding(s)", err=True)
    if store:
        tamper_check.store(report)
    not_covered = sum(report.not_covered.values())
    covered = (f"{report.rows_checked:,} record row(s) checked in {report.seconds:.1f} s, "
               f"{report.finding_count} finding(s)")
    if not_covered:
        covered += (f", {not_covered:,} not covered (written before digests were recorded: "
                    + ", ".join(f"{t} {n:,}" for t, n in sorted(report.not_covered.items()))
                    + "; see gms audit baseline)")
    click.echo(covered, err=failed or bool(report.finding_count))
    if failed or report.finding_count:
        raise SystemExit(1)
    click.echo(f"audit log intact ({len(anchors)} anchor(s) checked)")


@audit_group.command("baseline")
@click.option("--force", is_flag=True,
              help="Record the baseline even though the check has findings.")
@click.option("--all", "every_row", is_flag=True,
              help="Record every row again (after a migration that filled a new column).")
@with_appcontext
def audit_baseline_command(force: bool, every_row: bool) -> None:
    """Record the digests of the records written before digests existed (once, after the
    upgrade, when the data are known to be right): from then on a row without a digest is
    reported as added outside the application, not as "not covered"."""
    from gms.services import tamper_check

    report = tamper_check.check()
    if not report.ok and not force:
        for line in tamper_check.summary_lines(report):
            click.echo(line, err=True)
        click.echo("the check has findings: look into them first (or --force)", err=True)
        raise SystemExit(1)
    done = tamper_check.baseline(click.echo, every_row=every_row)
    click.echo(f"baseline: {done:,} row(s) recorded")


@audit_group.command("anchor")
@with_appcontext
def audit_anchor_command() -> None:
    """Write the newest entry's id and hash, signed, to the anchor file (and e-mail them
    when AUDIT_ANCHOR_EMAIL is set); GMS does it when a worker starts, after each
    publication and every AUDIT_ANCHOR_EVERY_SECONDS."""
    from gms.services.audit import anchor
    from gms.timeutil import utcnow

    mark = anchor(utcnow())
    click.echo(f"anchored entry {mark.id}" if mark else "nothing new to anchor")


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
    from gms.services.uploads import sweep

    removed = sweep(dry_run=dry_run, grace_seconds=older_than * 60)
    for path in removed:
        click.echo(str(path))
    verb = "would be removed" if dry_run else "removed"
    click.echo(f"{len(removed)} file(s) {verb}")


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
@click.option("--programme", is_flag=True,
              help="Drop the account's organisation: programme staff, finance or commission.")
@with_appcontext
def users_set_role_command(email: str, role: str, organisation_id: int | None,
                           programme: bool) -> None:
    """Give the account EMAIL the role ROLE."""
    from gms.services import accounts
    from gms.services.common import ServiceError

    user = _user(email)
    try:
        accounts.set_role(user, role, by=_operator(), organisation_id=organisation_id,
                          programme=programme)
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
    """Remove the authenticator and recovery codes of EMAIL and end all their log-ins; a
    one-time link to set up a new one is e-mailed to the account's address. Check the
    person's identity first."""
    from gms.services import two_factor

    user = _user(email)
    two_factor.disable(user, actor=None, reason=f"{reason} ({_operator()})")
    two_factor.issue_link(user, operator=_operator(), max_age=_LINK_HOURS_DEFAULT * 3600)
    click.echo(f"two-factor log-in of {user.email} reset and its log-ins ended; a set-up "
               f"link valid {_LINK_HOURS_DEFAULT} hours was e-mailed to {user.email}")


_LINK_HOURS_DEFAULT = 72


@users_group.command("two-factor-link")
@click.argument("email")
@click.option("--hours", type=click.IntRange(1, 168), default=_LINK_HOURS_DEFAULT,
              show_default=True, help="How long the link works (it works once).")
@click.option("--show", is_flag=True,
              help="Also print the link, to hand it over in person (check the identity).")
@with_appcontext
def users_two_factor_link_command(email: str, hours: int, show: bool) -> None:
    """E-mail EMAIL a one-time link to set up two-factor log-in (someone whose role requires
    it and who has none yet). The password alone never allows that set-up."""
    from gms.services import two_factor
    from gms.services.common import ServiceError

    user = _user(email)
    try:
        link = two_factor.issue_link(user, operator=_operator(), max_age=hours * 3600)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from exc
    click.echo(f"a set-up link valid {hours} hours was e-mailed to {user.email}")
    if show:
        click.echo(link)


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


@click.group("letters")
def letters_group() -> None:
    """Result letters written after a publication."""


@letters_group.command("status")
@with_appcontext
def letters_status_command() -> None:
    """Show, per published call, how many result letters are written and pending."""
    from sqlalchemy import select

    from gms.extensions import db
    from gms.models import Competition, LetterJob
    from gms.services.letters import progress

    calls = db.session.scalars(select(Competition).where(Competition.id.in_(
        select(LetterJob.competition_id))).order_by(Competition.id)).all()
    for call in calls:
        p = progress(call)
        click.echo(f"call {call.id}: {p.written} written, {p.pending} pending"
                   + (f" ({p.failing} failed, tried again)" if p.failing else ""))
    if not calls:
        click.echo("no result letters")


@letters_group.command("resume")
@click.option("--call", "call_id", type=int,
              help="Only this call's letters; also gives every applicant of the call "
                   "without a letter job one.")
@with_appcontext
def letters_resume_command(call_id: int | None) -> None:
    """Write the result letters left pending, here and now (safe to run any number of times:
    a letter already written is not written or e-mailed again)."""
    from gms.extensions import db
    from gms.models import Competition
    from gms.models import calls as C
    from gms.services.letters import resume

    if call_id is not None:
        call = db.session.get(Competition, call_id)
        if call is None or call.status != C.PUBLISHED:
            raise click.UsageError(f"call {call_id} is not a published call")
    written = resume(call_id)
    click.echo(f"{written} letters written")


@users_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", required=True,
              type=click.Choice(["staff", "finance", "commission", "admin"]))
@click.option("--agency", type=click.Choice(["government_office", "ministry_of_finance",
                                             "state_agency", "lsg_union", "programme"]),
              help="The body the person comes from (commission members, staff).")
@click.option("--password-prompt", is_flag=True,
              help="Type the password here (the first administrator of a new instance) "
                   "instead of e-mailing an invitation.")
@with_appcontext
def users_create_command(email: str, name: str, role: str, agency: str | None,
                         password_prompt: bool) -> None:
    """Create a programme account EMAIL (no organisation), audited."""
    from gms.services import staff_accounts
    from gms.services.common import ServiceError

    password = None
    if password_prompt:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < 10:
            raise click.ClickException("the password needs at least 10 characters")
    try:
        user = staff_accounts.create(email=email, name=name, role=role, agency=agency,
                                     by=None, password=password)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from exc
    how = "password set" if password else "invitation e-mailed"
    click.echo(f"{user.email} created as {role} ({how})")
