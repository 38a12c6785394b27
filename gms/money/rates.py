"""The band of plausible CHF exchange rates (KGS for 1 CHF), from the configuration.

A grant set in CHF is still an award in KGS: its amount in CHF must match the award at a rate
within the band, and every transfer's rate must lie within it. The band is configured as
``CHF_KGS_RATE_MIN`` and ``CHF_KGS_RATE_MAX`` (numbers or numeric strings).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from flask import current_app

from gms.i18n import _, number
from gms.services.common import ServiceError

CENT = Decimal("0.01")


def rate_band() -> tuple[Decimal, Decimal]:
    """``(lowest, highest)`` KGS for 1 CHF that the programme accepts."""
    try:
        low = Decimal(str(current_app.config["CHF_KGS_RATE_MIN"]))
        high = Decimal(str(current_app.config["CHF_KGS_RATE_MAX"]))
    except (KeyError, InvalidOperation) as exc:
        raise ServiceError("CHF_KGS_RATE_MIN and CHF_KGS_RATE_MAX must be numbers", 500) from exc
    if not (low.is_finite() and high.is_finite() and 0 < low <= high):
        raise ServiceError("CHF_KGS_RATE_MIN and CHF_KGS_RATE_MAX must be a band of positive "
                           "numbers", 500)
    return low, high


def band_text() -> str:
    """The band as it is shown in messages, e.g. ``80–130``."""
    low, high = rate_band()
    return f"{number(low)}–{number(high)}"


def check_rate(rate: Decimal) -> Decimal:
    """``rate`` if it lies within the band; a :class:`ServiceError` naming the band if not."""
    low, high = rate_band()
    if not (Decimal(rate).is_finite() and low <= rate <= high):
        raise ServiceError(_("The exchange rate must be between %(band)s KGS for 1 CHF (the "
                             "programme's configured band).", band=band_text()))
    return rate


def chf_range(amount_kgs: Decimal) -> tuple[Decimal, Decimal]:
    """The amounts in CHF that ``amount_kgs`` is worth at a rate within the band (to the
    centime, inside the band)."""
    low, high = rate_band()
    return ((Decimal(amount_kgs) / high).quantize(CENT, ROUND_CEILING),
            (Decimal(amount_kgs) / low).quantize(CENT, ROUND_FLOOR))
