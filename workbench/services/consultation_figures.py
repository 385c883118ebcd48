"""The infographic of a consultation card's context, for its participants: boxes, lines and counts only."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.configurations import ElementRole
from workbench.domain.figure_layout import Layout, layout
from workbench.domain.figures import (
    CodeRef,
    ContextFigure,
    Edge,
    Node,
    ProgrammeData,
    context_figure,
    figure_contexts,
    subfactors,
)
from workbench.services.consultation_answers import _invited, _member, cards_of
from workbench.services.errors import NotFound
from workbench.services.figures import _codings, _configurations
from workbench.services.visibility import shared_codings
from workbench.store.consultation_models import ConsultationCard, ConsultationSession
from workbench.store.db import Store
from workbench.store.models import Code, Study


@dataclass(frozen=True)
class CardFigure:
    """One context's infographic on a card: where every box, line and label goes, and the boxes' names
    and colours. Counts are numbers of studies; no study, reference, excerpt or coder is in it."""

    card_id: int
    context: str
    layout: Layout
    figure: ContextFigure  # nodes and edges with their names and colours, without studies or evidence


def _bare(node: Node) -> Node:
    return replace(node, studies=frozenset(), evidence=())


def _bare_edge(edge: Edge) -> Edge:
    return replace(edge, studies=frozenset(), evidence=())


def anonymous(figure: ContextFigure) -> ContextFigure:
    """The figure without anything naming a study: which studies, their evidence, configuration labels."""
    return ContextFigure(
        context=_bare(figure.context),
        subfactors=tuple(_bare(n) for n in figure.subfactors),
        mechanisms=tuple(_bare(n) for n in figure.mechanisms),
        outcomes=tuple(_bare(n) for n in figure.outcomes),
        edges=tuple(_bare_edge(e) for e in figure.edges),
        configurations=(),
    )


def _data(session: Session, project_id: int, configuration_ids: set[int]) -> ProgrammeData:
    """The codes, and the consultation's configurations with the codings every member may read;
    studies are known by id only (their citations are left empty)."""
    study_ids = session.scalars(select(Study.id).where(Study.project_id == project_id)).all()
    codes = session.scalars(select(Code).where(Code.project_id == project_id)).all()
    codings = _codings(session, project_id, dict.fromkeys(study_ids, ""), shared_codings(session, project_id))
    configs = [c for c in _configurations(session, project_id, codings) if c.id in configuration_ids]
    return ProgrammeData(
        tuple(CodeRef(c.id, c.name, c.kind, c.parent_id, c.colour, c.position) for c in codes),
        (),
        tuple(configs),
    )


def _figures(session: Session, found: ConsultationSession, card_id: int) -> tuple[CardFigure, ...]:
    """The figures of a card of ``found`` (the caller has checked who is asking)."""
    card = session.get(ConsultationCard, card_id)
    if card is None or card.session_id != found.id:
        raise NotFound("this card is not part of your consultation")
    if not card.show_figure:
        return ()
    configuration_ids = {c.configuration_id for c in cards_of(session, found.id)}
    data = _data(session, found.project_id, configuration_ids)
    mine = next((c for c in data.configurations if c.id == card.configuration_id), None)
    if mine is None:
        return ()
    used = {e.code_id for e in mine.of_role(ElementRole.CONTEXT)}
    out = []
    for context in figure_contexts(data.codes):
        if ({context.id} | {c.id for c, _ in subfactors(data.codes, context.id)}) & used:
            figure = context_figure(data, context.id)
            out.append(CardFigure(card.id, context.name, layout(figure), anonymous(figure)))
    return tuple(out)


def card_figure(store: Store, token: str, card_id: int) -> tuple[CardFigure, ...]:
    """The infographic of the card's context, one per context of its configuration (none when the card
    does not show it), for the holder of an invitation link to the card's consultation."""
    with store.transaction() as session:
        _participant, found = _invited(session, token)
        return _figures(session, found, card_id)


def member_card_figure(store: Store, username: str, session_id: int, card_id: int) -> tuple[CardFigure, ...]:
    """:func:`card_figure` for a signed-in member taking part in the consultation."""
    with store.transaction() as session:
        _participant, found = _member(session, username, session_id)
        return _figures(session, found, card_id)
