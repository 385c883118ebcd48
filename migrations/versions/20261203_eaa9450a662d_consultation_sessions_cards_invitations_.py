"""consultation sessions: cards, invitations, answers

Revision ID: eaa9450a662d
Revises: 18cad6811e7d
Create Date: 2026-12-03 13:59:37.512851
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'eaa9450a662d'
down_revision: str | None = '18cad6811e7d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('consultation_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('configuration_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('mechanism', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('example_quote', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['configuration_id'], ['configurations.id'], name=op.f('fk_consultation_cards_configuration_id_configurations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['consultation_sessions.id'], name=op.f('fk_consultation_cards_session_id_consultation_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_cards')),
    sa.UniqueConstraint('session_id', 'configuration_id', name=op.f('uq_consultation_cards_session_id_configuration_id'))
    )
    with op.batch_alter_table('consultation_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_cards_configuration_id'), ['configuration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_cards_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('configuration_ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('missing', sa.Text(), server_default=sa.text("''"), nullable=False))
        batch_op.add_column(sa.Column('kind_missing', sa.Enum('context', 'mechanism', 'outcome', name='kind_missing', native_enum=False, create_constraint=True, length=16), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    # answers given before this revision were last changed when they were given
    op.execute("UPDATE configuration_ratings SET updated_at = created_at")
    with op.batch_alter_table('configuration_ratings', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)

    with op.batch_alter_table('consultation_participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pseudonym', sa.String(length=100), server_default=sa.text("''"), nullable=False))
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_consultation_participants_token_hash'), ['token_hash'])

    with op.batch_alter_table('consultation_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.Text(), server_default=sa.text("''"), nullable=False))
        batch_op.add_column(sa.Column('mode', sa.Enum('live', 'open', name='mode', native_enum=False, create_constraint=True, length=16), server_default=sa.text("'live'"), nullable=False))
        batch_op.add_column(sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('theory_version_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('shown_card_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_consultation_sessions_theory_version_id_programme_theory_versions'), 'programme_theory_versions', ['theory_version_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('consultation_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consultation_sessions_theory_version_id_programme_theory_versions'), type_='foreignkey')
        batch_op.drop_column('shown_card_id')
        batch_op.drop_column('theory_version_id')
        batch_op.drop_column('closes_at')
        batch_op.drop_column('opens_at')
        batch_op.drop_column('mode')
        batch_op.drop_column('purpose')

    with op.batch_alter_table('consultation_participants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_consultation_participants_token_hash'), type_='unique')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('token_hash')
        batch_op.drop_column('pseudonym')

    with op.batch_alter_table('configuration_ratings', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('kind_missing')
        batch_op.drop_column('missing')

    with op.batch_alter_table('consultation_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_cards_session_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_cards_configuration_id'))

    op.drop_table('consultation_cards')
