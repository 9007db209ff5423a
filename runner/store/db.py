"""Engines and sessions. SQLite (WAL) is the embedded default; PostgreSQL is the scale-out store.

On SQLite a write transaction starts with BEGIN IMMEDIATE: two writers then queue on the database lock instead of
both reading the same revision and failing late with "database is locked". On PostgreSQL use cases lock the case
row (SELECT … FOR UPDATE) and the revision column catches anything that slips past.

SQLite's WAL is checkpointed by a background thread, not by whichever commit crosses the threshold: a checkpoint
fsyncs the database file, and no user's step should wait for that (SQLite documents application-initiated
checkpoints for this; commits stay durable against a crash of the process with synchronous=NORMAL).
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for an in-memory or server database."""
    if not url.startswith("sqlite:///") or url in ("sqlite:///", "sqlite:///:memory:"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def masked(url: str) -> str:
    """The URL with its password hidden, for printing."""
    return make_url(url).render_as_string(hide_password=True)


def _normalise(url: str) -> str:
    # psycopg 3 is the PostgreSQL driver; accept the plain scheme people paste.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Database:
    """A database at `url` (runner.settings.Settings.database gives the configured one). Opening a SQLite file
    creates it."""

    def __init__(self, url: str) -> None:
        self.url = _normalise(url)
        self.engine = _make_engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        path = sqlite_file(self.url)
        self._checkpointer = _Checkpointer(str(path)) if path else None
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(wenze_write=True)
        self._writer = sessionmaker(self._write_engine, expire_on_commit=False)

    def read(self) -> Session:
        return self._reader()

    def write(self) -> Session:
        """A session for one use case; the caller commits (or leaves, rolling back)."""
        return self._writer()

    def connect_write(self) -> Connection:
        """A connection for one use case written with SQLAlchemy Core (the steps of cases, a tenth cheaper than a
        session); the caller commits (or leaves, rolling back)."""
        return self._write_engine.connect()

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()


class _Checkpointer:
    """Checkpoints a SQLite WAL every `every` seconds from its own thread and connection."""

    def __init__(self, path: str, every: float = 0.5) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(path, every), name="wenze-wal-checkpoint",
                                        daemon=True)
        self._thread.start()

    def _run(self, path: str, every: float) -> None:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            while not self._stop.wait(every):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)")   # never waits on writers or readers
                except sqlite3.OperationalError:
                    pass       # busy with another checkpointer (a second process): the next round catches up
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _json_text(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# JSON columns (timeline events, timer details, decision records) are encoded by orjson: several per step.
_JSON = {"json_serializer": _json_text, "json_deserializer": orjson.loads}


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **_JSON)
    path = sqlite_file(url)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **_JSON)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA wal_autocheckpoint=0")      # the _Checkpointer thread does it
        cursor.execute("PRAGMA secure_delete=FAST")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get("wenze_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
