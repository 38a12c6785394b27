"""The treasury code of a grant's payee, and of each money record (issue 16, item 5).

The grant's local-budget account (``grants.recipient_account``) and its new treasury code are
copied from the application when the agreement is prepared; each transfer records the code it
used. Both columns are nullable: ``ADD COLUMN`` in place, on SQLite too, so the
``transfers`` immutability triggers stay as they are (no copy of the table).

Revision ID: 41ca1a56d9df
Revises: 0014b336215f
Create Date: 2026-12-07 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '41ca1a56d9df'
down_revision = '0014b336215f'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('grants', sa.Column('treasury_code', sa.String(length=60), nullable=True))
    op.add_column('transfers', sa.Column('treasury_code', sa.String(length=60),
                                         nullable=True))


def downgrade():
    op.drop_column('transfers', 'treasury_code')  # SQLite 3.35+ drops a column in place
    op.drop_column('grants', 'treasury_code')
