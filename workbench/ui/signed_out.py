"""The pages someone not signed in sees: sign in (password or identity provider), and reset a password."""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

import streamlit as st

from workbench.services import auth
from workbench.ui import http, resources
from workbench.ui.errors import reported
from workbench.ui.text import plain

REFUSED = "_workbench_oidc_refused"  # why a signed-in identity has no account here


def sign_in() -> None:
    """Login and password (Enter submits), or the identity provider's button in ``oidc`` mode."""
    st.title("Sign in")
    if auth.mode() == "oidc":
        _identity_provider()
        return
    with st.form("sign_in"):
        login = st.text_input("Login", key="sign_in_login", autocomplete="username")
        password = st.text_input(
            "Password", type="password", key="sign_in_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")
    if not submitted:
        st.caption("Forgot your password? A project owner can send you a link to set a new one.")
        return
    with reported():
        ticket = auth.sign_in(resources.store(), login.strip(), password)
        st.success("Signed in; opening the workbench…")
        redirect(f"{http.COMPLETE}?ticket={quote(ticket)}", "Continue to the workbench")
        st.stop()


def _identity_provider() -> None:
    refused = st.session_state.get(REFUSED)
    if refused and st.user.get("is_logged_in", False):
        st.error(plain(refused), icon=":material/person_off:")
        if st.button("Sign out", icon=":material/logout:"):
            st.session_state.pop(REFUSED, None)
            st.logout()
        return
    st.write("Sign in with your organisation's account.")
    if st.button("Sign in", type="primary", icon=":material/login:"):
        st.login()


def reset_password() -> None:
    """Set a new password through a one-time link ``/?reset=TOKEN`` an owner issued."""
    st.title("Reset password")
    token = str(st.query_params.get("reset", ""))
    store = resources.store()
    with reported():
        login = auth.reset_login(store, token)
        st.write(f"Choose a new password for **{plain(login)}** (at least {auth.MIN_PASSWORD} characters).")
        with st.form("reset_password"):
            first = st.text_input("New password", type="password", autocomplete="new-password")
            again = st.text_input("New password again", type="password", autocomplete="new-password")
            submitted = st.form_submit_button("Set password", type="primary")
        if submitted:
            _set_password(token, first, again)


def _set_password(token: str, first: str, again: str) -> None:
    if first != again:
        st.error("The two passwords differ.", icon=":material/error:")
        return
    with reported():
        auth.reset_password(resources.store(), token, first)
        st.query_params.clear()
        st.success("Password set. Sign in with it now.", icon=":material/check:")
        st.link_button("Sign in", "/", type="primary")


def redirect(url: str, label: str) -> None:
    """Send the browser to ``url`` on this server (a script in the page, and a link if scripts are off)."""
    st.html(
        f'<a href="{escape(url)}" target="_self">{escape(label)}</a>'
        f"<script>window.location.assign({json.dumps(url)});</script>",
        unsafe_allow_javascript=True,
    )
