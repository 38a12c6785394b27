"""Eligibility rules of the tree-planting micro-grants: factories of typed parameters."""

from decimal import Decimal

from gms.answers import to_int
from gms.competition import rule
from gms.formatting import kgs

from .i18n import _


@rule("tree_planting.enough_seedlings")
def enough_seedlings(minimum: int):
    """The application plants at least ``minimum`` seedlings (blocking)."""

    def check(application):
        n = to_int(application.answers.get("seedlings")) or 0
        if n >= minimum:
            return True, _("Number of seedlings: %(n)s.", n=n)
        return False, _("Number of seedlings: %(n)s; at least %(minimum)s are required.",
                        n=n, minimum=minimum)

    return check


@rule("tree_planting.cost_per_seedling", blocking=False)
def cost_per_seedling(limit: Decimal):
    """A warning for staff when the amount asked per seedling is above ``limit`` KGS."""

    def check(application):
        n = to_int(application.answers.get("seedlings"))
        amount = application.requested_amount
        if not n or amount is None:
            return False, _("Give the number of seedlings and the requested amount.")
        cost = (amount / n).quantize(Decimal("0.01"))
        if cost <= limit:
            return True, _("Cost per seedling: %(cost)s.", cost=kgs(cost))
        return False, _("Cost per seedling: %(cost)s, above the call's limit of %(limit)s.",
                        cost=kgs(cost), limit=kgs(limit))

    return check


FACTORIES = (enough_seedlings, cost_per_seedling)
