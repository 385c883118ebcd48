"""The filter panel shared by the Graphs and Export pages: studies, reviewers, version, status."""

from __future__ import annotations

import streamlit as st

from workbench.services.figures import FigureFilters, filter_options
from workbench.ui import resources
from workbench.ui.revision_cache import cached
from workbench.ui.text import plain

CURRENT = "current configurations"


def figure_filters(project_id: int, prefix: str, revision: tuple[object, ...] | None = None) -> FigureFilters:
    """An expander of filters (keys start with ``prefix``); returns what is chosen. With the project's
    ``revision`` (``ui/revision_cache.py``) the options are read again only when it changed."""
    store, user = resources.store(), resources.username()
    if revision is None:
        options = filter_options(store, user, project_id)
    else:
        options = cached(
            f"{prefix}_filter_options", None, revision, lambda: filter_options(store, user, project_id)
        )
    with st.expander("Filters", expanded=False):
        left, middle, right = st.columns(3)
        disciplines = left.multiselect("Discipline", options.disciplines, key=f"{prefix}_discipline")
        countries = left.multiselect("Country", options.countries, key=f"{prefix}_country")
        relevance = middle.multiselect("Relevance", options.ratings, key=f"{prefix}_relevance")
        rigour = middle.multiselect("Rigour", options.ratings, key=f"{prefix}_rigour")
        reviewers = right.multiselect("Reviewer", options.reviewers, key=f"{prefix}_reviewer")
        statuses = right.multiselect("Configuration status", options.statuses, key=f"{prefix}_status")
        versions = dict(options.versions)
        version = st.selectbox(
            "Programme theory version",
            [None, *versions],
            format_func=lambda v: CURRENT if v is None else versions[v],
            key=f"{prefix}_version",
        )
    chosen = FigureFilters(
        tuple(disciplines),
        tuple(countries),
        tuple(relevance),
        tuple(rigour),
        tuple(reviewers),
        version,
        tuple(statuses),
    )
    described = [line for line in chosen.describe() if not line.startswith("programme theory")]
    if version is not None:
        described.append(f"programme theory version {versions[version]!r}")
    if described:
        # "reviewer: bob": the names are escaped, the ": " after each label stays readable (no directive)
        st.caption("Filtered: " + "; ".join(": ".join(plain(p) for p in d.split(": ", 1)) for d in described))
    return chosen
