"""Streamlit entry point: the sign-in gate, page configuration and routing only.

Each browser session (and AppTest) runs this file as ``__main__``. ``streamlit run app.py`` first
imports it to find ``app``: the server with the sign-in cookie routes (workbench/ui/http.py), which
refuses to start when the sign-in mode does not fit the address it serves.
"""

from pathlib import Path

import streamlit as st

from workbench.ui import http

if __name__ == "__main__":
    from workbench.ui import auth_gate, resources
    from workbench.ui.errors import reported
    from workbench.ui.navigation import pages

    # A shipped file, not a ":material/…:" name: Streamlit fetches such a favicon from fonts.gstatic.com,
    # and a self-hosted install must make no request outside its own server.
    ICON = Path(__file__).parent / "workbench" / "ui" / "assets" / "favicon.svg"
    st.set_page_config(page_title="Realist workbench", page_icon=str(ICON), layout="wide")

    user = None
    joining = auth_gate.joining()  # a /?join= link opens the participant page only, whoever is signed in
    if not joining:
        with reported():  # who is acting: WORKBENCH_AUTH decides how (workbench/ui/auth_gate.py)
            user = auth_gate.signed_in_user()
    routed = pages() if user else auth_gate.signed_out_pages()  # the registry: workbench/ui/navigation.py
    navigation = st.navigation(
        auth_gate.join_pages() if joining else routed,
        position="hidden" if joining else "sidebar",
        expanded=True,  # every page in the sidebar, never behind "View N more"
    )
    # One error boundary for every page: a ServiceError shows its message, anything else a plain notice
    with reported():
        resources.announce_upgrade()  # opens (upgrading if need be) the store; says once where the backup is
        if user:
            auth_gate.sidebar(user)
        navigation.run()
else:
    if (problem := http.startup_problem()) is not None:
        raise SystemExit(f"workbench: refusing to start: {problem}")
    app = st.App(__file__, routes=http.routes())
