"""server-side log-in sessions and second-factor enrolments

Revision ID: 19a3ebf13605
Revises: 780e74f6eff2
Create Date: 2026-12-07 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '19a3ebf13605'
down_revision = '780e74f6eff2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('two_factor_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issued_by', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('session_key_hash', sa.String(length=64), nullable=True),
    sa.Column('secret', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_two_factor_enrolments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_two_factor_enrolments')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_two_factor_enrolments_token_hash'))
    )
    with op.batch_alter_table('two_factor_enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_two_factor_enrolments_user_id'), ['user_id'], unique=False)

    # a secret pending on the user row (an enrolment never confirmed) was readable by any
    # session past the password step: it is dropped, the person is sent a link instead
    op.execute("UPDATE users SET totp_secret = NULL WHERE totp_confirmed_at IS NULL")


def downgrade():
    with op.batch_alter_table('two_factor_enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_two_factor_enrolments_user_id'))
    op.drop_table('two_factor_enrolments')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
