"""knowledge-base feedback

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=100), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("query", sa.String(length=500), nullable=True),
        sa.Column("created_at", portal.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_feedback")),
    )
    with op.batch_alter_table("kb_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_feedback_article_id"), ["article_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kb_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_feedback_article_id"))
    op.drop_table("kb_feedback")
