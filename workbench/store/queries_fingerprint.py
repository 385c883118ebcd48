"""Several one-row queries (counts, sums, maxima: a fingerprint) sent to the database as one statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import FromClause, Select, select, true
from sqlalchemy.orm import Session


def one_row(session: Session, queries: Sequence[Select[*tuple[Any, ...]]]) -> tuple[Any, ...]:
    """The values of ``queries``, each of which returns exactly one row (aggregates without GROUP BY, or
    a scalar subquery selected alone), in their order, read in one statement instead of one each."""
    subqueries = [query.subquery() for query in queries]  # one row each: joined, still one row
    joined: FromClause = subqueries[0]
    for subquery in subqueries[1:]:
        joined = joined.join(subquery, true())
    return tuple(session.execute(select(*[c for sq in subqueries for c in sq.c]).select_from(joined)).one())
