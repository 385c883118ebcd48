"""The sign-in gate app.py runs first: who is signed in (by WORKBENCH_AUTH mode), and what they may open."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from workbench.services import auth
from workbench.services.access import current_username
from workbench.services.errors import ServiceError
from workbench.ui import http, participant, resources, signed_out
from workbench.ui.text import plain

RESET_PARAM = "reset"


def signed_in_user() -> str | None:
    """The acting user for this run, remembered in session state; None when nobody is signed in."""
    mode = auth.mode()
    user: str | None
    if mode == "local":
        user = current_username()
    elif mode == "password":
        user = auth.session_user(resources.store(), st.context.cookies.get(http.COOKIE))
    else:
        user = _oidc_user()
    if user:
        st.session_state[resources.SIGNED_IN] = user
    else:
        st.session_state.pop(resources.SIGNED_IN, None)
    return user


def _oidc_user() -> str | None:
    if not st.user.get("is_logged_in", False):
        return None
    verified = st.user.get("email_verified")
    email = st.user.get("email")
    try:
        return auth.oidc_username(
            resources.store(), str(email or ""), None if verified is None else bool(verified)
        )
    except ServiceError as exc:
        st.session_state[signed_out.REFUSED] = str(exc)
        return None


def signed_out_pages() -> list[StreamlitPage]:
    """What someone not signed in may open: the sign-in page, or the reset page of a ``/?reset=`` link."""
    if auth.mode() == "password" and st.query_params.get(RESET_PARAM):
        return [st.Page(signed_out.reset_password, title="Reset password", icon=":material/lock_reset:")]
    return [st.Page(signed_out.sign_in, title="Sign in", icon=":material/login:", default=True)]


def joining() -> bool:
    """Whether this visit opens a consultation invitation (``/?join=``): in every sign-in mode, and
    whoever is signed in, such a visit is routed to the participant page and nothing else."""
    return participant.JOIN_PARAM in st.query_params


def join_pages() -> list[StreamlitPage]:
    """The one page a ``/?join=`` link opens."""
    return [st.Page(participant.page, title="Consultation", icon=":material/forum:", default=True)]


def sidebar(user: str) -> None:
    """Who is signed in, and a Sign out button (``password`` and ``oidc`` modes)."""
    mode = auth.mode()
    if mode == "local":
        return
    st.sidebar.caption(f"Signed in as **{plain(user)}**")
    if not st.sidebar.button("Sign out", icon=":material/logout:", key="sign_out"):
        return
    sign_out()


def sign_out() -> None:
    """End this browser's session: revoked on the server first, then the cookie cleared by a redirect."""
    st.session_state.pop(resources.SIGNED_IN, None)
    if auth.mode() == "oidc":
        st.logout()
        return
    auth.sign_out(resources.store(), st.context.cookies.get(http.COOKIE))  # dead before the redirect
    signed_out.redirect(http.SIGN_OUT, "Signed out. Continue")
    st.stop()
