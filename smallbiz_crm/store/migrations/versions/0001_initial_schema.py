"""Initial schema: every table of the shop, the customer search index and the defaults.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 12:51:37.517229
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('business_calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=8), nullable=False),
    sa.Column('subdivision', sa.String(length=16), nullable=True),
    sa.Column('working_weekdays', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_calendar'))
    )
    op.create_table('cadence_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadence_template')),
    sa.UniqueConstraint('name', name=op.f('uq_cadence_template_name'))
    )
    op.create_table('closure_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure_day')),
    sa.UniqueConstraint('day', name=op.f('uq_closure_day_day'))
    )
    op.create_table('erasure_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('erased_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_note'))
    )
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    op.create_table('journey_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('playbook', sa.Text(), nullable=False),
    sa.Column('contact_rhythm_days', sa.Integer(), nullable=True),
    sa.Column('is_lapsed', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_stage')),
    sa.UniqueConstraint('name', name=op.f('uq_journey_stage_name'))
    )
    with op.batch_alter_table('journey_stage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_stage_position'), ['position'], unique=False)

    op.create_table('persona',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('decides', sa.String(length=200), nullable=False),
    sa.Column('asks', sa.String(length=200), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('how_to_talk', sa.Text(), nullable=False),
    sa.Column('gesture_ideas', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persona')),
    sa.UniqueConstraint('name', name=op.f('uq_persona_name'))
    )
    op.create_table('product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200, collation='NOCASE'), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product')),
    sa.UniqueConstraint('name', name=op.f('uq_product_name'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80, collation='NOCASE'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag')),
    sa.UniqueConstraint('name', name=op.f('uq_tag_name'))
    )
    op.create_table('cadence_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadence_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('needs_consent', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cadence_id'], ['cadence_template.id'], name=op.f('fk_cadence_step_cadence_id_cadence_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadence_step'))
    )
    with op.batch_alter_table('cadence_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cadence_step_cadence_id'), ['cadence_id'], unique=False)

    op.create_table('customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200, collation='NOCASE'), nullable=False),
    sa.Column('company', sa.String(length=200, collation='NOCASE'), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('phone_digits', sa.String(length=32), nullable=False),
    sa.Column('phone_search', sa.Text(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('birthday', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('referred_by_id', sa.Integer(), nullable=True),
    sa.Column('persona_id', sa.Integer(), nullable=True),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('consent_contact', sa.Boolean(), nullable=False),
    sa.Column('consent_changed_at', sa.DateTime(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('not_pursuing', sa.Boolean(), nullable=False),
    sa.Column('not_pursuing_reason', sa.Text(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('last_contact_at', sa.DateTime(), nullable=True),
    sa.Column('next_follow_up_on', sa.Date(), nullable=True),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['import_batch_id'], ['import_batch.id'], name=op.f('fk_customer_import_batch_id_import_batch'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['persona_id'], ['persona.id'], name=op.f('fk_customer_persona_id_persona'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referred_by_id'], ['customer.id'], name=op.f('fk_customer_referred_by_id_customer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_id'], ['journey_stage.id'], name=op.f('fk_customer_stage_id_journey_stage'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer'))
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index('ix_customer_archived_company', ['archived', 'company'], unique=False)
        batch_op.create_index('ix_customer_archived_last_contact', ['archived', 'last_contact_at'], unique=False)
        batch_op.create_index('ix_customer_archived_name', ['archived', 'name'], unique=False)
        batch_op.create_index('ix_customer_archived_next_follow_up', ['archived', 'next_follow_up_on'], unique=False)
        batch_op.create_index('ix_customer_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_customer_email', ['email'], unique=False)
        batch_op.create_index('ix_customer_import_batch', ['import_batch_id'], unique=False)
        batch_op.create_index('ix_customer_persona', ['persona_id'], unique=False)
        batch_op.create_index('ix_customer_phone_digits', ['phone_digits'], unique=False)
        batch_op.create_index('ix_customer_referred_by', ['referred_by_id'], unique=False)
        batch_op.create_index('ix_customer_stage', ['stage_id'], unique=False)

    op.create_table('concern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('response_due_at', sa.DateTime(), nullable=False),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('response_note', sa.Text(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_concern_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern'))
    )
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.create_index('ix_concern_customer_received', ['customer_id', 'received_at'], unique=False)
        batch_op.create_index('ix_concern_received', ['received_at'], unique=False)
        batch_op.create_index('ix_concern_responded_due', ['responded_at', 'response_due_at'], unique=False)

    op.create_table('customer_tag',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_tag_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_customer_tag_tag_id_tag'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', 'tag_id', name=op.f('pk_customer_tag'))
    )
    with op.batch_alter_table('customer_tag', schema=None) as batch_op:
        batch_op.create_index('ix_customer_tag_tag', ['tag_id', 'customer_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(), nullable=True),
    sa.Column('customer_told_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_feedback_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_feedback_product_id_product'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_customer', ['customer_id', 'received_on'], unique=False)
        batch_op.create_index('ix_feedback_product_status', ['product_id', 'status'], unique=False)
        batch_op.create_index('ix_feedback_status_told', ['status', 'customer_told_at'], unique=False)

    op.create_table('gesture',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('cost_cents', sa.Integer(), nullable=False),
    sa.Column('occasion', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('batch_key', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_gesture_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gesture'))
    )
    with op.batch_alter_table('gesture', schema=None) as batch_op:
        batch_op.create_index('ix_gesture_customer_given', ['customer_id', 'given_on'], unique=False)
        batch_op.create_index('ix_gesture_given', ['given_on'], unique=False)
        batch_op.create_index('ix_gesture_kind_given', ['kind', 'given_on'], unique=False)

    op.create_table('interaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('sentiment', sa.String(length=20), nullable=True),
    sa.Column('amount_cents', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_interaction_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interaction'))
    )
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.create_index('ix_interaction_customer_occurred', ['customer_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_interaction_kind_occurred', ['kind', 'occurred_at'], unique=False)

    op.create_table('stage_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('from_stage_id', sa.Integer(), nullable=True),
    sa.Column('to_stage_id', sa.Integer(), nullable=True),
    sa.Column('from_stage_name', sa.String(length=80), nullable=False),
    sa.Column('to_stage_name', sa.String(length=80), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_stage_change_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_stage_id'], ['journey_stage.id'], name=op.f('fk_stage_change_from_stage_id_journey_stage'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['to_stage_id'], ['journey_stage.id'], name=op.f('fk_stage_change_to_stage_id_journey_stage'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_change'))
    )
    with op.batch_alter_table('stage_change', schema=None) as batch_op:
        batch_op.create_index('ix_stage_change_changed', ['changed_at'], unique=False)
        batch_op.create_index('ix_stage_change_customer_changed', ['customer_id', 'changed_at'], unique=False)

    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('snooze_count', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('cadence_step_id', sa.Integer(), nullable=True),
    sa.Column('interaction_id', sa.Integer(), nullable=True),
    sa.Column('feedback_id', sa.Integer(), nullable=True),
    sa.Column('concern_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cadence_step_id'], ['cadence_step.id'], name=op.f('fk_follow_up_cadence_step_id_cadence_step'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['concern_id'], ['concern.id'], name=op.f('fk_follow_up_concern_id_concern'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_follow_up_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_follow_up_feedback_id_feedback'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['interaction_id'], ['interaction.id'], name=op.f('fk_follow_up_interaction_id_interaction'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_customer_due', ['customer_id', 'due_on'], unique=False)
        batch_op.create_index('ix_follow_up_feedback', ['feedback_id'], unique=False)
        batch_op.create_index('ix_follow_up_status_due', ['status', 'due_on'], unique=False)


    _create_search_index()
    _seed_defaults()

def downgrade() -> None:
    for trigger in ('customer_fts_ai', 'customer_fts_ad', 'customer_fts_au'):
        op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
    op.execute('DROP TABLE IF EXISTS customer_fts')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_status_due')
        batch_op.drop_index('ix_follow_up_feedback')
        batch_op.drop_index('ix_follow_up_customer_due')

    op.drop_table('follow_up')
    with op.batch_alter_table('stage_change', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_change_customer_changed')
        batch_op.drop_index('ix_stage_change_changed')

    op.drop_table('stage_change')
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.drop_index('ix_interaction_kind_occurred')
        batch_op.drop_index('ix_interaction_customer_occurred')

    op.drop_table('interaction')
    with op.batch_alter_table('gesture', schema=None) as batch_op:
        batch_op.drop_index('ix_gesture_kind_given')
        batch_op.drop_index('ix_gesture_given')
        batch_op.drop_index('ix_gesture_customer_given')

    op.drop_table('gesture')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_status_told')
        batch_op.drop_index('ix_feedback_product_status')
        batch_op.drop_index('ix_feedback_customer')

    op.drop_table('feedback')
    with op.batch_alter_table('customer_tag', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_tag_tag')

    op.drop_table('customer_tag')
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index('ix_concern_responded_due')
        batch_op.drop_index('ix_concern_received')
        batch_op.drop_index('ix_concern_customer_received')

    op.drop_table('concern')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_stage')
        batch_op.drop_index('ix_customer_referred_by')
        batch_op.drop_index('ix_customer_phone_digits')
        batch_op.drop_index('ix_customer_persona')
        batch_op.drop_index('ix_customer_import_batch')
        batch_op.drop_index('ix_customer_email')
        batch_op.drop_index('ix_customer_created_at')
        batch_op.drop_index('ix_customer_archived_next_follow_up')
        batch_op.drop_index('ix_customer_archived_name')
        batch_op.drop_index('ix_customer_archived_last_contact')
        batch_op.drop_index('ix_customer_archived_company')

    op.drop_table('customer')
    with op.batch_alter_table('cadence_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cadence_step_cadence_id'))

    op.drop_table('cadence_step')
    op.drop_table('tag')
    op.drop_table('setting')
    op.drop_table('product')
    op.drop_table('persona')
    with op.batch_alter_table('journey_stage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journey_stage_position'))

    op.drop_table('journey_stage')
    op.drop_table('import_batch')
    op.drop_table('erasure_note')
    op.drop_table('closure_day')
    op.drop_table('cadence_template')
    op.drop_table('business_calendar')


# Written out here rather than imported: a migration must keep doing what it did on the day
# it shipped, whatever later code says. Only a brand-new database gets these.
_FTS_COLUMNS = "name, company, email, phone_search, notes"
_NEW = ", ".join(f"new.{c.strip()}" for c in _FTS_COLUMNS.split(","))
_OLD = ", ".join(f"old.{c.strip()}" for c in _FTS_COLUMNS.split(","))


def _create_search_index() -> None:
    op.execute(
        f"CREATE VIRTUAL TABLE customer_fts USING fts5({_FTS_COLUMNS}, content='customer', "
        "content_rowid='id', tokenize=\"unicode61 remove_diacritics 2\")")
    op.execute(
        f"CREATE TRIGGER customer_fts_ai AFTER INSERT ON customer BEGIN "
        f"INSERT INTO customer_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW}); END")
    op.execute(
        f"CREATE TRIGGER customer_fts_ad AFTER DELETE ON customer BEGIN "
        f"INSERT INTO customer_fts(customer_fts, rowid, {_FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {_OLD}); END")
    op.execute(
        f"CREATE TRIGGER customer_fts_au AFTER UPDATE OF {_FTS_COLUMNS} ON customer BEGIN "
        f"INSERT INTO customer_fts(customer_fts, rowid, {_FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {_OLD}); "
        f"INSERT INTO customer_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW}); END")


_STAGES = [
    ("Prospect", "Learn what they care about. Invite them in; offer a small freebie or a demo.",
     21, False),
    ("First purchase", "Thank them by hand within three days. Ask how it is going after two "
     "weeks.", 30, False),
    ("Repeat", "Remember their preferences. Invite them to the next event as a guest.", 45,
     False),
    ("Loyal", "Surprise them now and then. Ask for a review; tell them first about new things.",
     60, False),
    ("Advocate", "Thank them for every referral. Invite them to meet other customers.", 45,
     False),
    ("Lapsed", "Reach out personally without selling: ask how they are and what changed.", 120,
     True),
]

_PERSONAS = [
    ("Competitive", "fast, on logic", "What's the bottom line?",
     "Wants to win: the best value, the advantage over others, and a quick decision.",
     "Facts, the advantage, a quick clear offer. Be brief and confident; no small talk.",
     "A loyalty discount on the next order\nEarly access to a new product\n"
     "A useful upgrade at no charge"),
    ("Spontaneous", "fast, on feeling", "Why should I choose you now?",
     "Wants something that feels right today and is easy to get.",
     "Warmth, a reason to act today, an easy next step. Keep it personal and light.",
     "A surprise freebie with their purchase\nA same-day treat or sample\n"
     "A last-minute invitation to an event"),
    ("Methodical", "slowly, on logic", "How exactly does it work?",
     "Wants to be sure: details, proof and the fine print before deciding.",
     "Details, comparisons, time to think, the fine print. Send written information.",
     "An in-depth demo or workshop\nA printed guide or care sheet\n"
     "A trial period to test at home"),
    ("Humanistic", "slowly, on feeling", "Who else has used it?",
     "Wants to trust the people: stories of other customers, the faces behind the shop.",
     "Stories of other customers, the people behind the shop. Take time, listen.",
     "An invitation to meet other customers at an event\nA hand-written thank-you note\n"
     "A small gift for a family occasion"),
]

_CADENCES = [
    ("After a purchase", "purchase", [
        (3, "thank_you", "Thank them for their purchase", False),
        (14, "check_in", "How is it going with what they bought?", False),
        (60, "reorder", "Time to reorder or check in", True),
    ]),
    ("New prospect", "new_prospect", [
        (2, "call", "Follow up on their first visit", False),
        (10, "message", "Second touch: share something useful", True),
    ]),
    ("Birthday greeting", "birthday", [
        (0, "birthday", "Wish them a happy birthday", True),
    ]),
]


def _seed_defaults() -> None:
    stage = sa.table("journey_stage", sa.column("name", sa.String), sa.column("position", sa.Integer),
                     sa.column("playbook", sa.Text), sa.column("contact_rhythm_days", sa.Integer),
                     sa.column("is_lapsed", sa.Boolean), sa.column("version", sa.Integer))
    op.bulk_insert(stage, [
        {"name": name, "position": position, "playbook": playbook,
         "contact_rhythm_days": rhythm, "is_lapsed": lapsed, "version": 1}
        for position, (name, playbook, rhythm, lapsed) in enumerate(_STAGES)
    ])
    persona = sa.table("persona", sa.column("name", sa.String), sa.column("decides", sa.String),
                       sa.column("asks", sa.String), sa.column("motivation", sa.Text),
                       sa.column("how_to_talk", sa.Text), sa.column("gesture_ideas", sa.Text),
                       sa.column("version", sa.Integer))
    op.bulk_insert(persona, [
        {"name": name, "decides": decides, "asks": asks, "motivation": motivation,
         "how_to_talk": how, "gesture_ideas": ideas, "version": 1}
        for name, decides, asks, motivation, how, ideas in _PERSONAS
    ])
    cadence = sa.table("cadence_template", sa.column("id", sa.Integer),
                       sa.column("name", sa.String), sa.column("trigger", sa.String),
                       sa.column("active", sa.Boolean), sa.column("version", sa.Integer))
    step = sa.table("cadence_step", sa.column("cadence_id", sa.Integer),
                    sa.column("position", sa.Integer), sa.column("offset_days", sa.Integer),
                    sa.column("kind", sa.String), sa.column("reason", sa.Text),
                    sa.column("needs_consent", sa.Boolean))
    for cadence_id, (name, trigger, steps) in enumerate(_CADENCES, start=1):
        op.bulk_insert(cadence, [{"id": cadence_id, "name": name, "trigger": trigger,
                                  "active": True, "version": 1}])
        op.bulk_insert(step, [
            {"cadence_id": cadence_id, "position": position, "offset_days": offset,
             "kind": kind, "reason": reason, "needs_consent": consent}
            for position, (offset, kind, reason, consent) in enumerate(steps)
        ])
    calendar = sa.table("business_calendar", sa.column("id", sa.Integer),
                        sa.column("country", sa.String), sa.column("subdivision", sa.String),
                        sa.column("working_weekdays", sa.String), sa.column("version", sa.Integer))
    op.bulk_insert(calendar, [{"id": 1, "country": "US", "subdivision": None,
                               "working_weekdays": "0,1,2,3,4", "version": 1}])
