"""a synthesis per room and per board; boards opened early; the screen following hypothesis votes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    board = sa.Column("board", sa.String(length=40), nullable=False, server_default="four_questions")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's unique constraint on room_id has no name: the batch copy gives it one to drop.
        convention = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
        with op.batch_alter_table("syntheses", naming_convention=convention) as batch_op:
            batch_op.add_column(board)
            batch_op.drop_constraint("uq_syntheses_room_id", type_="unique")
            batch_op.create_unique_constraint("uq_syntheses_room_board", ["room_id", "board"])
    else:
        op.add_column("syntheses", board)
        op.drop_constraint("syntheses_room_id_key", "syntheses", type_="unique")
        op.create_unique_constraint("uq_syntheses_room_board", "syntheses", ["room_id", "board"])
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("open_boards", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("screen_follows_votes", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("screen_follows_votes")
        batch_op.drop_column("open_boards")
    # Each room keeps its four-question synthesis, the one synthesis a room had before.
    op.execute("DELETE FROM syntheses WHERE board <> 'four_questions'")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("syntheses", schema=None) as batch_op:
            batch_op.drop_constraint("uq_syntheses_room_board", type_="unique")
            batch_op.drop_column("board")
            batch_op.create_unique_constraint("uq_syntheses_room_id", ["room_id"])
    else:
        op.drop_constraint("uq_syntheses_room_board", "syntheses", type_="unique")
        op.drop_column("syntheses", "board")
        op.create_unique_constraint("syntheses_room_id_key", "syntheses", ["room_id"])
