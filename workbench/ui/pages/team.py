"""Team page: the project's members and roles; owners invite, change roles, remove and reset passwords."""

from urllib.parse import urlsplit

import streamlit as st

from workbench.services import auth, members
from workbench.services.access import Action
from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.permissions import can
from workbench.ui.text import plain
from workbench.ui.widgets import require_project

ROLES = list(members.ROLES)
REVIEWER = [r.value for r in ROLES].index("reviewer")  # what most invitees are
SIGN_IN = {
    "local": "They act as themselves by starting the app or the CLI with WORKBENCH_USER={login}.",
    "password": "They have no password yet: use **Reset password** below and send them the link.",
    "oidc": "They sign in with their organisation's account once an administrator has recorded their "
    "e-mail: workbench user add {login} --email ADDRESS --no-password.",
}


def _address() -> str:
    """The app's own address (scheme and host) as the browser sees it, when Streamlit knows it."""
    url = st.context.url
    parts = urlsplit(url) if url else None
    return f"{parts.scheme}://{parts.netloc}" if parts and parts.netloc else ""


def show_team() -> None:
    """The members as they are now (drawn last, at the top, so a change made in this run shows)."""
    with summary:
        st.caption(plain(f"You are a {members.my_role(store, user, project.id).value} of {project.name}."))
        st.dataframe(
            [{"Login": m.login, "Name": m.display_name, "Role": m.role.value,
              "Password set": m.has_password, "Active": m.active}
             for m in members.list_members(store, user, project.id)],
            hide_index=True, width="stretch",
        )  # fmt: skip


project = require_project()
st.title("Team")
store, user = resources.store(), resources.username()
summary = st.container()
if not can(Action.MANAGE_MEMBERS):
    show_team()
    st.info("Only the project's owners invite members, change roles and remove members.")
    st.stop()
team = members.list_members(store, user, project.id)

with st.form("invite", clear_on_submit=True):
    st.subheader("Invite")
    left, right = st.columns(2)
    login = left.text_input("Login", placeholder="e.g. alice", key="invite_login")
    role = right.selectbox("Role", ROLES, index=REVIEWER, format_func=str, key="invite_as")
    if st.form_submit_button("Invite", type="primary"):
        with reported():
            added = members.add_member(store, user, project.id, login, role)
            st.success(plain(f"{added.member.login} is now a {added.member.role.value} of {project.name}."))
            if added.new_account:
                how = SIGN_IN.get(auth.mode(), "").format(login=plain(added.member.login))
                st.info(f"{plain(added.member.login)} has no account yet, so one was made. {how}")

st.subheader("Change a member")
logins = [m.login for m in team]
by_login = {m.login: m for m in team}
who = st.selectbox("Member", logins, key="team_member")
member = by_login[who]
left, middle, right = st.columns(3)
new_role = left.selectbox("Role", ROLES, index=ROLES.index(member.role), format_func=str, key="team_role")
if left.button("Change role", disabled=new_role is member.role, key="team_change_role"):
    with reported():
        members.change_role(store, user, project.id, who, new_role)
        st.rerun()
sure = middle.checkbox(f"Yes, remove {plain(who)} (their work stays)", key="team_confirm_remove")
if middle.button("Remove from project", disabled=not sure, key="team_remove"):
    with reported():
        members.remove_member(store, user, project.id, who)
        st.rerun()
if right.button("Reset password", key="team_reset", help="a one-time link, valid for 24 hours"):
    with reported():
        token = auth.issue_password_reset(store, user, project.id, who)
        right.write(plain(f"Send {who} this link (valid once, for 24 hours):"))
        right.code(f"{_address()}/?reset={token}", language=None)
show_team()
