"""Grant totals in KGS: a grant set in CHF keeps its ceiling (the award) and running totals
in KGS too, bounded like the totals in its currency, so the ledger never shows more
transferred than awarded.

Filled here from the awards and the money records. A database whose records already exceed
an award in KGS (the hole this closes) stops the upgrade, naming the grants to correct first.

PostgreSQL gets the CHECK constraints the models declare. On SQLite a CHECK can only come
with a copy of the table, and dropping the old ``grants`` breaks the foreign keys of the rows
that refer to it (they are enforced, and a migration runs in one transaction): the same
conditions are triggers there instead (``RAISE(ABORT)``, an IntegrityError like a CHECK's).
A database created from the models has the CHECK constraints in both.

Revision ID: bd14449971a4
Revises: 5c1e9a7b3d20
Create Date: 2026-12-07 21:30:00

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'bd14449971a4'
down_revision = '5c1e9a7b3d20'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)
COLUMNS = ('amount_kgs', 'transferred_kgs', 'returned_kgs')
CHECKS = {
    'transferred_kgs_within_award':
        'transferred_kgs >= 0 AND ROUND(transferred_kgs, 2) <= ROUND(amount_kgs, 2)',
    'returned_kgs_within_transferred':
        'returned_kgs >= 0 AND ROUND(returned_kgs, 2) <= ROUND(transferred_kgs, 2)',
    'kgs_amount_is_award': "currency <> 'KGS' OR amount = amount_kgs",
}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade():
    for name in COLUMNS:
        if _sqlite():  # ADD COLUMN, no copy of the table: NOT NULL needs a default there
            op.add_column('grants', sa.Column(name, MONEY, nullable=False,
                                              server_default='0'))
        else:
            op.add_column('grants', sa.Column(name, MONEY, nullable=True))
    op.execute("""
        UPDATE grants SET
          amount_kgs = CASE WHEN currency = 'KGS' THEN amount
                            ELSE (SELECT awards.amount FROM awards
                                  WHERE awards.id = grants.award_id) END,
          transferred_kgs = COALESCE((SELECT SUM(t.amount_kgs) FROM transfers t
                                      WHERE t.grant_id = grants.id
                                        AND t.kind = 'transfer'), 0),
          returned_kgs = COALESCE((SELECT SUM(t.amount_kgs) FROM transfers t
                                   WHERE t.grant_id = grants.id AND t.kind = 'return'), 0)""")
    bad = op.get_bind().execute(sa.text(
        "SELECT number FROM grants WHERE NOT (" + ") OR NOT (".join(CHECKS.values())
        + ") ORDER BY number")).scalars().all()
    if bad:
        raise RuntimeError(
            "These grants have more transferred (or returned) in KGS than their award: "
            + ", ".join(bad) + ". Reverse the excess records, then upgrade again.")
    if _sqlite():
        condition = " AND ".join(
            "(" + re.sub(r"\b(amount_kgs|amount|transferred_kgs|returned_kgs|currency)\b",
                         r"NEW.\1", check) + ")" for check in CHECKS.values())
        for event in ('INSERT', 'UPDATE'):
            op.execute(f"""
                CREATE TRIGGER grants_kgs_totals_{event.lower()} BEFORE {event} ON grants
                WHEN NOT ({condition})
                BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: grants KGS totals'); END""")
        return
    for name in COLUMNS:
        op.alter_column('grants', name, existing_type=MONEY, nullable=False)
    for name, check in CHECKS.items():
        op.create_check_constraint(op.f(f'ck_grants_{name}'), 'grants', check)


def downgrade():
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS grants_kgs_totals_insert")
        op.execute("DROP TRIGGER IF EXISTS grants_kgs_totals_update")
        for name in reversed(COLUMNS):
            op.drop_column('grants', name)  # SQLite 3.35+ drops a column in place
        return
    for name in reversed(CHECKS):
        op.drop_constraint(op.f(f'ck_grants_{name}'), 'grants', type_='check')
    for name in reversed(COLUMNS):
        op.drop_column('grants', name)
