"""The embedded SQLite store: WAL checkpoints run in the background, not inside a user's commit."""
from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import insert

from runner.store.db import Database
from runner.store.migrate import upgrade
from runner.store.models import HolidayTable


def _main_file_has_row(folder: Path) -> bool:
    """Whether the database file alone (without its -wal) already holds the row: checkpointed."""
    copy = folder / "copy.sqlite3"
    shutil.copy(folder / "wenze.sqlite3", copy)
    with sqlite3.connect(copy) as connection:
        return connection.execute("SELECT count(*) FROM holiday_year").fetchone()[0] == 1


def _checkpointers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "wenze-wal-checkpoint"}


def test_commits_leave_checkpoints_to_the_background_thread(tmp_path: Path) -> None:
    others = _checkpointers()
    db = Database(f"sqlite:///{tmp_path / 'wenze.sqlite3'}")
    ours = _checkpointers() - others
    assert len(ours) == 1
    upgrade(db)
    with db.connect_write() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0   # commits never checkpoint
        conn.execute(insert(HolidayTable), {"year": 2031, "table": {}, "loaded_by": "admin",
                                            "loaded_at": dt.datetime.now(dt.timezone.utc)})
        conn.commit()
    give_up = time.monotonic() + 10
    while not _main_file_has_row(tmp_path):
        assert time.monotonic() < give_up, "the checkpointer never copied the commit into the database file"
        time.sleep(0.05)
    db.dispose()
    assert not any(thread.is_alive() for thread in ours)
