"""Every page of the app in one registry: app.py routes it; links and page switches name pages from it."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from workbench.services.access import Action
from workbench.ui import permissions

FOLDER = "workbench/ui/pages"


@dataclass(frozen=True)
class PageEntry:
    """A page: its script (relative to the app's folder), its title and its Material icon."""

    script: str
    title: str
    icon: str

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.script}"


PROJECTS = PageEntry("projects.py", "Projects", ":material/folder:")
IMPORT = PageEntry("import_studies.py", "Import", ":material/upload_file:")
STUDIES = PageEntry("studies.py", "Studies", ":material/article:")
CHARACTERISTICS = PageEntry("characteristics.py", "Characteristics", ":material/table_edit:")
APPRAISAL = PageEntry("appraisal.py", "Appraisal", ":material/fact_check:")
CODING = PageEntry("coding.py", "Coding", ":material/edit_note:")
SUGGESTIONS = PageEntry("suggestions.py", "Suggestions", ":material/lightbulb:")
CODEBOOK = PageEntry("codebook.py", "Codebook", ":material/account_tree:")
CONFIGURATIONS = PageEntry("configurations.py", "Configurations", ":material/schema:")
THEORY = PageEntry("theory.py", "Programme theory", ":material/history:")
CONSULTATIONS = PageEntry("consultations.py", "Consultations", ":material/forum:")
MY_CONSULTATIONS = PageEntry("my_consultations.py", "My consultations", ":material/rate_review:")
MEMOS = PageEntry("memos.py", "Memos", ":material/sticky_note_2:")
GRAPHS = PageEntry("graphs.py", "Graphs", ":material/hub:")
EXPORT = PageEntry("export.py", "Export", ":material/download:")
AUDIT = PageEntry("audit.py", "Audit log", ":material/manage_history:")
ACCOUNT = PageEntry("account.py", "Account", ":material/account_circle:")
AGREEMENT = PageEntry("agreement.py", "Agreement", ":material/compare_arrows:")
MY_STUDIES = PageEntry("my_studies.py", "My studies", ":material/assignment_ind:")
ASSIGNMENTS = PageEntry("assignments.py", "Assignments", ":material/assignment:")
TEAM = PageEntry("team.py", "Team", ":material/group:")

SECTIONS: dict[str, list[PageEntry]] = {
    "Review": [PROJECTS, IMPORT, STUDIES, CHARACTERISTICS, APPRAISAL, MY_STUDIES, ASSIGNMENTS],
    "Synthesis": [
        CODING,
        SUGGESTIONS,
        CODEBOOK,
        CONFIGURATIONS,
        THEORY,
        CONSULTATIONS,
        MY_CONSULTATIONS,
        MEMOS,
        GRAPHS,
        AGREEMENT,
    ],
    "Publish": [EXPORT, AUDIT],
    "Account": [TEAM, ACCOUNT],
}
DEFAULT = PROJECTS

# what a page is for (by script): a role without that action does not see the page listed; pages not
# named here (Projects, Team, Account) are every member's
NEEDS: dict[str, Action] = {
    IMPORT.script: Action.IMPORT,
    STUDIES.script: Action.READ_STUDIES,
    CHARACTERISTICS.script: Action.READ_STUDIES,
    APPRAISAL.script: Action.READ_STUDIES,
    MY_STUDIES.script: Action.CODE,
    ASSIGNMENTS.script: Action.READ_STUDIES,
    CODING.script: Action.CODE,
    SUGGESTIONS.script: Action.SUGGEST,
    CODEBOOK.script: Action.READ_STUDIES,
    CONFIGURATIONS.script: Action.READ_THEORY,
    THEORY.script: Action.READ_THEORY,
    CONSULTATIONS.script: Action.RUN_CONSULTATIONS,
    MY_CONSULTATIONS.script: Action.RATE_CONFIGURATIONS,
    MEMOS.script: Action.READ_STUDIES,
    GRAPHS.script: Action.READ_THEORY,
    AGREEMENT.script: Action.VIEW_AGREEMENT,
    EXPORT.script: Action.EXPORT,
    AUDIT.script: Action.VIEW_AUDIT,
}


def listed(entry: PageEntry, allowed: frozenset[Action] | None) -> bool:
    """Whether the page is listed for a member allowed ``allowed`` (None: no project yet, all are)."""
    needs = NEEDS.get(entry.script)
    return allowed is None or needs is None or needs in allowed


def pages() -> dict[str, list[StreamlitPage]]:
    """The sections and pages for ``st.navigation``: those the acting user's role in the current
    project can use."""
    allowed = permissions.refresh()
    return {
        section: [
            st.Page(e.path, title=e.title, icon=e.icon, default=e is DEFAULT)
            for e in entries
            if listed(e, allowed)
        ]
        for section, entries in SECTIONS.items()
    }


def link(entry: PageEntry, label: str | None = None) -> None:
    """A link to ``entry`` (as ``st.page_link``), labelled "Go to <title>" unless told otherwise."""
    st.page_link(entry.path, label=label or f"Go to {entry.title}", icon=entry.icon)
