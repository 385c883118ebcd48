"""unique excerpt span user preferences

Revision ID: 60afc59b678f
Revises: 4db73eafc998
Create Date: 2026-12-03 08:18:51.411653

Concurrent coders of the same span used to create identical excerpts. Before the unique constraint
on ``excerpts (document_id, start, end)`` is added, each group of identical excerpts is merged into
its oldest row: codings are repointed to it, a coding that would then repeat ``(excerpt_id, code_id,
coder_id)`` is dropped after its evidence, suggestion decisions, status evidence and memos are
repointed to the coding that is kept.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '60afc59b678f'
down_revision: str | None = '4db73eafc998'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_meta = sa.MetaData()
excerpts = sa.Table(
    'excerpts', _meta, sa.Column('id', sa.Integer), sa.Column('document_id', sa.Integer),
    sa.Column('start', sa.Integer), sa.Column('end', sa.Integer),
)
codings = sa.Table(
    'codings', _meta, sa.Column('id', sa.Integer), sa.Column('excerpt_id', sa.Integer),
    sa.Column('code_id', sa.Integer), sa.Column('coder_id', sa.Integer),
)
evidence = sa.Table(
    'element_evidence', _meta, sa.Column('id', sa.Integer), sa.Column('element_id', sa.Integer),
    sa.Column('coding_id', sa.Integer),
)
decisions = sa.Table('suggestion_decisions', _meta, sa.Column('id', sa.Integer), sa.Column('coding_id', sa.Integer))
configurations = sa.Table(
    'configurations', _meta, sa.Column('id', sa.Integer), sa.Column('status_evidence', sa.JSON),
)
memos = sa.Table(
    'memos', _meta, sa.Column('id', sa.Integer), sa.Column('target_type', sa.String),
    sa.Column('target_id', sa.Integer),
)


def _merge_duplicate_excerpts(conn: sa.Connection) -> None:
    """Merge every group of excerpts with the same span into its oldest excerpt."""
    survivor_of: dict[tuple[int, int, int], int] = {}
    excerpt_map: dict[int, int] = {}  # duplicate excerpt -> surviving excerpt
    for row in conn.execute(sa.select(excerpts).order_by(excerpts.c.id)):
        span = (row.document_id, row.start, row.end)
        if span in survivor_of:
            excerpt_map[row.id] = survivor_of[span]
        else:
            survivor_of[span] = row.id
    if not excerpt_map:
        return
    involved = set(excerpt_map) | set(excerpt_map.values())
    keeper_of: dict[tuple[int, int, int], int] = {}
    coding_map: dict[int, int] = {}  # dropped coding -> kept coding
    moved: list[int] = []  # kept codings on a duplicate excerpt
    for row in conn.execute(
        sa.select(codings).where(codings.c.excerpt_id.in_(involved)).order_by(codings.c.id)
    ):
        key = (excerpt_map.get(row.excerpt_id, row.excerpt_id), row.code_id, row.coder_id)
        if key in keeper_of:
            coding_map[row.id] = keeper_of[key]
        else:
            keeper_of[key] = row.id
            if row.excerpt_id in excerpt_map:
                moved.append(row.id)
    if coding_map:
        _repoint_coding_references(conn, coding_map)
        conn.execute(sa.delete(codings).where(codings.c.id.in_(coding_map)))
    for coding_id in moved:
        excerpt_id = conn.execute(sa.select(codings.c.excerpt_id).where(codings.c.id == coding_id)).scalar_one()
        conn.execute(
            sa.update(codings).where(codings.c.id == coding_id).values(excerpt_id=excerpt_map[excerpt_id])
        )
    for duplicate, survivor in excerpt_map.items():
        conn.execute(
            sa.update(memos)
            .where(memos.c.target_type == 'excerpt', memos.c.target_id == duplicate)
            .values(target_id=survivor)
        )
    conn.execute(sa.delete(excerpts).where(excerpts.c.id.in_(excerpt_map)))


def _repoint_coding_references(conn: sa.Connection, coding_map: dict[int, int]) -> None:
    """Point evidence, decisions and status evidence citing a dropped coding at the kept one."""
    cited = set(coding_map) | set(coding_map.values())
    seen: set[tuple[int, int]] = set()
    rows = conn.execute(sa.select(evidence).where(evidence.c.coding_id.in_(cited)).order_by(evidence.c.id))
    for row in rows.all():
        key = (row.element_id, coding_map.get(row.coding_id, row.coding_id))
        if key in seen:
            conn.execute(sa.delete(evidence).where(evidence.c.id == row.id))
            continue
        seen.add(key)
        if row.coding_id in coding_map:
            conn.execute(sa.update(evidence).where(evidence.c.id == row.id).values(coding_id=key[1]))
    for dropped, kept in coding_map.items():
        conn.execute(sa.update(decisions).where(decisions.c.coding_id == dropped).values(coding_id=kept))
    for row in conn.execute(sa.select(configurations)).all():
        cited_here = list(row.status_evidence or [])
        if set(cited_here) & set(coding_map):
            remapped = sorted({coding_map.get(i, i) for i in cited_here})
            conn.execute(
                sa.update(configurations).where(configurations.c.id == row.id).values(status_evidence=remapped)
            )


def upgrade() -> None:
    _merge_duplicate_excerpts(op.get_bind())
    with op.batch_alter_table('excerpts', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_excerpts_document_id_start_end'), ['document_id', 'start', 'end'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferences', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('preferences')

    with op.batch_alter_table('excerpts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_excerpts_document_id_start_end'), type_='unique')
