"""Flask app factory: a thin HTTP shell over runner.core. Errors answer JSON with the core error's status."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask import Flask, jsonify, redirect
from sqlalchemy import text

from .. import settings as configuration
from ..core.sign_in import Throttle
from ..settings import Settings
from ..store.db import Database
from . import failures, requests, security
from .api import api, login as api_login
from .diagrams import diagrams
from .pages import pages
from .workbench import workbench
from .sessions import shown_user


def create_app(db: Database | None = None, scheduler: Any = None, settings: Settings | None = None) -> Flask:
    """The app over `db` (default: the configured database). `settings` default to the environment's, read here
    once; what the core reads of them (fault-counting overrides, the script time limit) is installed for the
    process."""
    settings = settings or configuration.load()
    settings.install()
    app = Flask(__name__)
    app.config["SECRET_KEY"] = (settings.secret_key.get_secret_value() if settings.secret_key
                                else secrets.token_hex(32))
    app.extensions["wenze.db"] = db or Database(settings.database)
    app.extensions["wenze.scheduler"] = scheduler
    app.extensions["wenze.settings"] = settings
    app.extensions["wenze.throttle"] = Throttle(settings.login_failures_per_account,
                                                settings.login_failures_per_address,
                                                dt.timedelta(minutes=settings.login_window_minutes))
    # Order matters: a request is checked for what it carries before anything (CSRF included) reads it.
    requests.install(app, settings.max_body_bytes, {"api.add_attachment": settings.attachment_max_bytes})
    csrf = security.install(app, settings)
    csrf.exempt(api_login)
    failures.install(app)
    app.register_blueprint(api)
    app.register_blueprint(diagrams)
    app.register_blueprint(pages)
    app.register_blueprint(workbench)

    @app.context_processor
    def _who() -> dict[str, Any]:
        return {"shown_user": shown_user}

    @app.get("/")
    def home() -> Any:
        return redirect("/tasks")

    @app.get("/health")
    def health() -> Any:
        with app.extensions["wenze.db"].read() as session:
            session.execute(text("SELECT 1"))
        running = bool(scheduler and scheduler.running)
        return jsonify({"status": "ok", "database": app.extensions["wenze.db"].engine.dialect.name,
                        "scheduler": "running" if running else "stopped"})

    return app
