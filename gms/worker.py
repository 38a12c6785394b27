"""Celery entry point: ``celery -A gms.worker worker`` (and ``beat``)."""

from gms.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
