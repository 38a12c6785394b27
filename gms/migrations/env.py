"""Alembic environment for GMS (run through Flask-Migrate: ``gms db ...``).

The target metadata is the core's models (``gms.models`` and the domain packages'
``gms.evaluation.models`` and ``gms.money.models``) plus whatever the enabled plugins
added to ``db.metadata`` when ``create_app`` imported them. SQLite gets batch mode
(``render_as_batch``) so that ALTERs become table copies. Column types built on a
``TypeDecorator`` (``UTCDateTime``) are written as their plain SQLAlchemy type, so revision
files never import application code.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

import gms.evaluation.models  # noqa: F401 - every core table is in the metadata
import gms.models  # noqa: F401
import gms.money.models  # noqa: F401

config = context.config
if config.config_file_name and not current_app.testing:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def get_engine():
    return target_db.engine


def get_metadata():
    return target_db.metadata


config.set_main_option(
    "sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%"))


def render_item(type_, obj, autogen_context):
    """Write ``TypeDecorator`` columns as their underlying SQLAlchemy type."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return "sa." + repr(obj.impl_instance)
    return False


def common_args(dialect_name: str) -> dict:
    return {
        "target_metadata": get_metadata(),
        "render_as_batch": dialect_name == "sqlite",
        "render_item": render_item,
        "compare_type": True,
    }


def run_migrations_offline():
    """Emit SQL to stdout instead of running it (``gms db upgrade --sql``)."""
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, literal_binds=True, **common_args(get_engine().dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    # no empty revision when autogenerate finds nothing
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    engine = get_engine()
    with engine.connect() as connection:
        context.configure(connection=connection,
                          **{**common_args(engine.dialect.name), **conf_args})
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
