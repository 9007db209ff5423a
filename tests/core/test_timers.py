"""Due timers fire exactly once, whichever process sweeps; the scheduler fires timers that fell due while down."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import time

from sqlalchemy import func, select

from runner.core import cases, clock as clock_module, timers
from runner.scheduler import TimerScheduler
from runner.store.db import Database
from runner.store.models import Event, Timer
from tests.conftest import FIXTURES, SHANGHAI, seed

MINI = FIXTURES / "mini"
INTAKE = {"who": "王敏", "received_on": "2026-09-29", "tags": []}
AFTER_DUE = dt.datetime(2026, 10, 9, 0, 0, 1, tzinfo=SHANGHAI)     # last day 10-08 (国庆 roll), ends 24:00


def _waiting_case(db: Database, received_on: str = "2026-09-29") -> int:
    started = cases.start_case(db, "mini", {}, "zonghe")
    cases.complete_task(db, started["ready_tasks"][0]["id"], INTAKE | {"received_on": received_on}, "zonghe")
    return started["case"]


def test_a_due_timer_fires_once_and_the_timeline_shows_due_and_fired_times(db: Database, clock) -> None:
    seed(db, MINI)
    case_id = _waiting_case(db)
    clock.set(dt.datetime(2026, 10, 8, 23, 59, tzinfo=SHANGHAI))
    assert timers.fire_due(db) == 0                        # not due before 24:00 of the last day
    clock.set(AFTER_DUE)
    assert timers.fire_due(db) == 1
    assert timers.fire_due(db) == 0
    case = cases.show_case(db, case_id)
    assert case["status"] == "completed"
    ended = [e for e in case["events"] if e["kind"] == "period_ended"]
    assert len(ended) == 1
    assert ended[0]["due_at"] == "2026-10-08T16:00:00+00:00" and ended[0]["fired_at"] == AFTER_DUE.isoformat()
    assert [t["state"] for t in case["timers"]] == ["fired"]


def test_a_sweep_reads_only_due_timers(db: Database, clock) -> None:
    seed(db, MINI)
    early, late = _waiting_case(db, "2026-09-29"), _waiting_case(db, "2026-11-02")
    clock.set(AFTER_DUE)
    owner = "test-owner"
    claimed = timers.claim(db, owner)
    with db.read() as session:
        rows = {t.case_id: t for t in session.scalars(select(Timer))}
    assert claimed == [rows[early].id] and rows[late].lease_owner is None
    assert timers.claim(db, "someone-else") == []          # leased: nobody else may take it


def _sweeper(url: str, now_iso: str, owner: str, queue) -> None:
    clock_module.install(clock_module.ManualClock(dt.datetime.fromisoformat(now_iso)))
    queue.put(timers.fire_due(Database(url), owner))


def test_two_processes_fire_each_of_1000_due_timers_exactly_once(db: Database, clock) -> None:
    if db.is_sqlite:
        count = 200          # the point on SQLite is the same; PostgreSQL carries the full thousand
    else:
        count = 1000
    seed(db, MINI)
    for _ in range(count):
        _waiting_case(db)
    clock.set(AFTER_DUE)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_sweeper, args=(db.url, AFTER_DUE.isoformat(), f"runner-{i}", queue))
               for i in range(2)]
    for worker in workers:
        worker.start()
    fired = [queue.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert sum(fired) == count
    with db.read() as session:
        states = dict(session.execute(select(Timer.state, func.count()).group_by(Timer.state)).all())
        ended = session.scalar(select(func.count()).select_from(Event).where(Event.kind == "period_ended"))
        notes = session.scalar(select(func.count()).select_from(Event).where(Event.element_id == "timeout_note"))
    assert states == {"fired": count} and ended == count and notes == count


def test_the_scheduler_fires_timers_that_fell_due_while_it_was_down(sqlite_db: Database, clock) -> None:
    seed(sqlite_db, MINI)
    case_id = _waiting_case(sqlite_db)
    clock.set(AFTER_DUE)                                    # the runner "was down" across the deadline
    scheduler = TimerScheduler(sqlite_db)
    scheduler.start()                                       # a real APScheduler job fires it at start-up
    try:
        for _ in range(200):
            if cases.show_case(sqlite_db, case_id)["status"] == "completed":
                break
            time.sleep(0.05)                                # waiting for the scheduler's thread, not for a deadline
        case = cases.show_case(sqlite_db, case_id)
    finally:
        scheduler.shutdown()
    assert case["status"] == "completed" and scheduler.fired == 1
    timer = case["timers"][0]
    assert dt.datetime.fromisoformat(timer["due_at"]) < dt.datetime.fromisoformat(timer["fired_at"])


def test_wake_schedules_the_next_due_timer(sqlite_db: Database, clock) -> None:
    seed(sqlite_db, MINI)
    _waiting_case(sqlite_db)
    scheduler = TimerScheduler(sqlite_db)
    scheduler.start()
    try:
        job = scheduler._scheduler.get_job("wake")
        delay = (job.next_run_time - dt.datetime.now(dt.timezone.utc)).total_seconds()
        expected = (AFTER_DUE - clock.now()).total_seconds()
        assert abs(delay - expected) < 5
    finally:
        scheduler.shutdown()
