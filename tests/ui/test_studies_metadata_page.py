"""Studies page: a full text's guessed metadata shown for confirmation, and the reader's page markers."""

from tests.pdf_samples import DOI, TITLE, bmj_open_like_pdf
from workbench.importers.archive import from_bytes
from workbench.services import importing, projects
from workbench.services.database import upgrade_database
from workbench.services.studies import list_studies
from workbench.store.db import Store

USER = "ui-reviewer"


def imported_bmj_pdf(tmp_path) -> tuple[str, Store]:
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    store = Store.open(url)
    upgrade_database(store)
    project_id = projects.create_project(store, USER, "Realist review")
    importing.import_files(store, USER, project_id, [from_bytes("paper.pdf", bmj_open_like_pdf())])
    return url, store


def test_guessed_metadata_is_shown_for_confirmation_and_confirming_clears_it(tmp_path, open_app):
    url, store = imported_bmj_pdf(tmp_path)
    at = open_app(url, USER, "studies")
    assert not at.exception
    assert at.dataframe[0].value["Metadata"].tolist() == ["to confirm"]
    assert at.text_area(key="guess_title").value == TITLE
    assert at.text_input(key="guess_doi").value == DOI
    at.text_input(key="guess_journal").input("BMJ Open (London)")
    at.button[0].click().run()  # the form's Confirm
    assert not at.exception
    (row,) = list_studies(store, USER, 1)
    assert row.guessed == () and row.journal == "BMJ Open (London)"
    assert not [e for e in at.expander if "Metadata to confirm" in e.label]


def test_the_reader_keeps_a_sentence_whole_across_a_caption(tmp_path, open_app):
    url, store = imported_bmj_pdf(tmp_path)
    at = open_app(url, USER, "studies")
    at.selectbox(key="reader_study").set_value(list_studies(store, USER, 1)[0].id).run()
    assert not at.exception
    page_one = at.text[0].value
    assert "more often than those\nwho\ndid not, especially" in page_one
    caption = "Figure 1 Flow of studies through the review, from searches to\ninclusion."
    assert page_one.rstrip().endswith(caption)
