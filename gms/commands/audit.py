"""``gms audit``: the hash-chained audit log verified, baselined and anchored."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from gms.services import tamper_check
from gms.services.audit import anchor, lost_anchor, read_anchors
from gms.timeutil import utcnow


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
    mark = anchor(utcnow())
    click.echo(f"anchored entry {mark.id}" if mark else "nothing new to anchor")
