"""Account page: who you are signed in as, change your password, sign out."""

import streamlit as st

from workbench.services import auth
from workbench.ui import auth_gate, http, resources
from workbench.ui.errors import reported
from workbench.ui.text import plain
from workbench.ui.widgets import project_picker

project_picker()  # the sidebar's project choice, as on every page
st.title("Account")
user, mode = resources.username(), auth.mode()

if mode == "local":
    st.info(
        f"Sign-in is off (`WORKBENCH_AUTH=local`): this app acts as **{plain(user)}**, "
        "the `WORKBENCH_USER` setting or your login name. A server others open needs "
        "`WORKBENCH_AUTH=password` or `oidc`.",
        icon=":material/computer:",
    )
elif mode == "oidc":
    st.write(f"Signed in as **{plain(user)}** through your organisation's identity provider.")
    st.caption("Your password is managed by the identity provider, not here.")
else:
    st.write(f"Signed in as **{plain(user)}**.")
    st.subheader("Change password")
    with st.form("change_password", clear_on_submit=True):
        old = st.text_input("Current password", type="password", autocomplete="current-password")
        new = st.text_input(
            f"New password (at least {auth.MIN_PASSWORD} characters)",
            type="password",
            autocomplete="new-password",
        )
        again = st.text_input("New password again", type="password", autocomplete="new-password")
        submitted = st.form_submit_button("Change password", type="primary")
    if submitted:
        if new != again:
            st.error("The two new passwords differ.", icon=":material/error:")
        else:
            with reported():
                cookie = st.context.cookies.get(http.COOKIE)
                auth.change_password(resources.store(), user, old, new, cookie=cookie)
                st.success("Password changed. Your other browsers are signed out.", icon=":material/check:")

if mode != "local" and st.button("Sign out", icon=":material/logout:", key="account_sign_out"):
    auth_gate.sign_out()
