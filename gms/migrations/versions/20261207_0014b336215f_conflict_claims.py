"""Applicants' conflict-of-interest claims against commission members (issue 16, item 3).

An applicant names a member of the call's commission it considers conflicted, with a reason,
before the deadline; staff uphold or dismiss the claim, with a reason.

Revision ID: 0014b336215f
Revises: 7ecc9a2d8c29
Create Date: 2026-12-07 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014b336215f'
down_revision = '7ecc9a2d8c29'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'conflict_claims',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('filed_by_id', sa.Integer(), nullable=False),
        sa.Column('filed_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('decision', sa.Text(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_conflict_claims_application_id_applications')),
        sa.ForeignKeyConstraint(['member_id'], ['users.id'],
                                name=op.f('fk_conflict_claims_member_id_users')),
        sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'],
                                name=op.f('fk_conflict_claims_filed_by_id_users')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_conflict_claims_decided_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_claims')))
    with op.batch_alter_table('conflict_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_claims_application_id'),
                              ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_claims_member_id'), ['member_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('conflict_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_claims_member_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_claims_application_id'))
    op.drop_table('conflict_claims')
