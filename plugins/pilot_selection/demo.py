"""Demo data of this competition: one open call, added through ``gms_demo_data``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from gms.demo import Demo


def load(demo: Demo) -> None:
    """Add the open demo call (once)."""
    today = demo.local_day(demo.now)
    opens = demo.at(today - timedelta(days=3), 9)
    demo.call("pilot_selection", {
        "title": {"ky": "Пилоттук муниципалитеттерди тандоо (демо)",
                  "ru": "Отбор пилотных муниципалитетов (демо)",
                  "en": "Selection of pilot municipalities (demo)"},
        "description": {
            "ru": "Айылные аймаки и малые города Ошской области приглашаются стать "
                  "пилотными партнёрами проекта. Денежных грантов нет: меморандум о "
                  "сотрудничестве, консультации и обучение.",
            "en": "Aiyl aimaks and small towns of Osh oblast are invited to become pilot "
                  "partners. No money: a memorandum of cooperation, advice and training."},
        "oblasts": ["Ошская область"], "opens_at": opens,
        "deadline_at": demo.at(today + timedelta(days=21), 17),
        # pilots receive no money
        "budget": Decimal(0), "max_awards": 12})
