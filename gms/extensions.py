"""Unbound Flask extensions, bound to an app in :func:`gms.app.create_app`."""

import os
from pathlib import Path

from flask import current_app
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()


@migrate.configure
def _plugin_migrations(config):
    """Alembic looks for revisions in the core's folder and in each enabled plugin's
    ``migrations/versions`` (a plugin's first revision carries ``branch_labels=("<name>",)``
    and ``depends_on`` a core revision; deploy with ``gms db upgrade heads``)."""
    core = Path(__file__).parent / "migrations" / "versions"
    folders = [str(core), *map(str, current_app.extensions["gms.migration_folders"])]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(folders))
    return config
