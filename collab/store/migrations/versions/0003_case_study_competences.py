"""case study roles and competences: roles, card situation/role/skill, match acceptances

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 11:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=120), nullable=True))

    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("situation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("role", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("skill", sa.JSON(), nullable=True))
        batch_op.create_foreign_key("fk_cards_situation", "situations", ["situation_id"], ["id"], ondelete="SET NULL")

    op.create_table(
        "match_acceptances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["need_id"], ["cards.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["offer_id"], ["cards.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("offer_id", "need_id", "participant_id", name="uq_match_acceptances"),
    )
    with op.batch_alter_table("match_acceptances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_acceptances_event_id"), ["event_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("match_acceptances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_acceptances_event_id"))
    op.drop_table("match_acceptances")

    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_constraint("fk_cards_situation", type_="foreignkey")
        batch_op.drop_column("skill")
        batch_op.drop_column("role")
        batch_op.drop_column("situation_id")

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("role")
