"""Follow-up indexes: link columns indexed, status index covering the customer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_status_due")
        batch_op.create_index("ix_follow_up_status_due_customer",
                              ["status", "due_on", "customer_id"], unique=False)
        batch_op.create_index("ix_follow_up_interaction", ["interaction_id"], unique=False)
        batch_op.create_index("ix_follow_up_concern", ["concern_id"], unique=False)
        batch_op.create_index("ix_follow_up_cadence_step", ["cadence_step_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_cadence_step")
        batch_op.drop_index("ix_follow_up_concern")
        batch_op.drop_index("ix_follow_up_interaction")
        batch_op.drop_index("ix_follow_up_status_due_customer")
        batch_op.create_index("ix_follow_up_status_due", ["status", "due_on"], unique=False)
