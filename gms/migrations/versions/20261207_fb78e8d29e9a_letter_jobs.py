"""letter jobs: the result letters still to write after a publication (outbox pattern)

Revision ID: fb78e8d29e9a
Revises: bd14449971a4
Create Date: 2026-12-07 21:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fb78e8d29e9a'
down_revision = 'bd14449971a4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_letter_jobs_application_id_applications')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_letter_jobs_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['competition_id'], ['competitions.id'], name=op.f('fk_letter_jobs_competition_id_competitions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_jobs')),
    sa.UniqueConstraint('competition_id', 'application_id', name=op.f('uq_letter_jobs_competition_id')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_letter_jobs_stored_name'))
    )


def downgrade():
    op.drop_table('letter_jobs')
