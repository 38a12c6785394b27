"""The SOATE reference list of local units (aiyl aimaks and towns)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from gms.extensions import db
from gms.models import Territory

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "kg-soate-2021-local-units.csv"
SOURCE = "SOATE 2021, pre-reform"


def load_reference(path: Path | str | None = None) -> int:
    """Load the reference CSV; codes already present are kept as they are. Returns rows added."""
    known = set(db.session.scalars(select(Territory.soate_code)))
    added = 0
    with open(path or REFERENCE, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["soate_code"] in known:
                continue
            db.session.add(Territory(
                soate_code=row["soate_code"], name_ru=row["name_ru"], kind=row["kind"],
                rayon=row["rayon_or_city"], oblast=row["oblast"], valid_from=date(2021, 1, 1),
                valid_to=None, source=SOURCE))
            added += 1
    db.session.commit()
    return added


def oblasts() -> list[str]:
    """Every oblast in the reference list, sorted."""
    return list(db.session.scalars(select(Territory.oblast).distinct().order_by(Territory.oblast)))


def municipality_choices() -> list[tuple[str, str]]:
    """(code, "Name (rayon)") pairs grouped by oblast order, for a select box."""
    rows = db.session.scalars(select(Territory).order_by(Territory.oblast, Territory.rayon,
                                                         Territory.name_ru))
    return [(t.soate_code, f"{t.display_name} — {t.oblast}") for t in rows]
