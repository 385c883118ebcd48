"""Characteristics: bulk edits are checked before anything is saved, and the CSV round trip is lossless."""

import pytest

from workbench.domain.characteristics import CharacteristicError, FieldType
from workbench.services import characteristics, demo, projects
from workbench.services.access import ensure_user
from workbench.services.errors import PermissionDenied
from workbench.store.enums import Role
from workbench.store.models import Membership

USER = "owner"


@pytest.fixture
def store(demo_clone):
    """In this module every store starts as a fresh copy of the demo project (owned by "owner")."""
    return demo_clone


def demo_project(store) -> int:
    return projects.project_id_by_name(store, USER, demo.DEMO_PROJECT)


def test_a_csv_round_trip_changes_nothing_and_an_edited_csv_changes_one_study(store):
    project_id = demo_project(store)
    characteristics.add_field(store, USER, project_id, "Peer role", FieldType.CHOICE, ["paid", "volunteer"])
    text = characteristics.to_csv(store, USER, project_id)
    assert characteristics.from_csv(store, USER, project_id, text).changed == 0
    edited = text.replace("s10_tb_adherence,South Africa", "s10_tb_adherence,Lesotho")
    lines = edited.splitlines()
    lines[1] = lines[1] + "paid"  # first study's Peer role
    result = characteristics.from_csv(store, USER, project_id, "\n".join(lines) + "\n")
    assert (result.errors, result.changed) == ([], 2)
    _fields, rows = characteristics.grid(store, USER, project_id)
    by_key = {row["key"]: row for row in rows}
    assert by_key["s10_tb_adherence"]["country"] == "Lesotho"
    assert by_key["s01_acute_ward"]["Peer role"] == "paid"


def test_one_bad_cell_in_a_bulk_edit_saves_nothing_and_names_the_study(store):
    project_id = demo_project(store)
    characteristics.add_field(store, USER, project_id, "Follow-up (months)", FieldType.NUMBER, [])
    _fields, rows = characteristics.grid(store, USER, project_id)
    rows[0]["country"], rows[1]["Follow-up (months)"] = "Wales", "six"
    result = characteristics.save_grid(store, USER, project_id, rows[:2])
    assert result.errors == [f"{rows[1]['key']}: Follow-up (months): 'six' is not a number"]
    _fields, again = characteristics.grid(store, USER, project_id)
    assert again[0]["country"] != "Wales"


def test_an_edit_based_on_a_stale_grid_is_refused(store):
    project_id = demo_project(store)
    _fields, mine = characteristics.grid(store, USER, project_id)
    _fields, theirs = characteristics.grid(store, USER, project_id)
    theirs[0]["setting"] = "their change"
    assert characteristics.save_grid(store, USER, project_id, theirs[:1]).changed == 1
    mine[0]["setting"] = "my change"
    result = characteristics.save_grid(store, USER, project_id, mine[:1])
    assert "changed by someone else" in result.errors[0] and result.changed == 0


def test_csv_export_neutralises_spreadsheet_formulas(store):
    project_id = demo_project(store)
    _fields, rows = characteristics.grid(store, USER, project_id)
    rows[0]["setting"] = '=HYPERLINK("http://evil","click")'
    characteristics.save_grid(store, USER, project_id, rows[:1])
    text = characteristics.to_csv(store, USER, project_id)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert characteristics.from_csv(store, USER, project_id, text).changed == 0


def test_field_names_are_unique_and_removing_a_field_keeps_its_values(store):
    project_id = demo_project(store)
    characteristics.add_field(store, USER, project_id, "Peer role", FieldType.TEXT, [])
    with pytest.raises(CharacteristicError, match="already has a field"):
        characteristics.add_field(store, USER, project_id, "Peer role", FieldType.TEXT, [])
    _fields, rows = characteristics.grid(store, USER, project_id)
    rows[0]["Peer role"] = "sessional"
    characteristics.save_grid(store, USER, project_id, rows[:1])
    characteristics.remove_field(store, USER, project_id, "Peer role")
    characteristics.add_field(store, USER, project_id, "Peer role", FieldType.TEXT, [])
    _fields, rows = characteristics.grid(store, USER, project_id)
    assert rows[0]["Peer role"] == "sessional"


def test_stakeholders_cannot_edit_characteristics(store):
    project_id = demo_project(store)
    with store.transaction() as s:
        guest = ensure_user(s, "peer-worker")
        s.add(Membership(project_id=project_id, user_id=guest.id, role=Role.STAKEHOLDER))
    with pytest.raises(PermissionDenied, match="stakeholder"):
        characteristics.save_grid(store, "peer-worker", project_id, [])
