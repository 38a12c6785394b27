"""The ``gms`` executable: Flask's CLI (``run``, ``shell``, ``db``) for the app that
:func:`gms.app.create_app` builds from the environment, with the commands of
:mod:`gms.commands` and of the enabled plugins."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from gms.app import create_app


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """GMS: grant and competition management."""
