"""The frozen contract of a call (issue 17, item 1): policy, requested-amount rule and
document kinds as ``{kind, params}`` data in ``competitions.frozen_contract``; rules frozen
as ``{code, params, blocking}`` of their registered factories.

Existing calls are converted when the migration runs inside the app (``gms db upgrade``):
the settings of every call whose type is enabled are stored as the JSON of their declared
kinds, and each call that is no longer a draft gets its contract frozen from its type (its
rules limited to the codes it froze before). Calls of a type that is not enabled are left as
they are; without an app (plain ``alembic``) only the column is added.

Revision ID: 5c0d7e3a9f21
Revises: 41ca1a56d9df
Create Date: 2026-12-08 09:00:00

"""
from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

from gms.competition import CompetitionInfo, OrganisationInfo, stored_values, typed_values
from gms.services.contract import contract_of, live_rule_specs

# revision identifiers, used by Alembic.
revision = '5c0d7e3a9f21'
down_revision = '41ca1a56d9df'
branch_labels = None
depends_on = None

calls = sa.table(
    "competitions", sa.column("id", sa.Integer), sa.column("type_key", sa.String),
    sa.column("status", sa.String), sa.column("settings", sa.JSON),
    sa.column("oblasts", sa.JSON), sa.column("budget", sa.Numeric),
    sa.column("max_awards", sa.Integer), sa.column("max_grant", sa.Numeric),
    sa.column("opens_at", sa.DateTime), sa.column("deadline_at", sa.DateTime),
    sa.column("organiser_id", sa.Integer), sa.column("frozen_rules", sa.JSON),
    sa.column("frozen_contract", sa.JSON))
organisations = sa.table(
    "organisations", sa.column("id", sa.Integer), sa.column("kind", sa.String),
    sa.column("name", sa.String), sa.column("territory_code", sa.String),
    sa.column("oblast", sa.String))


def _organiser(bind, organiser_id):
    if organiser_id is None:
        return None
    row = bind.execute(sa.select(organisations).where(
        organisations.c.id == organiser_id)).mappings().first()
    return OrganisationInfo(row["id"], row["kind"], row["name"], row["territory_code"],
                            row["oblast"]) if row else None


def _convert(bind, registry) -> None:
    for row in bind.execute(sa.select(calls)).mappings().all():
        ctype = registry.get(row["type_key"])
        if ctype is None:
            continue
        fields = ctype.settings_fields()
        settings = stored_values(fields, dict(row["settings"] or {}))
        values = {"settings": settings}
        if row["status"] != "draft" and row["frozen_contract"] is None:
            info = CompetitionInfo(
                id=row["id"], type_key=row["type_key"], settings=typed_values(fields, settings),
                budget=Decimal(row["budget"] or 0), max_awards=row["max_awards"],
                max_grant=row["max_grant"], oblasts=tuple(row["oblasts"] or ()),
                opens_at=row["opens_at"], deadline_at=row["deadline_at"],
                organiser=_organiser(bind, row["organiser_id"]))
            kept = ({r["code"] for r in row["frozen_rules"]}
                    if row["frozen_rules"] is not None else None)
            values["frozen_rules"] = [s.to_dict() for s in live_rule_specs(ctype, info)
                                      if kept is None or s.code in kept]
            values["frozen_contract"] = contract_of(ctype, info)
        bind.execute(sa.update(calls).where(calls.c.id == row["id"]).values(**values))


def upgrade():
    op.add_column('competitions', sa.Column('frozen_contract', sa.JSON(), nullable=True))
    if has_app_context() and "gms.registry" in current_app.extensions:
        _convert(op.get_bind(), current_app.extensions["gms.registry"])


def downgrade():
    op.drop_column('competitions', 'frozen_contract')
