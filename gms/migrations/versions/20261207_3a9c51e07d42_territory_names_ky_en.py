"""Territories: Kyrgyz and English names, the rayon and oblast in Kyrgyz; users' agency.

Filled by ``gms territories load`` (which the production set-up runs), not here: the
register may be updated later without a migration.

Revision ID: 3a9c51e07d42
Revises: d4dfc11edd3d
Create Date: 2026-12-07 21:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a9c51e07d42'
down_revision = 'd4dfc11edd3d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_ky', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('name_en', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('rayon_ky', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('oblast_ky', sa.String(length=100), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('agency')
    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.drop_column('oblast_ky')
        batch_op.drop_column('rayon_ky')
        batch_op.drop_column('name_en')
        batch_op.drop_column('name_ky')
