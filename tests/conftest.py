"""Shared fixtures: the injectable clock, a migrated database per test (SQLite and PostgreSQL), deployed procedures."""
from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from sqlalchemy import create_engine, text

from runner.core import clock as clock_module, counting, engine, regulations, users
from runner.core.deploy import deploy, deployed_regulations, read_sources
from runner.core.live import LIVE
from runner.store.db import Database
from runner.store.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PG_URL = os.environ.get("WENZE_TEST_POSTGRES_URL")


def at(day: str, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    """An instant in Beijing time."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute, second=second, tzinfo=SHANGHAI)


def after(last_day: str) -> dt.datetime:
    """One second after 24:00 of `last_day` (民法典 第二百零三条: a period's last day ends at 24:00)."""
    return at(last_day) + dt.timedelta(days=1, seconds=1)


def utc(instant: dt.datetime) -> str:
    """How the runner reports an instant (timer due_at): ISO in UTC."""
    return instant.astimezone(dt.timezone.utc).isoformat()


@pytest.fixture
def clock() -> Iterator[clock_module.ManualClock]:
    """A clock standing at Tue 2026-09-29 09:00 Beijing time until a test moves it."""
    manual = clock_module.ManualClock(dt.datetime(2026, 9, 29, 9, 0, tzinfo=SHANGHAI))
    previous = clock_module.install(manual)
    yield manual
    clock_module.install(previous)


@pytest.fixture
def overrides() -> Iterator[Callable[[dict[str, Any]], None]]:
    """overrides({"jinzhai": {"window": "calendar_year"}}) installs fault-counting overrides as WENZE_FAULT_COUNTING
    would; the registry's own rules hold again after the test."""
    previous = counting.current()
    yield lambda given: counting.install({key: counting.Override(**fields) for key, fields in given.items()})
    counting.install(previous)


@pytest.fixture(autouse=True)
def saves_match_the_stock_serializer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case state the suite saves is checked against SpiffWorkflow's own serialize_json: reusing finished
    tasks' dicts and encoding with orjson must store exactly the document the stock serializer would."""
    dump = engine.dump_workflow

    def checked(workflow: object) -> str:
        state = dump(workflow)
        assert json.loads(state) == json.loads(engine.reference_dump(workflow)), "a save differs from serialize_json"
        return state

    monkeypatch.setattr(engine, "dump_workflow", checked)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    """A migrated PostgreSQL template database; each test gets a fresh copy of it."""
    if not PG_URL:
        if os.environ.get("WENZE_REQUIRE_POSTGRES"):
            pytest.fail("WENZE_TEST_POSTGRES_URL is not set (scripts/test starts a cluster)")
        yield None
        return
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS wenze_template"))
        conn.execute(text("CREATE DATABASE wenze_template"))
    template = Database(PG_URL.rsplit("/", 1)[0] + "/wenze_template")
    upgrade(template)
    template.dispose()
    yield "wenze_template"
    admin.dispose()


def _fresh_database(kind: str, tmp_path: Path, pg_template: str | None) -> Iterator[Database]:
    LIVE.clear()
    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'wenze.sqlite3'}")
        upgrade(db)
        yield db
        db.dispose()
        return
    if pg_template is None:
        pytest.skip("PostgreSQL not available: run scripts/test")
    name = f"wenze_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {pg_template}"))
    db = Database(PG_URL.rsplit("/", 1)[0] + "/" + name)
    yield db
    db.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path, pg_template: str | None) -> Iterator[Database]:
    """A migrated, empty database; every test using it runs on SQLite and on PostgreSQL."""
    yield from _fresh_database(request.param, tmp_path, pg_template)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    yield from _fresh_database("sqlite", tmp_path, None)


def seed(db: Database, root: Path = ROOT) -> None:
    """Deploy `root` and create the demo accounts of its regulation registry (and admin)."""
    deploy(db, read_sources(root))
    with db.write() as session:
        users.seed_demo(session, regulations.demo_accounts(deployed_regulations(session)))
        session.commit()


@pytest.fixture
def deployed(db: Database, clock: clock_module.ManualClock) -> Database:
    """The real bpmn/ dmn/ forms/ deployed, demo users created."""
    seed(db)
    return db
