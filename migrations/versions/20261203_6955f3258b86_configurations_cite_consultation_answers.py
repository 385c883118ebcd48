"""configurations cite consultation answers (status_ratings: configuration_ratings ids, like status_evidence)

Revision ID: 6955f3258b86
Revises: eaa9450a662d
Create Date: 2026-12-03 14:12:00.314215
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6955f3258b86"
down_revision: str | None = "eaa9450a662d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("configurations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status_ratings", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("configurations", schema=None) as batch_op:
        batch_op.drop_column("status_ratings")
