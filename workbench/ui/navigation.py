"""Every page of the app in one registry: app.py routes it; links and page switches name pages from it."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

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
MEMOS = PageEntry("memos.py", "Memos", ":material/sticky_note_2:")
GRAPHS = PageEntry("graphs.py", "Graphs", ":material/hub:")
EXPORT = PageEntry("export.py", "Export", ":material/download:")
AUDIT = PageEntry("audit.py", "Audit log", ":material/manage_history:")

SECTIONS: dict[str, list[PageEntry]] = {
    "Review": [PROJECTS, IMPORT, STUDIES, CHARACTERISTICS, APPRAISAL],
    "Synthesis": [CODING, SUGGESTIONS, CODEBOOK, CONFIGURATIONS, THEORY, MEMOS, GRAPHS],
    "Publish": [EXPORT, AUDIT],
}
DEFAULT = PROJECTS


def pages() -> dict[str, list[StreamlitPage]]:
    """The sections and pages for ``st.navigation``."""
    return {
        section: [st.Page(e.path, title=e.title, icon=e.icon, default=e is DEFAULT) for e in entries]
        for section, entries in SECTIONS.items()
    }


def link(entry: PageEntry, label: str | None = None) -> None:
    """A link to ``entry`` (as ``st.page_link``), labelled "Go to <title>" unless told otherwise."""
    st.page_link(entry.path, label=label or f"Go to {entry.title}", icon=entry.icon)
