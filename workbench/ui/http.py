"""The app's own HTTP routes (beside Streamlit's): set and clear the session cookie; refuse unsafe starts.

A Streamlit page cannot set an HttpOnly cookie, so after a right password the page sends the browser
to ``/auth/complete?ticket=T``, which trades the one-time ticket for the cookie and redirects home.
"""

from __future__ import annotations

import streamlit as st
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from workbench.services import auth
from workbench.services.errors import ServiceError
from workbench.ui import resources

COOKIE = "workbench_session"
COMPLETE = "/auth/complete"
SIGN_OUT = "/auth/sign-out"


def startup_problem() -> str | None:
    """Why this server must not start (an unknown mode, or ``local`` off loopback); None when fine."""
    try:
        mode = auth.mode()
    except ServiceError as exc:
        return str(exc)
    return auth.startup_problem(mode, st.get_option("server.address"))


def _is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _home(status: int = 303) -> RedirectResponse:
    return RedirectResponse("/", status_code=status)


def complete(request: Request) -> Response:
    """``GET /auth/complete?ticket=T``: the session cookie for a fresh ticket, then the app."""
    try:
        cookie = auth.redeem_ticket(resources.store(), request.query_params.get("ticket", ""))
    except ServiceError:
        return _home()  # a used or expired ticket: the sign-in page again
    response = _home()
    response.set_cookie(
        COOKIE, cookie.value, max_age=cookie.max_age, path="/", secure=_is_https(request),
        httponly=True, samesite="lax",
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


def sign_out(request: Request) -> Response:
    """``GET /auth/sign-out``: revoke the session (if the page has not already) and clear the cookie."""
    auth.sign_out(resources.store(), request.cookies.get(COOKIE))
    response = _home()
    response.delete_cookie(COOKIE, path="/", secure=_is_https(request), httponly=True, samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list[Route]:
    """The routes ``st.App`` serves beside Streamlit's own."""
    return [Route(COMPLETE, complete, methods=["GET"]), Route(SIGN_OUT, sign_out, methods=["GET"])]
