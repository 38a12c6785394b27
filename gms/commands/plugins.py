"""``gms plugins``: the plugins found and enabled, with their competition types."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from gms.hooks.manager import discover


@click.command("plugins")
@with_appcontext
def plugins_command() -> None:
    """List discovered and enabled plugins with their competition types."""
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
