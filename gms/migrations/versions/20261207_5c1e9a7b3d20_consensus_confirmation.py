"""A consensus is proposed, then confirmed by a second commission member (issue 15, finding 3).

Only a confirmed consensus replaces the mean in the ranking. A consensus recorded before this
revision was one person's number: in a call still in evaluation it comes back as proposed, to
be confirmed by a second member; in a call decided already it stays as decided (confirmed,
with no confirming member recorded), so that its ranking still agrees with its awards.

Revision ID: 5c1e9a7b3d20
Revises: 4599d273e6b3
Create Date: 2026-12-07 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e9a7b3d20'
down_revision = '4599d273e6b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consensus_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20),
                                      server_default='proposed', nullable=False))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_consensus_reports_confirmed_by_id_users'), 'users',
            ['confirmed_by_id'], ['id'])
    op.execute("""
        UPDATE consensus_reports SET status = 'confirmed'
        WHERE application_id IN (
            SELECT applications.id FROM applications
            JOIN competitions ON competitions.id = applications.competition_id
            WHERE competitions.status <> 'evaluation')
    """)


def downgrade():
    with op.batch_alter_table('consensus_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consensus_reports_confirmed_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('status')
