"""The GMS commands of ``app.cli``, one module per subject: :mod:`.plugins` (``plugins``),
:mod:`.demo` (``demo``), :mod:`.calls` (``close-due-calls``, ``letters``), :mod:`.audit`
(``audit``), :mod:`.storage` (``backup``, ``restore``, ``files``), :mod:`.reference_data`
(``export``, ``territories``), :mod:`.users` (``users``). The ``gms`` executable is
:mod:`gms.cli`."""

from __future__ import annotations

from flask import Flask

from .audit import audit_group
from .calls import close_due_calls_command, letters_group
from .demo import demo_command
from .plugins import plugins_command
from .reference_data import export_group, territories_group
from .storage import backup_command, files_group, restore_command
from .users import users_group

COMMANDS = (plugins_command, demo_command, close_due_calls_command, audit_group, export_group,
            backup_command, restore_command, users_group, territories_group, files_group,
            letters_group)


def init_app(app: Flask) -> None:
    """Add the GMS commands to ``app.cli`` (so ``gms`` and the test runner both see them)."""
    for command in COMMANDS:
        app.cli.add_command(command)
