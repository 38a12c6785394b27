"""Open data in and out: ``gms export 360giving`` and ``gms territories load``."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from gms.services.opendata import package
from gms.services.territories import sync_reference


@click.group("export")
def export_group() -> None:
    """Open data exports."""


@export_group.command("360giving")
@with_appcontext
def export_360giving_command() -> None:
    """Write the 360Giving JSON package of every published award (with its transfers) to
    standard output."""


    click.echo(json.dumps(package(), ensure_ascii=False, indent=1))


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
    result = sync_reference(units, names)
    click.echo(f"territories: {result.added} added, {result.updated} updated, "
               f"{result.unchanged} unchanged")
