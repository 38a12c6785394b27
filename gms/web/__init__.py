"""Web layer: thin blueprints that parse requests and call services."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import access, admin, applicant, auth, finance, public, review, staff

    access.init_app(app)
    for bp in (public.bp, auth.bp, applicant.bp, review.bp, staff.bp, finance.bp, admin.bp):
        app.register_blueprint(bp)
    from .membership import bp as membership_bp  # e-mail confirmation, joining requests

    app.register_blueprint(membership_bp)
