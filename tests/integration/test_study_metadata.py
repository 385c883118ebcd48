"""A full text without a reference: metadata guessed from its page, confirmed, or a reference attached."""

import io

import pytest
from PIL import Image
from sqlalchemy import update

from tests.pdf_samples import AUTHORS, DOI, JOURNAL, TITLE, YEAR, bmj_open_like_pdf
from workbench.importers.archive import from_bytes
from workbench.services import importing, projects, studies, study_metadata
from workbench.services.audit import audit_entries
from workbench.services.errors import Conflict, Invalid, PermissionDenied
from workbench.store.models import Document

USER = "importer"


def import_bmj_pdf(store) -> tuple[int, studies.StudyRow]:
    project_id = projects.create_project(store, USER, "Realist review")
    files = [from_bytes("bmjopen-2024-012345.pdf", bmj_open_like_pdf())]
    summary = importing.import_files(store, USER, project_id, files)
    (outcome,) = summary.outcomes
    assert outcome.status is importing.Status.IMPORTED, outcome
    (row,) = studies.list_studies(store, USER, project_id)
    return project_id, row


def test_a_two_column_pdf_without_a_reference_gets_its_title_authors_year_and_doi_from_the_page(store):
    _project_id, row = import_bmj_pdf(store)
    assert row.title == TITLE
    assert row.citation == "Okafor et al., 2024"
    assert (row.year, row.doi, row.journal) == (YEAR, DOI, JOURNAL)
    assert row.guessed == ("title", "authors", "year", "doi", "journal")
    assert "_metadata_guessed" not in row.extras  # the mark is not a characteristic
    metadata = study_metadata.study_metadata(store, USER, row.id)
    assert metadata.authors == AUTHORS


def test_confirming_guessed_metadata_saves_the_edits_clears_the_mark_and_is_audited(store):
    project_id, row = import_bmj_pdf(store)
    shown = study_metadata.study_metadata(store, USER, row.id)
    edited = {"title": TITLE, "authors": ["Okafor, Amina", "Reyes, Jonathan"], "year": "2024", "doi": DOI}
    study_metadata.confirm_metadata(store, USER, row.id, {**edited, "journal": "BMJ Open"}, shown.version)
    confirmed = study_metadata.study_metadata(store, USER, row.id)
    assert confirmed.guessed == [] and confirmed.citation == "Okafor & Reyes, 2024"
    (entry, *_) = audit_entries(store, USER, project_id, study_id=row.id)
    assert entry.after["authors"] == "Okafor, Amina; Reyes, Jonathan" and entry.after["guessed"] == ""
    with pytest.raises(Conflict):
        study_metadata.confirm_metadata(store, USER, row.id, {"title": "Old tab"}, shown.version)
    with pytest.raises(Invalid, match="not a year"):
        study_metadata.confirm_metadata(store, USER, row.id, {"year": "20x4"}, confirmed.version)


RIS = """TY  - JOUR
AU  - Okafor, Amina
AU  - Reyes, Jonathan
AU  - Chen, Mei Lin
TI  - Peer support workers and engagement in community mental health care: a realist review
PY  - 2024
JO  - BMJ Open
VL  - 14
SP  - e012345
DO  - 10.1136/bmjopen-2024-012345
ER  -
"""


def test_attaching_a_ris_reference_later_fills_the_study_and_leaves_nothing_guessed(store):
    _project_id, row = import_bmj_pdf(store)
    version = study_metadata.study_metadata(store, USER, row.id).version
    after = study_metadata.attach_reference(store, USER, row.id, "ref.ris", RIS.encode(), version)
    assert after.guessed == [] and after.doi == DOI and after.authors == AUTHORS
    (reloaded,) = studies.list_studies(store, USER, _project_id)
    assert reloaded.guessed == () and reloaded.journal == "BMJ Open"


def test_a_typed_doi_is_stored_and_a_later_full_text_with_it_matches_the_study(store):
    project_id = projects.create_project(store, USER, "Review")
    ris = "TY  - JOUR\nTI  - A study known only by its reference\nPY  - 2024\nER  -\n"
    importing.import_files(store, USER, project_id, [from_bytes("refs.ris", ris.encode())])
    (row,) = studies.list_studies(store, USER, project_id)
    with pytest.raises(Invalid, match="not a DOI"):
        study_metadata.set_doi(store, USER, row.id, "bmjopen 2024", None)
    study_metadata.set_doi(store, USER, row.id, f"https://doi.org/{DOI.upper()}", None)
    files = [from_bytes("bmjopen-2024-012345.pdf", bmj_open_like_pdf())]
    (outcome,) = importing.import_files(store, USER, project_id, files).outcomes
    assert outcome.status is importing.Status.MATCHED and outcome.study_key == row.key
    (matched,) = studies.list_studies(store, USER, project_id)
    assert matched.doi == DOI and matched.documents == 1


def test_only_members_who_edit_may_change_a_studys_reference(store):
    _project_id, row = import_bmj_pdf(store)
    with pytest.raises(PermissionDenied):
        study_metadata.set_doi(store, "mallory", row.id, DOI, None)
    with pytest.raises(PermissionDenied):
        study_metadata.attach_reference(store, "mallory", row.id, "ref.ris", RIS.encode(), None)


def test_an_imported_pdf_shows_its_original_page_from_the_stored_file(store):
    _project_id, row = import_bmj_pdf(store)
    text = studies.read_study(store, USER, row.id)
    assert text is not None and text.is_pdf and text.has_original
    image = Image.open(io.BytesIO(studies.page_image(store, USER, row.id, 1)))
    assert image.width > 500 and image.height > image.width
    with pytest.raises(PermissionDenied):
        studies.page_image(store, "mallory", row.id, 1)


def test_an_older_import_without_its_file_renders_only_the_very_file_the_text_came_from(store):
    _project_id, row = import_bmj_pdf(store)
    with store.transaction() as session:  # as imported before the store kept originals
        session.execute(update(Document).values(original=None))
    assert not studies.read_study(store, USER, row.id).has_original
    with pytest.raises(Invalid, match="choose the same PDF"):
        studies.page_image(store, USER, row.id, 1)
    image = Image.open(io.BytesIO(studies.page_image(store, USER, row.id, 1, bmj_open_like_pdf())))
    assert image.width > 500
    with pytest.raises(Invalid, match="not the PDF"):
        studies.page_image(store, USER, row.id, 1, bmj_open_like_pdf() + b"\n")
