"""Demo data of this competition: one open call, added through ``gms_demo_data``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from gms.demo import Demo


def load(demo: Demo) -> None:
    """Add the open demo call (once)."""
    today = demo.local_day(demo.now)
    opens = demo.at(today - timedelta(days=3), 9)
    demo.call("local_initiative", {
        "title": {"ky": "«Жергиликтүү демилге» сынагы (демо)",
                  "ru": "Конкурс «Местная инициатива» (демо)",
                  "en": "Local initiative contest (demo)"},
        "description": {
            "ru": "Лучшие примеры участия граждан и сотрудничества сообщества с органами "
                  "МСУ. Призовой фонд 300 000 сом.",
            "en": "The best examples of citizens and LSG bodies working together. Prize "
                  "fund 300,000 KGS."},
        "oblasts": list(demo.oblasts), "opens_at": opens,
        "deadline_at": demo.at(today + timedelta(days=28), 17),
        "budget": Decimal(300000), "max_awards": 3, "max_grant": Decimal(100000)})
