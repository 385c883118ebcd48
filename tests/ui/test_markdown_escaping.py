"""Names typed by reviewers or read from documents reach Markdown elements escaped: an image link in a
project, study, code, field or memo name is shown as text, never fetched (a tracking vector)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_OWNER
from workbench.domain.characteristics import FieldType
from workbench.services import characteristics, codebook, demo, memos
from workbench.services.configurations import list_configurations
from workbench.services.projects import project_id_by_name
from workbench.services.studies import list_studies
from workbench.store.db import Store
from workbench.store.enums import MemoTarget
from workbench.store.models import Project, Study
from workbench.ui.cmoc_state import OPEN
from workbench.ui.text import plain

EVIL = "![x](http://127.0.0.1:9/t.png) **bold** <b>b</b>"
RAW = ("](http://127.0.0.1:9", "**bold**", "<b>b</b>")  # any of these unescaped would be rendered
ESCAPED = plain(EVIL)
DEMO = demo.DEMO_PROJECT
MARKDOWN = ("markdown", "caption", "info", "success", "warning", "error", "title", "header", "subheader")
LABELLED = ("expander", "checkbox", "toggle", "multiselect", "selectbox", "radio", "button", "text_input")


@pytest.fixture
def evil_url(demo_url: str) -> str:
    """The demo store with a project, a study, a context code, a field and a memo all named EVIL."""
    store = Store.open(demo_url)
    project_id = project_id_by_name(store, DEMO_OWNER, DEMO)
    tree = codebook.flatten(codebook.codebook_tree(store, DEMO_OWNER, project_id))
    context = next(n for n in tree if n.name == "Non-judgemental stance")
    codebook.rename_code(store, DEMO_OWNER, context.id, EVIL, expected_version=context.version)
    characteristics.add_field(store, DEMO_OWNER, project_id, EVIL, FieldType.TEXT, [])
    memos.create_memo(store, DEMO_OWNER, project_id, MemoTarget.PROJECT, None, EVIL, title=EVIL)
    with store.transaction() as session:  # no service renames a project or retitles a study
        session.get_one(Project, project_id).name = EVIL
        first = session.scalars(
            select(Study).where(Study.project_id == project_id).order_by(Study.id)
        ).first()
        assert first is not None
        first.title, first.authors = EVIL, [EVIL]
    store.dispose()
    return demo_url


def rendered(at: AppTest) -> list[str]:
    """Every text a page renders as Markdown: Markdown, captions, alerts, headings and widget labels."""
    texts = [e.value for kind in MARKDOWN for e in getattr(at, kind)]
    texts += [w.label for kind in LABELLED for w in getattr(at, kind)]
    texts += [option for radio in at.radio for option in radio.options]  # radio options are Markdown too
    return [str(t) for t in texts]


def _check(at: AppTest) -> list[str]:
    assert not at.exception, at.exception
    texts = rendered(at)
    unescaped = [t for t in texts if any(raw in t for raw in RAW)]
    assert unescaped == []
    return texts


def _open(open_app, url: str, page: str) -> AppTest:
    at = open_app(url, page=page)
    _check(at)
    return at


def test_the_projects_page_shows_a_project_name_as_text(open_app, evil_url):
    texts = _check(_open(open_app, evil_url, "projects"))
    assert any(ESCAPED in t for t in texts)


def test_the_characteristics_page_shows_a_field_name_as_text(open_app, evil_url):
    texts = _check(_open(open_app, evil_url, "characteristics"))
    assert any(f"**{ESCAPED}**" in t for t in texts)


def test_the_memos_page_shows_a_memo_title_as_text(open_app, evil_url):
    texts = _check(_open(open_app, evil_url, "memos"))
    assert any(f"**{ESCAPED}**" in t for t in texts)


def test_the_coding_page_shows_a_study_title_as_text(open_app, evil_url):
    texts = _check(_open(open_app, evil_url, "coding"))
    assert any(ESCAPED in t for t in texts)


def _ids(url: str) -> tuple[int, int]:
    """The ids of the retitled study and of a configuration in the renamed context."""
    store = Store.open(url)
    project_id = project_id_by_name(store, DEMO_OWNER, EVIL)
    study = next(r.id for r in list_studies(store, DEMO_OWNER, project_id) if EVIL in r.title)
    config = next(r.id for r in list_configurations(store, DEMO_OWNER, project_id) if EVIL in r.contexts)
    store.dispose()
    return study, config


def test_the_studies_reader_shows_a_study_citation_as_text(open_app, evil_url):
    study_id, _ = _ids(evil_url)
    at = _open(open_app, evil_url, "studies")
    at = at.selectbox(key="reader_study").set_value(study_id).run()
    assert any(ESCAPED in t for t in _check(at))


def test_an_opened_configuration_shows_its_code_names_as_text(open_app, evil_url):
    _, config_id = _ids(evil_url)
    at = _open(open_app, evil_url, "configurations")
    at = at.selectbox(key=OPEN).set_value(config_id).run()
    texts = _check(at)
    assert any(ESCAPED in e.label for e in at.expander) and any(ESCAPED in t for t in texts)


@pytest.mark.parametrize(
    "page",
    ["configurations", "graphs", "codebook", "export", "audit", "suggestions", "appraisal", "import_studies"],
)
def test_no_other_page_renders_the_names_as_markdown(open_app, evil_url, page):
    _check(_open(open_app, evil_url, page))


@pytest.mark.parametrize(
    ("page", "tab_key", "tab"),
    [
        ("graphs", "graphs_tab", "Sankey"),
        ("graphs", "graphs_tab", "Context × outcome"),
        ("graphs", "graphs_tab", "Study × code"),
        ("graphs", "graphs_tab", "Chains"),
        ("configurations", "configurations_tab", "Build a CMOC"),
        ("configurations", "configurations_tab", "Chains"),
    ],
)
def test_tabs_drawn_only_when_opened_render_the_names_as_text_too(open_app, evil_url, page, tab_key, tab):
    at = open_app(evil_url)
    at.session_state[tab_key] = tab
    _check(at.switch_page(f"workbench/ui/pages/{page}.py").run())
