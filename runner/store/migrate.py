"""Bring a database to the newest schema with Alembic (`wenze migrate`), and tell whether it is there."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import OperationalError

from ..errors import DatabaseUnavailable
from .db import Database, masked

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database.url.replace("%", "%%"))
    return config


def upgrade(database: Database) -> None:
    command.upgrade(alembic_config(database), "head")


def head() -> str:
    """The revision the code needs."""
    return str(ScriptDirectory(str(MIGRATIONS)).get_current_head())


def revision(database: Database) -> str | None:
    """The database's schema revision; None when it has no tables yet."""
    try:
        with database.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as err:
        raise DatabaseUnavailable(f"cannot open {masked(database.url)}: {err.orig}") from None
