"""Web layer: thin blueprints that parse requests and call services. The domain packages'
blueprints (``review`` in :mod:`gms.evaluation.views`, ``finance`` in :mod:`gms.money.views`)
use its access checks and are registered beside it by the app factory."""

from __future__ import annotations

from flask import Flask

from . import (  # noqa: F401  (staff_* hold routes of the staff blueprint)
    access,
    admin,
    applicant,
    auth,
    membership,
    public,
    staff,
    staff_applications,
    staff_calls,
    staff_commission,
    staff_documents,
    staff_results,
)


def init_app(app: Flask) -> None:
    """Access checks and error pages, then the web layer's blueprints."""
    access.init_app(app)
    for bp in (public.bp, auth.bp, applicant.bp, staff.bp, admin.bp, membership.bp):
        app.register_blueprint(bp)
