"""Membership requests and confirmed e-mail addresses (issue 15, finding 1).

Joining an organisation that already has members needs the approval of one of them (or of
programme staff): the request waits in membership_requests. A self-registered account
confirms its e-mail address; every account from before counts as confirmed.

Revision ID: 780e74f6eff2
Revises: 3a9c51e07d42
Create Date: 2026-12-07 21:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '780e74f6eff2'
down_revision = '3a9c51e07d42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed', sa.Boolean(),
                                      server_default=sa.true(), nullable=False))
    op.create_table(
        'membership_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_membership_requests_decided_by_id_users')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_membership_requests_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_membership_requests_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_requests')))
    with op.batch_alter_table('membership_requests', schema=None) as batch_op:
        batch_op.create_index('ix_membership_requests_organisation_id_status',
                              ['organisation_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_requests_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('membership_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_requests_user_id'))
        batch_op.drop_index('ix_membership_requests_organisation_id_status')
    op.drop_table('membership_requests')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed')
