"""Open data: the 360Giving package of the demo data validates against the official schema
(../shared/standards/360giving/, version 1.4.3) with zero errors; the CSV summary, the public
page and ``gms export 360giving`` give the same grants."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select

from gms.cli import main as gms_cli
from gms.demo import money as money_demo
from gms.evaluation.models import Award
from gms.extensions import db
from gms.models import Competition
from gms.money.models import Grant, Transfer
from gms.services import opendata

# The official schema files (CC BY 4.0, 360Giving), copied from ../shared/standards/360giving/
# so that a clone without shared/ beside it checks the same thing.
STANDARD = Path(__file__).resolve().parent / "data" / "360giving"
GRANT_REF = ("https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
             "360-giving-schema.json")


def validator() -> Draft202012Validator:
    """A 2020-12 validator of the package schema, with the grant schema registered locally
    (under the address the package refers to, and its own ``$id``) and formats checked."""
    if not STANDARD.is_dir():
        pytest.fail(f"the 360Giving schemas are missing: {STANDARD}")
    package = json.loads((STANDARD / "360-giving-package-schema.json").read_text())
    grant = json.loads((STANDARD / "360-giving-schema.json").read_text())
    resource = Resource(contents=grant, specification=DRAFT202012)
    registry = Registry().with_resources([(GRANT_REF, resource), (grant["$id"], resource)])
    return Draft202012Validator(package, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_validator_checks_dates_and_required_fields():
    v = validator()
    good = {"grants": [{
        "id": "360G-x-1", "title": "t", "description": "d", "currency": "KGS",
        "amountAwarded": 1, "awardDate": "2026-03-02",
        "recipientOrganization": [{"id": "360G-x-ORG-1", "name": "n"}],
        "fundingOrganization": [{"id": "360G-x-P", "name": "p"}]}]}
    assert list(v.iter_errors(good)) == []
    bad = json.loads(json.dumps(good))
    bad["grants"][0]["awardDate"] = "02.03.2026"
    del bad["grants"][0]["currency"]
    assert len(list(v.iter_errors(bad))) >= 2


@pytest.fixture
def demo_money(app, clock):
    """The demo data (every in-repo plugin) with its money, at the frozen clock."""
    from gms import demo

    with app.app_context():
        demo.load()  # the demo adds its money too
        assert db.session.query(Grant).count() > 0
        assert money_demo.load() == 0  # once
    return app


def test_the_360giving_export_of_the_demo_data_validates_with_zero_errors(demo_money):
    """Also: the CSV summary, the public page and ``gms export 360giving`` agree with it."""
    app = demo_money
    with app.app_context():
        data = opendata.package()
        published = db.session.scalar(select(func.count()).select_from(Award).join(
            Competition, Competition.id == Award.competition_id).where(
            Award.outcome == "funded", Award.amount > 0, Competition.status == "published"))
        paid = db.session.scalar(select(func.count()).select_from(Transfer))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator().iter_errors(data)]
    assert errors == []
    assert len(data["grants"]) == published > 0
    moves = [t for g in data["grants"] for t in g.get("disbursementTransaction", [])]
    assert len(moves) == paid > 0
    for g in data["grants"]:
        assert g["id"].startswith("360G-")
        assert g["amountDisbursed"] == pytest.approx(
            sum(t["value"] for t in g.get("disbursementTransaction", [])))
    municipal = [g["recipientOrganization"][0]["id"] for g in data["grants"]
                 if "-SOATE-" in g["recipientOrganization"][0]["id"]]
    assert municipal and all(i.split("-SOATE-")[1].isdigit() and len(i.split("-SOATE-")[1]) == 14
                             for i in municipal)

    # the CSV summary, the public page and the command give the same grants
    client, runner = app.test_client(), app.test_cli_runner()
    with app.app_context():
        returned = db.session.scalar(select(func.count()).select_from(Grant).where(
            Grant.returned > 0))
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/finance/open-data/360giving.csv").data.decode("utf-8"))))
    assert [r["Identifier"] for r in rows] == [g["id"] for g in data["grants"]]
    assert {D(r["Amount Awarded"]) for r in rows} == {D(str(g["amountAwarded"]))
                                                     for g in data["grants"]}
    web = client.get("/finance/open-data/360giving.json").get_json()
    assert [g["id"] for g in web["grants"]] == [g["id"] for g in data["grants"]]
    page = client.get("/finance/open-data")
    assert page.status_code == 200 and data["grants"][0]["recipientOrganization"][0]["name"] \
        in page.text
    result = runner.invoke(gms_cli, ["export", "360giving"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [g["id"] for g in out["grants"]] == [g["id"] for g in data["grants"]]
    assert list(validator().iter_errors(out)) == []
    assert returned >= 1
    assert any(t["value"] < 0 for g in out["grants"]
               for t in g.get("disbursementTransaction", []))
