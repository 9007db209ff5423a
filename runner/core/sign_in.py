"""Signing in with a password, refused for a while after too many failures for one account or from one address.

Failures are rows in the database (`login_failure`), not process memory: several runner processes serving one
site share the count, and a restart does not reset it. The window slides: an attempt is heard again as soon as
fewer than the limit of failures lie within the last `window`. A refused attempt is not itself counted, so a
locked account opens again on time however often someone keeps trying. Two attempts racing in different
processes may both be heard at the limit; the overshoot is bounded by the requests in flight.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..errors import Forbidden, TooManyAttempts
from ..store.db import Database
from ..store.models import LoginFailure, User
from . import clock, users

ACCOUNT, ADDRESS = "account", "address"
_KEY_LENGTH = 200                 # LoginFailure.key's length: longer names are cut, and so counted together


class Throttle(NamedTuple):
    """How many failures within `window` an account and an address may have before sign-in is refused
    (WENZE_LOGIN_FAILURES_PER_ACCOUNT, WENZE_LOGIN_FAILURES_PER_ADDRESS, WENZE_LOGIN_WINDOW_MINUTES)."""

    per_account: int
    per_address: int
    window: dt.timedelta


def sign_in(db: Database, throttle: Throttle, name: str, password: str, address: str) -> User:
    """The account `name` if `password` is its password; Forbidden otherwise, and TooManyAttempts (checking no
    password at all) while the account or the address has had too many failures recently."""
    now = clock.now()
    counted = ((ACCOUNT, name[:_KEY_LENGTH], throttle.per_account),
               (ADDRESS, address[:_KEY_LENGTH], throttle.per_address))
    try:
        with db.read() as session:
            recent = {scope: _recent(session, scope, key, now - throttle.window) for scope, key, _ in counted}
            for scope, _key, limit in counted:
                _refuse_if_over(recent[scope], limit, throttle.window, now)
            user = users.authenticate(session, name, password)
    except Forbidden:
        _count_failure(db, counted, now, throttle.window)
        raise
    if recent[ACCOUNT]:
        with db.write() as session:
            # A success clears the account's count (not the address's: one right password among many guesses
            # from an address does not make its other guesses harmless).
            session.execute(delete(LoginFailure).where(LoginFailure.scope == ACCOUNT,
                                                       LoginFailure.key == counted[0][1]))
            session.commit()
    return user


def _count_failure(db: Database, counted: tuple[tuple[str, str, int], ...], now: dt.datetime,
                   window: dt.timedelta) -> None:
    with db.write() as session:
        session.execute(insert(LoginFailure), [{"scope": scope, "key": key, "at": now} for scope, key, _ in counted])
        # Failures older than the window count for nothing: drop them (of every key) as new ones come in.
        session.execute(delete(LoginFailure).where(LoginFailure.at <= now - window))
        session.commit()


def _recent(session: Session, scope: str, key: str, since: dt.datetime) -> list[dt.datetime]:
    return list(session.scalars(select(LoginFailure.at)
                                .where(LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.at > since)
                                .order_by(LoginFailure.at)))


def _refuse_if_over(failures: list[dt.datetime], limit: int, window: dt.timedelta, now: dt.datetime) -> None:
    if len(failures) < limit:
        return
    # Heard again once only limit - 1 failures remain in the window: when the oldest surplus one leaves it.
    reopens = failures[len(failures) - limit] + window
    seconds = max(1, math.ceil((reopens - now).total_seconds()))
    raise TooManyAttempts(f"登录失败次数过多，请 {math.ceil(seconds / 60)} 分钟后再试", retry_after=seconds)
