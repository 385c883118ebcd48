"""The demo project: the whole sample corpus loaded faithfully, once."""

from sqlalchemy import select

from workbench.domain.codebook import iter_codes
from workbench.importers.sample_corpus import read_sample_corpus
from workbench.services import configurations, demo, projects, stats, studies
from workbench.store.models import Document, Excerpt

OWNER = "owner"


def demo_id(store):
    return projects.project_id_by_name(store, OWNER, demo.DEMO_PROJECT)


def test_the_demo_holds_every_study_with_its_reference_and_characteristics(demo_store):
    rows = studies.list_studies(demo_store, OWNER, demo_id(demo_store))
    assert len(rows) >= 12
    for row in rows:
        assert row.doi and row.doi.startswith("10.5555/"), row.key
        assert row.title and row.year and row.journal, row.key
        assert row.country and row.discipline and row.participants and row.method, row.key
        assert row.relevance in {"high", "moderate", "low"} and row.rigour in {"high", "moderate", "low"}
        assert row.documents == 1 and row.excerpts >= 10, row.key
    disciplines = {r.discipline for r in rows}
    assert {"tuberculosis", "HIV", "diabetes", "breastfeeding"} <= disciplines


def test_the_demo_holds_exactly_what_the_sample_corpus_files_hold(demo_store):
    corpus = read_sample_corpus()
    counts = stats.store_stats(demo_store, OWNER, demo_id(demo_store))
    assert counts["studies"] == counts["documents"] == len(corpus.studies)
    assert counts["codes"] == sum(1 for _ in iter_codes(corpus.codebook))
    assert counts["excerpts"] == len(corpus.gold.excerpts)
    assert counts["codings"] == sum(len(e.codes) for e in corpus.gold.excerpts)
    assert counts["configurations"] == len(corpus.gold.configurations)


def test_every_excerpt_is_the_exact_slice_of_its_document(demo_store):
    with demo_store.transaction() as s:
        rows = s.execute(select(Excerpt, Document).join(Document)).all()
        assert rows
        for excerpt, document in rows:
            assert document.text[excerpt.start : excerpt.end] == excerpt.text
            if document.media_type == "application/pdf":
                assert excerpt.page is not None and 1 <= excerpt.page <= len(document.page_starts)
            else:
                assert excerpt.page is None


def test_study_counts_of_configurations_vary(demo_store):
    rows = configurations.list_configurations(demo_store, OWNER, demo_id(demo_store))
    counts = {r.n_studies for r in rows}
    assert min(counts) == 1 or min(counts) == 2
    assert max(counts) >= 4
    for row in rows:
        assert row.contexts and row.mechanisms and row.outcomes, row.label


def test_loading_the_demo_twice_changes_nothing(demo_clone):
    before = stats.store_stats(demo_clone, OWNER)
    result = demo.load_demo(demo_clone, OWNER)
    assert not result.created
    assert stats.store_stats(demo_clone, OWNER) == before
