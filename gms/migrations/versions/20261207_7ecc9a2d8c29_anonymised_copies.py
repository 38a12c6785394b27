"""Anonymised copies of uploaded documents (issue 16, item 2).

Under coded review a commission member gets, before publication, only what staff approved
for each document: a copy without the applicant's names, or the original marked as naming
nobody.

Revision ID: 7ecc9a2d8c29
Revises: b2a0940407a7
Create Date: 2026-12-07 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7ecc9a2d8c29'
down_revision = 'b2a0940407a7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'anonymised_copies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=False),
        sa.Column('no_identity', sa.Boolean(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=True),
        sa.Column('stored_name', sa.String(length=80), nullable=True),
        sa.Column('content_type', sa.String(length=100), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('hits', sa.JSON(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.Column('hits_confirmed', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], ondelete='CASCADE',
                                name=op.f('fk_anonymised_copies_attachment_id_attachments')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_anonymised_copies_uploaded_by_id_users')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'],
                                name=op.f('fk_anonymised_copies_approved_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_anonymised_copies')),
        sa.UniqueConstraint('attachment_id', name=op.f('uq_anonymised_copies_attachment_id')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_anonymised_copies_stored_name')))


def downgrade():
    op.drop_table('anonymised_copies')
