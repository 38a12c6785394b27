"""Demo data of this competition: one open call, added through ``gms_demo_data``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from gms.demo import Demo


def load(demo: Demo) -> None:
    """Add the open demo call (once)."""
    today = demo.local_day(demo.now)
    opens = demo.at(today - timedelta(days=3), 9)
    demo.call("citizen_budget_contest", {
        "title": {"ky": "Жарандардын бюджеттик процесске реалдуу катышуусу (демо)",
                  "ru": "Реальное участие граждан в бюджетном процессе (демо)",
                  "en": "Real participation of citizens in the budget process (demo)"},
        "description": {
            "ru": "Для исполнительных органов МСУ, проведших публичные слушания по "
                  "проекту местного бюджета. Призы: 100 000, 80 000 и 70 000 сом.",
            "en": "For executive LSG bodies that held public hearings on their draft "
                  "local budget. Prizes: 100,000, 80,000 and 70,000 KGS."},
        "oblasts": list(demo.oblasts), "opens_at": opens,
        "deadline_at": demo.at(today + timedelta(days=35), 17),
        "budget": Decimal(400000), "max_awards": 3, "max_grant": Decimal(100000)})
