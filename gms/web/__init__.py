"""Web layer: thin blueprints that parse requests and call services."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import access, applicant, auth, finance, public, review, staff

    access.init_app(app)
    for bp in (public.bp, auth.bp, applicant.bp, review.bp, staff.bp, finance.bp):
        app.register_blueprint(bp)
