"""``gms territories load``: the municipality register on any instance, in three languages."""

from __future__ import annotations

import csv

from sqlalchemy import func, select

from gms.cli import main
from gms.extensions import db
from gms.models import Territory
from gms.services.territories import NAMES, REFERENCE

CODE = "41702205805000"  # Ак-Булунский айылный аймак, the register's first row


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Territory))


def test_load_on_an_empty_instance_then_again_changes_nothing(app, runner):
    assert _count(app) == 0
    first = runner.invoke(main, ["territories", "load"])
    assert first.exit_code == 0, first.output
    with open(REFERENCE, encoding="utf-8") as fh:
        rows = sum(1 for _ in csv.DictReader(fh))
    assert f"{rows} added, 0 updated" in first.output and _count(app) == rows == 516
    with app.app_context():
        unit = db.session.get(Territory, CODE)
        assert unit.name_ru == "Ак-Булунский айылный аймак"
        assert unit.name_ky == "Ак-Булуң айыл аймагы"
        assert unit.name_en == "Ak-Bulun aiyl aimak"
        assert (unit.rayon_ky, unit.oblast_ky) == ("Ак-Суу району", "Ысык-Көл облусу")
        assert db.session.scalar(select(func.count()).where(Territory.name_ky.is_(None))) == 0
    again = runner.invoke(main, ["territories", "load"])
    assert again.exit_code == 0 and f"0 added, 0 updated, {rows} unchanged" in again.output


def test_load_updates_a_renamed_unit(app, runner, tmp_path):
    assert runner.invoke(main, ["territories", "load"]).exit_code == 0
    names = tmp_path / "names.csv"
    text = NAMES.read_text(encoding="utf-8").replace("Ак-Булуң айыл аймагы", "Ак-Булуң А.А.", 1)
    names.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["territories", "load", "--names", str(names)])
    assert result.exit_code == 0 and "0 added, 1 updated" in result.output, result.output
    with app.app_context():
        assert db.session.get(Territory, CODE).name_ky == "Ак-Булуң А.А."


def test_registration_offers_the_loaded_municipalities(app, runner, client):
    assert runner.invoke(main, ["territories", "load"]).exit_code == 0
    page = client.get("/register").get_data(as_text=True)
    assert CODE in page and "Ак-Булунский" in page


def test_the_municipality_list_is_in_the_readers_language(app, runner, client):
    assert runner.invoke(main, ["territories", "load"]).exit_code == 0
    expected = {"ky": "Ак-Булуң айыл аймагы (Ак-Суу району) — Ысык-Көл облусу",
                "ru": "Ак-Булунский айылный аймак (Ак-Суйский район) — Иссык-Кульская область",
                "en": "Ak-Bulun aiyl aimak (Ak-Suu district) — Ysyk-Kol oblast"}
    for lang, label in expected.items():
        client.get(f"/lang/{lang}")
        page = client.get("/register").get_data(as_text=True)
        assert f'<option value="{CODE}">{label}</option>' in page, lang
