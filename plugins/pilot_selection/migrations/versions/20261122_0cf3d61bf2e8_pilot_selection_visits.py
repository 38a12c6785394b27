"""pilot_selection: verification visits

The first revision of the plugin's branch (label ``pilot_selection``); it needs the core
tables it refers to (applications, competitions, users), hence ``depends_on``.

Revision ID: 0cf3d61bf2e8
Revises:
Create Date: 2026-11-22 22:29:25.641887
"""

import sqlalchemy as sa
from alembic import op

revision = "0cf3d61bf2e8"
down_revision = None
branch_labels = ("pilot_selection",)
depends_on = "8529c6fd7871"

TABLE = "pilot_selection_visits"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("verifier_id", sa.Integer(), nullable=True),
        sa.Column("visited_on", sa.Date(), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("conclusion", sa.String(length=20), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("picked_by_id", sa.Integer(), nullable=False),
        sa.Column("picked_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name=op.f("fk_pilot_selection_visits_application_id_applications")),
        sa.ForeignKeyConstraint(["competition_id"], ["competitions.id"],
                                name=op.f("fk_pilot_selection_visits_competition_id_competitions")),
        sa.ForeignKeyConstraint(["picked_by_id"], ["users.id"],
                                name=op.f("fk_pilot_selection_visits_picked_by_id_users")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_pilot_selection_visits_recorded_by_id_users")),
        sa.ForeignKeyConstraint(["verifier_id"], ["users.id"],
                                name=op.f("fk_pilot_selection_visits_verifier_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_selection_visits")),
        sa.UniqueConstraint("application_id",
                            name=op.f("uq_pilot_selection_visits_application_id")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pilot_selection_visits_competition_id"),
                              ["competition_id"], unique=False)


def downgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pilot_selection_visits_competition_id"))
    op.drop_table(TABLE)
