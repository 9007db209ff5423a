"""Who is signed in, and signing in and out (README "Security").

A request names its user with an API token (`Authorization: Bearer wz_…`, what scripts should use: one indexed
lookup), with HTTP Basic credentials (the fallback for scripts: a slow password check on every request, with the
same throttling as a sign-in) or with the session cookie that /login and /api/login issue. The cookie carries the account's
session version; signing out or setting a password bumps it, and every request compares, so a copied cookie stops
working at once in every runner process.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import g, request, session
from flask_wtf.csrf import generate_csrf

from ..core import api_tokens, sign_in as signing_in, users
from ..errors import Forbidden
from ..store.models import User
from .extensions import database, throttle
from .security import credentials

USER, VERSION = "user", "session_version"
DEFAULT_PAGE = "/tasks"


def sign_in(name: str, password: str) -> User:
    """Check the password (throttled) and start a new session for the account: the old session's data, CSRF
    token included, is dropped, so nothing planted before sign-in carries over."""
    user = _checked(name, password)
    session.clear()
    g.pop("csrf_token", None)      # Flask-WTF's per-request copy of the old session's token
    session[USER], session[VERSION] = user.name, user.session_version
    g.wenze_user = user.name
    return user


def sign_out() -> None:
    """End every session of the signed-in account (see the module docstring) and this one."""
    name = signed_in()
    if name is not None:
        with database().write() as db_session:
            users.end_sessions(db_session, name)
            db_session.commit()
    session.clear()


def signed_in() -> str | None:
    """The request's user, or None. A token or HTTP Basic credentials that do not match are refused (Forbidden),
    not taken for an anonymous request; a session issued before the account's last sign-out or password change is
    dropped."""
    if "wenze_user" not in g:       # known once per request
        named_by = credentials(request)
        g.wenze_user = _from_token() if named_by == "bearer" else _from_basic_auth() if named_by else _from_cookie()
    name: str | None = g.wenze_user
    return name


def shown_user() -> str | None:
    """Who a page's header shows as signed in. A header's credentials are checked (and counted) only by a view
    that needs a user: a page that needs none, the sign-in form above all, shows whatever they are."""
    if credentials(request):
        known: str | None = g.get("wenze_user")
        return known
    return signed_in()


def current_user() -> str:
    """The request's user; Forbidden if nobody is signed in."""
    name = signed_in()
    if name is None:
        raise Forbidden("请先登录：POST /api/login {\"user\", \"password\"}，或带 API 令牌（Authorization: Bearer …）")
    return name


def csrf_token() -> str:
    """The session's CSRF token, for API clients to send back as the X-CSRFToken header."""
    return str(generate_csrf())


def local_path(target: str | None) -> str:
    """Where to go after signing in: `target` if it is a path on this site, else DEFAULT_PAGE. Browsers read
    `//host`, `/\\host` and paths with tabs or newlines removed as other sites, so any of those, a scheme or a
    host is refused."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return DEFAULT_PAGE
    if "\\" in target or any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return DEFAULT_PAGE
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else DEFAULT_PAGE


def _checked(name: str, password: str) -> User:
    return signing_in.sign_in(database(), throttle(), name, password, request.remote_addr or "")


def _from_basic_auth() -> str:
    given = request.authorization
    assert given is not None             # security.credentials said so
    return _checked(given.username or "", given.password or "").name


def _from_token() -> str:
    authorization = request.authorization
    assert authorization is not None     # security.credentials said so
    with database().engine.connect() as conn:
        name = api_tokens.owner(conn, authorization.token or "")
    if name is None:
        raise Forbidden("API 令牌无效或已撤销")
    return name


def _from_cookie() -> str | None:
    name, version = session.get(USER), session.get(VERSION)
    if not isinstance(name, str):
        return None
    # A Core connection, not an ORM session: every signed-in request asks this, and a session costs a third more.
    with database().engine.connect() as conn:
        current = users.session_version(conn, name)
    if current is None or current != version:
        # Ended by a sign-out or a password change (or the account is gone): forget who it was, keep the CSRF
        # token so that the page it came from can still sign in again.
        session.pop(USER, None)
        session.pop(VERSION, None)
        return None
    return name
