"""consultation cards may show the infographic of their configuration's context (show_figure)

Revision ID: a1c4e0f2b7d9
Revises: 6955f3258b86
Create Date: 2026-12-03 16:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1c4e0f2b7d9"
down_revision: str | None = "6955f3258b86"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consultation_cards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("show_figure", sa.Boolean(), server_default=sa.text("(false)"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("consultation_cards", schema=None) as batch_op:
        batch_op.drop_column("show_figure")
