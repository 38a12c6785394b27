"""The call's report: seedlings and the amount asked per seedling, application by
application."""

from decimal import Decimal

from gms.answers import to_int
from gms.competition import ReportDefinition

from .i18n import _, _l


def seedlings_and_costs(competition, applications):
    """``(header, rows)``: one row per application."""
    header = [_("Application"), _("Number of seedlings"), _("Cost per seedling, KGS")]
    rows = []
    for application in applications:
        n = to_int(application.answers.get("seedlings"))
        amount = application.requested_amount
        cost = (amount / n).quantize(Decimal("0.01")) if n and amount is not None else None
        rows.append([application.answers.get("title") or "", n, cost])
    return header, rows


SEEDLINGS = ReportDefinition("tree_planting.seedlings", _l("Seedlings and costs"),
                             seedlings_and_costs)
