"""Schema upgrades keep what earlier versions stored working."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import insert, select

from runner.store.db import Database
from runner.store.migrate import alembic_config, head, revision, upgrade
from runner.store.models import ProcessVersion


def test_versions_deployed_before_the_registry_keep_their_regulation(tmp_path: Path) -> None:
    """Cases running on a version deployed before bpmn/regulations/ still record and count faults as then."""
    db = Database(f"sqlite:///{tmp_path / 'wenze.sqlite3'}")
    command.upgrade(alembic_config(db), "0004")
    assert revision(db) == "0004" and revision(db) != head()
    now = dt.datetime.now(dt.timezone.utc)
    with db.connect_write() as conn:
        for number, process_id in enumerate(["chifeng_interference", "jinzhai_lost_case_accountability"]):
            conn.execute(insert(ProcessVersion), {
                "process_id": process_id, "name": process_id, "content_hash": f"{number}" * 64,
                "spec": {"spec": {}, "subprocesses": {}, "starters": []}, "files": {}, "forms": {},
                "created_at": now})
        conn.commit()
    upgrade(db)
    with db.read() as session:
        specs = {row.process_id: row.spec for row in session.execute(select(ProcessVersion.process_id,
                                                                            ProcessVersion.spec))}
    db.dispose()
    assert {pid: (spec["regulation"], spec["fault_counting"]) for pid, spec in specs.items()} == {
        "chifeng_interference": ("chifeng_interference", {"window": "lifetime", "same_type": False,
                                                          "count_current_case": False}),
        "jinzhai_lost_case_accountability": ("jinzhai", {"window": "one_year", "same_type": True,
                                                         "count_current_case": False})}
