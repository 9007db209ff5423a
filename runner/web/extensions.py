"""Typed access to what runner.web.app.create_app keeps on the Flask app (Flask types `app.extensions` as Any)."""
from __future__ import annotations

from typing import Protocol

from flask import current_app

from ..core.sign_in import Throttle
from ..settings import Settings
from ..store.db import Database


class Wakeable(Protocol):
    """What the web shell needs of the timer scheduler (runner.scheduler.TimerScheduler)."""

    def wake(self) -> None: ...


def database() -> Database:
    """The database of the app serving the current request."""
    db: Database = current_app.extensions["wenze.db"]
    return db


def scheduler() -> Wakeable | None:
    """This process's timer scheduler, or None when the app runs without one (tests, `flask run`)."""
    found: Wakeable | None = current_app.extensions.get("wenze.scheduler")
    return found


def throttle() -> Throttle:
    """How many failed sign-ins this app allows (runner.core.sign_in)."""
    limits: Throttle = current_app.extensions["wenze.throttle"]
    return limits


def settings() -> Settings:
    """The settings the app was made with."""
    made_with: Settings = current_app.extensions["wenze.settings"]
    return made_with
