"""probe_notes: its items (a test plugin's own branch)

Revision ID: 5e1c0a7b9d21
Revises:
Create Date: 2026-12-08 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5e1c0a7b9d21"
down_revision = None
branch_labels = ("probe_notes",)
depends_on = "8529c6fd7871"


def upgrade():
    op.create_table(
        "probe_notes_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_probe_notes_items")),
    )


def downgrade():
    op.drop_table("probe_notes_items")
