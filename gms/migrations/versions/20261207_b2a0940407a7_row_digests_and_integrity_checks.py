"""Tamper-evident records (issue 16): each audit entry may carry the digests of the rows its
transaction wrote (``audit_log.digests``, covered by the chain), and the results of the full
tamper check are kept in ``integrity_checks``.

The column is added with a plain ``ALTER TABLE ... ADD COLUMN`` (never a SQLite batch copy,
which would drop the append-only triggers of ``audit_log``). Rows written before this revision
have no digest: ``gms audit verify`` counts them as "not covered" until ``gms audit baseline``
records theirs (see docs/security.md).

Downgrading drops the digests; the entries that carried some then no longer verify.

Revision ID: b2a0940407a7
Revises: fb78e8d29e9a
Create Date: 2026-12-07 21:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b2a0940407a7'
down_revision = 'fb78e8d29e9a'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('audit_log', sa.Column('digests', sa.JSON(), nullable=True))
    op.create_table('integrity_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('findings', sa.Integer(), nullable=False),
    sa.Column('not_covered', sa.Integer(), nullable=False),
    sa.Column('rows_checked', sa.Integer(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrity_checks'))
    )
    with op.batch_alter_table('integrity_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrity_checks_at'), ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('integrity_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrity_checks_at'))
    op.drop_table('integrity_checks')
    op.drop_column('audit_log', 'digests')
