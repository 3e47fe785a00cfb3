"""plenary: hypotheses and their votes, the screen's mode, closed events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 11:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("screen", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))

    op.create_table(
        "hypotheses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hypotheses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hypotheses_event_id"), ["event_id"], unique=False)

    op.create_table(
        "hypothesis_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hypothesis_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["hypothesis_id"], ["hypotheses.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hypothesis_id", "participant_id", name="uq_hypothesis_votes"),
    )
    with op.batch_alter_table("hypothesis_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hypothesis_votes_hypothesis_id"), ["hypothesis_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hypothesis_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hypothesis_votes_hypothesis_id"))
    op.drop_table("hypothesis_votes")
    with op.batch_alter_table("hypotheses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hypotheses_event_id"))
    op.drop_table("hypotheses")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("screen")
