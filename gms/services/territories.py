"""The SOATE reference list of local units (aiyl aimaks and towns)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from gms.extensions import db
from gms.models import Territory

DATA = Path(__file__).resolve().parent.parent / "data"
REFERENCE = DATA / "kg-soate-2021-local-units.csv"
#: Kyrgyz and English names of the same units (joined on the SOATE code)
NAMES = DATA / "kg-soate-2021-names-ky.csv"
SOURCE = "SOATE 2021, pre-reform"


@dataclass(frozen=True)
class LoadResult:
    """What one load of the register changed."""

    added: int
    updated: int
    unchanged: int


def _read(path: Path | str) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {row["soate_code"].strip(): row for row in csv.DictReader(fh)}


def sync_reference(units: Path | str | None = None,
                   names: Path | str | None = None) -> LoadResult:
    """Load the municipality register, or bring it up to date: codes not yet known are
    added, known ones take the register's current names (Russian, Kyrgyz, English), rayon and
    oblast. Idempotent: a second run changes nothing. Commits."""
    unit_rows = _read(units or REFERENCE)
    name_rows = _read(names or NAMES) if (names or NAMES.exists()) else {}
    known = {t.soate_code: t for t in db.session.scalars(select(Territory))}
    added = updated = 0
    for code, row in unit_rows.items():
        extra = name_rows.get(code, {})
        values = {"name_ru": row["name_ru"], "kind": row["kind"], "rayon": row["rayon_or_city"],
                  "oblast": row["oblast"], "name_ky": extra.get("name_ky") or None,
                  "name_en": extra.get("name_en") or None,
                  "rayon_ky": extra.get("rayon_ky") or None,
                  "oblast_ky": extra.get("oblast_ky") or None}
        territory = known.get(code)
        if territory is None:
            db.session.add(Territory(soate_code=code, valid_from=date(2021, 1, 1), valid_to=None,
                                     source=SOURCE, **values))
            added += 1
        elif any(getattr(territory, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(territory, key, value)
            updated += 1
    db.session.commit()
    return LoadResult(added, updated, len(unit_rows) - added - updated)


def load_reference(path: Path | str | None = None) -> int:
    """Load (or update) the register; returns the number of units added."""
    return sync_reference(path).added


def oblasts() -> list[str]:
    """Every oblast in the reference list, sorted."""
    return list(db.session.scalars(select(Territory.oblast).distinct().order_by(Territory.oblast)))


#: Kyrgyz Cyrillic → plain Latin, as the register's English names are written (ң → n,
#: ө → o, ү → u), for the district and oblast, which the register gives in ky and ru only
_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya"})
_TYPE_WORDS_EN = {"району": "district", "шаары": "city", "облусу": "oblast"}


def latin(kyrgyz: str) -> str:
    """A Kyrgyz district, city or oblast name in plain Latin with an English type word
    (``Кемин району`` → ``Kemin district``)."""
    words = []
    for word in kyrgyz.split():
        if word in _TYPE_WORDS_EN:
            words.append(_TYPE_WORDS_EN[word])
        else:
            plain = word.lower().translate(_LATIN)
            words.append("-".join(part[:1].upper() + part[1:] for part in plain.split("-")))
    return " ".join(words)


def local_label(territory: Territory, lang: str) -> str:
    """The unit's name with its district and oblast, in the reader's language (``ky``,
    ``ru`` or ``en``); Russian where the register has no other."""
    if lang == "ky" and territory.name_ky:
        return f"{territory.name_ky} ({territory.rayon_ky}) — {territory.oblast_ky}"
    if lang == "en" and territory.name_en and territory.rayon_ky:
        return (f"{territory.name_en} ({latin(territory.rayon_ky)}) — "
                f"{latin(territory.oblast_ky or '')}")
    return f"{territory.display_name} — {territory.oblast}"


def municipality_choices(lang: str = "ru") -> list[tuple[str, str]]:
    """(code, "Name (rayon) — oblast") pairs in the reader's language, by oblast and rayon,
    for a select box."""
    rows = db.session.scalars(select(Territory).order_by(Territory.oblast, Territory.rayon,
                                                         Territory.name_ru))
    return [(t.soate_code, local_label(t, lang)) for t in rows]
