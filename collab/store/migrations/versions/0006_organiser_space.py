"""organiser space: the server's admin links; an event's date, place, welcome, contact and retention

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("place", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("welcome", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("contact", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("texts", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("erase_policy", sa.String(length=20), nullable=False, server_default="withdrawn"))
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("events", schema=None) as batch_op:
        for column in (
            "anonymised_at",
            "erase_policy",
            "retention_days",
            "texts",
            "contact",
            "welcome",
            "place",
            "starts_on",
        ):
            batch_op.drop_column(column)
    op.drop_table("admin_links")
