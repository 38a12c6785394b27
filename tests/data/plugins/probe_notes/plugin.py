"""Hook implementations of the probe plugin: a blueprint that counts the plugin's rows."""

from flask import Blueprint
from sqlalchemy import text

from gms.extensions import db
from gms.hooks import hookimpl

bp = Blueprint("probe_notes", __name__)


@bp.get("/count")
def count() -> str:
    return str(db.session.scalar(text("SELECT count(*) FROM probe_notes_items")))


@hookimpl
def gms_register_blueprints():
    return [bp]
