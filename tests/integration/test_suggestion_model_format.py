"""A stored suggestion model this version cannot read is refused with a retrain message, and
retraining recovers, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import srsly

from workbench.nlp.learning import ModelOutdated
from workbench.services import demo, projects
from workbench.services.errors import ServiceError
from workbench.services.studies import list_studies
from workbench.services.suggestion_cache import clear
from workbench.services.suggestions import suggest_for_study, train_model
from workbench.store.models import SuggestionModel

OWNER = "owner"


@pytest.fixture
def store(demo_clone):
    clear()  # another test's model of the same (store, project, version) must not be served
    return demo_clone


def test_an_unreadable_stored_model_asks_for_a_retraining_and_retraining_recovers(store):
    project = projects.project_id_by_name(store, OWNER, demo.DEMO_PROJECT)
    study = list_studies(store, OWNER, project)[0].id
    with store.transaction() as session:
        old = srsly.msgpack_dumps({"format": 0, "weights": [0.1, 0.2]})
        session.add(
            SuggestionModel(project_id=project, version=1, pipeline="old", model_bytes=old, metrics={})
        )
    with pytest.raises(ModelOutdated, match=r"retrain it \(Suggestions page, Retrain\)") as refused:
        suggest_for_study(store, OWNER, study, top=3)
    assert isinstance(refused.value, ServiceError)
    info = train_model(store, OWNER, project)
    assert info.version == 2
    assert all(s.model_version == 2 for s in suggest_for_study(store, OWNER, study, top=3))
