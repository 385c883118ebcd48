"""The delete and merge previews name the other members whose codings would go, as the refusal does."""

import pytest

from tests.conftest import DEMO_OWNER
from workbench.domain.codebook import CodeKind
from workbench.services import codebook, demo, projects
from workbench.services.errors import PermissionDenied
from workbench.store.db import Store


def _hope(store: Store) -> tuple[int, codebook.CodeNode]:
    project_id = projects.project_id_by_name(store, DEMO_OWNER, demo.DEMO_PROJECT)
    nodes = codebook.flatten(codebook.codebook_tree(store, DEMO_OWNER, project_id))
    return project_id, next(n for n in nodes if n.name == "Hope")


def test_the_previews_name_every_other_coder_of_the_code_but_never_the_viewer(demo_store: Store):
    _project, hope = _hope(demo_store)
    assert codebook.deletion_impact(demo_store, DEMO_OWNER, hope.id).others == ("alice", "bob")
    assert codebook.deletion_impact(demo_store, "alice", hope.id).others == ("bob",)
    merge = codebook.merge_impact(demo_store, "alice", hope.id)
    assert (merge.codings, merge.others) == (hope.codings_with_sub_codes, ("bob",))


def test_a_parent_code_names_the_coders_of_its_sub_codes(demo_store: Store):
    project_id = projects.project_id_by_name(demo_store, DEMO_OWNER, demo.DEMO_PROJECT)
    parent = next(
        n for n in codebook.flatten(codebook.codebook_tree(demo_store, DEMO_OWNER, project_id)) if n.children
    )
    assert parent.codings == 0
    impact = codebook.deletion_impact(demo_store, "bob", parent.id)
    assert impact.codings == parent.codings_with_sub_codes and impact.others == ("alice",)


def test_the_refusal_on_submit_names_the_same_people_the_preview_named(demo_store: Store):
    _project, hope = _hope(demo_store)
    named = codebook.deletion_impact(demo_store, "alice", hope.id).others
    with pytest.raises(PermissionDenied, match=f"work by {', '.join(named)};"):
        codebook.delete_code(demo_store, "alice", hope.id)


def test_a_code_with_no_codings_names_nobody(store: Store):
    project_id = projects.create_project(store, "solo", "Solo review")
    code = codebook.create_code(store, "solo", project_id, "Unused", CodeKind.OTHER)
    assert codebook.deletion_impact(store, "solo", code).others == ()
    assert codebook.merge_impact(store, "solo", code).others == ()
