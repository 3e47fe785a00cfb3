"""the grille de lecture (its points, its published snapshot, participants' answers); dismissed evidence

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grid", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("grid_published_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("hypotheses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dismissed", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "grid_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("cards", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_grid_points_event_id", "grid_points", ["event_id"])
    op.create_table(
        "grid_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("situation", sa.String(length=200), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id", name="uq_grid_answers_participant"),
    )
    op.create_index("ix_grid_answers_event_id", "grid_answers", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_grid_answers_event_id", table_name="grid_answers")
    op.drop_table("grid_answers")
    op.drop_index("ix_grid_points_event_id", table_name="grid_points")
    op.drop_table("grid_points")
    with op.batch_alter_table("hypotheses", schema=None) as batch_op:
        batch_op.drop_column("dismissed")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("grid_published_at")
        batch_op.drop_column("grid")
