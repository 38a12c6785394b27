"""The finance blueprint with all its routes: :mod:`.grant_views`, :mod:`.ledger_views`,
:mod:`.report_views` and :mod:`.transfer_views` add them to :data:`.blueprint.bp`."""

from __future__ import annotations

from . import grant_views, ledger_views, report_views, transfer_views  # noqa: F401 (routes)
from .blueprint import bp

__all__ = ["bp"]
