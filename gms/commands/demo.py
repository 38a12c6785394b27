"""``gms demo``: a ready-to-explore instance with demo data, served."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from gms import defaults, demo


@click.command("demo")
@click.option("--load-only", is_flag=True, help="Load the demo data and exit.")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--two-factor", is_flag=True,
              help="Require two-factor log-in as production does (TWO_FACTOR_ROLES).")
@with_appcontext
def demo_command(load_only: bool, host: str, port: int, two_factor: bool) -> None:
    """Create (once) a ready-to-explore instance, print the log-ins, and serve it."""
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
        run_simple(host, port, current_app._get_current_object(), use_reloader=False,
                   threaded=True)
