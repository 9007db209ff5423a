"""Wenze benchmarks. Prints figures and the targets they are measured against; asserts nothing.

1. Wenshui cases start to end through the runner's service layer (SQLite, every step persisted) vs the same
   diagram on bare in-memory SpiffWorkflow: cases/s, ms per user-task step, ratio (target ≥ 0.5×).
2. Completing a user task over HTTP (waitress on 127.0.0.1, keep-alive): median and p95 latency
   (SpiffArena measured 113 ms median; Wenze aims at ≤ 11 ms).
3. Sweep cost: firing 100 due timers among 1,000 and among 100,000 waiting cases (target ratio ≤ 1.5).
4. Timer lateness with the real scheduler: fired-at minus due-at (target p99 < 1 s; SpiffArena: 66 s).
5. Load with trouble: Wenshui completions over HTTP from several clients while one client keeps triggering a
   runaway timer expression and another keeps acting on a broken case: no 5xx, p95 of the normal completions.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, update  # noqa: E402
from SpiffWorkflow import TaskState  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment  # noqa: E402

from runner.core import (cases, clock, deadlines, engine, incidents, live, regulations, timers, users,  # noqa: E402
                         xmlsafe)
from runner.core import blame  # noqa: E402
from runner.core.blame import tables_from_sources  # noqa: E402
from runner.core.deploy import build, deploy, deployed_regulations, read_sources  # noqa: E402
from runner.store.db import Database  # noqa: E402
from runner.store.migrate import upgrade  # noqa: E402
from runner.store.models import Case, Timer  # noqa: E402

PROCESS = "wenshui_fault_review"
START = dt.datetime(2026, 9, 29, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
# Answers that take the long path: filed, investigated, decided, no appeal, no reward.
# Every person is 「示例」, so hearings, decisions and deliveries name the same person; a 文号 has its own format.
CHOICES = {"file_case": True, "recommend_filing": True, "appeal_filed": False, "reward_eligible": False,
           "decision_document_no": "文民责〔2026〕1号"}


class OffsetClock:
    """The system clock shifted by a fixed offset: real time passes, at a chosen point in legal time."""

    def __init__(self, at: dt.datetime) -> None:
        self.offset = at - dt.datetime.now(dt.timezone.utc)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc) + self.offset


def sample(schema: dict[str, Any], key: str = "") -> Any:
    """A valid value for a JSON Schema: every property filled (conditional requirements hold), long-path choices."""
    if key in CHOICES:
        return CHOICES[key]
    if "const" in schema:
        return schema["const"]
    if "oneOf" in schema:
        return sample(schema["oneOf"][0], key)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: sample(v, k) for k, v in props.items()}
    if kind == "array":
        return [sample(schema.get("items", {}), key) for _ in range(max(schema.get("minItems", 0), 1))]
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if schema.get("format") == "date":
        return START.date().isoformat()
    return "示例"


def fresh_db(url: str | None, folder: Path, root: Path = ROOT) -> Database:
    db = Database(url or f"sqlite:///{folder / 'bench.sqlite3'}")
    upgrade(db)
    deploy(db, read_sources(root))
    with db.write() as session:
        users.seed_demo(session, regulations.demo_accounts(deployed_regulations(session)))
        session.commit()
    return db


def run_case(db: Database, forms: dict[str, Any]) -> int:
    """One case start to end through the service layer; returns the number of user-task steps."""
    ready = cases.start_case(db, PROCESS, {}, "admin")["ready_tasks"]
    steps = 0
    while ready:
        task = ready[0]
        ready = cases.complete_task(db, task["id"], sample(forms[task["form"]]) if task["form"] else {},
                                    "admin")["ready_tasks"]
        steps += 1
    return steps


# Bare SpiffWorkflow has no database: the fault registry is an empty one in memory.
BARE_FUNCTIONS = {**deadlines.FUNCTIONS, **blame.FUNCTIONS, "prior_faults": lambda *args, **kwargs: 0,
                  "record_fault": lambda *args, **kwargs: True}


def bare_case(spec: Any, subs: Any, forms: dict[str, Any]) -> int:
    environment = TaskDataEnvironment(dict(BARE_FUNCTIONS))
    workflow = BpmnWorkflow(spec, subs, script_engine=PythonScriptEngine(environment=environment))
    workflow.do_engine_steps()
    steps = 0
    while not workflow.is_completed():
        task = workflow.get_next_task(state=TaskState.READY, manual=True)
        if task is None:
            workflow.refresh_timers()
            workflow.do_engine_steps()
            continue
        form = engine.form_of(task.task_spec)
        task.set_data(**(sample(forms[form]) if form else {}))
        task.run()
        workflow.do_engine_steps()
        steps += 1
    return steps


ROUNDS = 10


def throughput(n: int, url: str | None, folder: Path) -> None:
    db = fresh_db(url, folder)
    forms = next(b.forms for b in build(read_sources(ROOT)) if b.process_id == PROCESS)
    sources = read_sources(ROOT)
    tables = tables_from_sources((s.name, s.content) for s in sources if s.kind == "dmn")
    diagrams = engine.Diagrams(tables)     # Wenze's decision tables: SpiffWorkflow cannot evaluate FEEL tables itself
    for source in sources:
        if source.kind == "bpmn":
            diagrams.add(xmlsafe.parse(source.content.encode(), source.name), source.name)
    spec, subs, _decisions = diagrams.specs(PROCESS)
    run_case(db, forms)                                       # warm caches, as a running server would be
    bare_case(spec, subs, forms)
    # Interleaved rounds, so that a noisy neighbour slows both sides alike.
    runner_s = bare_s = 0.0
    steps = bare_steps = 0
    for size in [n // ROUNDS + (1 if r < n % ROUNDS else 0) for r in range(ROUNDS)]:
        t0 = time.perf_counter()
        steps += sum(run_case(db, forms) for _ in range(size))
        t1 = time.perf_counter()
        bare_steps += sum(bare_case(spec, subs, forms) for _ in range(size))
        runner_s, bare_s = runner_s + t1 - t0, bare_s + time.perf_counter() - t1
    print(f"[1] {n} Wenshui cases start to end ({steps // n} user tasks each), {db.engine.dialect.name}")
    print(f"    runner (persisted every step): {n / runner_s:8.1f} cases/s  {1000 * runner_s / steps:6.2f} ms/step")
    print(f"    bare in-memory SpiffWorkflow : {n / bare_s:8.1f} cases/s  {1000 * bare_s / bare_steps:6.2f} ms/step")
    print(f"    ratio runner/bare            : {bare_s / runner_s:8.2f}×   (target ≥ 0.5×)")
    db.dispose()


class HttpClient:
    """One keep-alive connection signed in as a demo user (session cookie and its CSRF token)."""

    def __init__(self, port: int, user: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.cookie, self.token = "", ""
        status, body = self.call("POST", "/api/login", {"user": user, "password": users.DEMO_PASSWORD})
        if status != 200:
            raise RuntimeError(f"sign-in failed: {body}")
        self.token = body.get("csrf_token", "")

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None,
                          headers={"Content-Type": "application/json", "Cookie": self.cookie,
                                   "X-CSRFToken": self.token})
        response = self.conn.getresponse()
        data = json.loads(response.read() or b"null")
        self.cookie = (response.getheader("Set-Cookie") or self.cookie).split(";")[0]
        return response.status, data

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, data = self.call(method, path, body)
        if status >= 400:
            raise RuntimeError(f"{method} {path}: {status} {data}")
        return data


def serve(db: Database, threads: int = 4) -> Any:
    import waitress.server

    from runner.web.app import create_app
    server = waitress.server.create_server(create_app(db), host="127.0.0.1", port=0, threads=threads)
    threading.Thread(target=server.run, daemon=True).start()
    return server


def wenshui_case(client: HttpClient, forms: dict[str, Any], timings: list[float]) -> None:
    """One Wenshui case start to end over HTTP; the time of each completion goes to `timings`."""
    case_id = client.ok("POST", "/api/cases", {"process": PROCESS, "data": {}})["case"]
    while ready := [t for t in client.ok("GET", "/api/tasks") if t["case"] == case_id]:
        body = {"data": sample(forms[ready[0]["form"]]) if ready[0]["form"] else {}}
        t0 = time.perf_counter()
        client.ok("POST", f"/api/tasks/{ready[0]['id']}/complete", body)
        timings.append(1000 * (time.perf_counter() - t0))


def http_latency(n: int, url: str | None, folder: Path) -> None:
    db = fresh_db(url, folder)
    forms = next(b.forms for b in build(read_sources(ROOT)) if b.process_id == PROCESS)
    server = serve(db)
    client = HttpClient(server.effective_port, "admin")
    timings: list[float] = []
    while len(timings) < n:
        wenshui_case(client, forms, timings)
    timings.sort()
    print(f"[2] complete a user task over HTTP ({len(timings)} completions, {db.engine.dialect.name})")
    print(f"    median {statistics.median(timings):6.2f} ms   p95 {timings[int(0.95 * len(timings))]:6.2f} ms"
          f"   (SpiffArena 113 ms; target ≤ 11 ms)")
    db.dispose()


RUNAWAY = "死循环"
RETRY = 1.0       # seconds between two attempts of the people stuck on the runaway and on the broken case


def load_with_trouble(n: int, url: str | None, folder: Path) -> None:
    """Several clients work Wenshui cases while a runaway timer expression and a broken case are exercised."""
    root = folder / "procedures"
    for part in ("bpmn", "dmn", "forms"):
        shutil.copytree(ROOT / part, root / part)
    diagram = root / "bpmn" / "wenshui_fault_review.bpmn"
    normal = 'deadline(received_on, 5, "calendar_days")'
    source = diagram.read_text(encoding="utf-8")
    assert normal in source
    # The 5-day review deadline runs away (a comprehension of 10^10 items) for intakes summarised RUNAWAY.
    runaway = (f'{normal} if case_summary != "{RUNAWAY}" else '
               "[x for x in range(100000) for y in range(100000)]").replace('"', "&quot;")
    diagram.write_text(source.replace(normal.replace('"', "&quot;"), runaway, 1).replace(normal, runaway, 1),
                       encoding="utf-8")
    db = fresh_db(url, folder, root)
    forms = next(b.forms for b in build(read_sources(root)) if b.process_id == PROCESS)
    broken = cases.start_case(db, PROCESS, {}, "admin")
    with db.write() as session:        # a state document the engine cannot read
        session.execute(update(Case).where(Case.id == broken["case"]).values(state='{"spec_ref": "gone"}'))
        session.commit()
    live.LIVE.clear()
    server = serve(db, threads=6)
    statuses: dict[int, int] = {}
    timings: list[float] = []
    done = threading.Event()
    lock = threading.Lock()

    def count(status: int) -> None:
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    def trouble(act: Any) -> None:
        """A person who keeps trying, every RETRY seconds."""
        client = HttpClient(server.effective_port, "admin")
        while not done.wait(RETRY):
            for status in act(client):
                count(status)

    stuck = cases.start_case(db, PROCESS, {}, "admin")["ready_tasks"][0]

    def run_away(client: HttpClient) -> list[int]:
        data = sample(forms[stuck["form"]]) | {"case_summary": RUNAWAY}
        return [client.call("POST", f"/api/tasks/{stuck['id']}/complete", {"data": data})[0]]

    def act_on_broken(client: HttpClient) -> list[int]:
        task = broken["ready_tasks"][0]
        return [client.call("GET", f"/api/cases/{broken['case']}")[0],
                client.call("POST", f"/api/tasks/{task['id']}/complete", {"data": sample(forms[task["form"]])})[0]]

    def normal_work() -> None:
        client = HttpClient(server.effective_port, "admin")
        mine: list[float] = []
        while len(mine) < n // 3:
            wenshui_case(client, forms, mine)
        with lock:
            timings.extend(mine)
            statuses[200] = statuses.get(200, 0) + len(mine)

    troublemakers = [threading.Thread(target=trouble, args=(act,)) for act in (run_away, act_on_broken)]
    workers = [threading.Thread(target=normal_work) for _ in range(3)]
    for thread in troublemakers + workers:
        thread.start()
    for thread in workers:
        thread.join()
    done.set()
    for thread in troublemakers:
        thread.join()
    timings.sort()
    server_errors = sum(number for status, number in statuses.items() if status >= 500)
    print(f"[5] load: 3 clients complete Wenshui tasks while one person retries a task whose timer expression runs "
          f"away\n    (stopped at the 1 s limit) and another acts on a broken case, each every {RETRY:g} s "
          f"({len(timings)} normal completions, {db.engine.dialect.name})")
    print(f"    answers by status: {dict(sorted(statuses.items()))}   5xx: {server_errors} (target 0)")
    print(f"    normal completions: median {statistics.median(timings):6.2f} ms   "
          f"p95 {timings[int(0.95 * len(timings))]:6.2f} ms;   open incidents: {len(incidents.listed(db))}")
    db.dispose()


def _waiting_case(db: Database, forms: dict[str, Any]) -> int:
    """A case waiting at the preliminary review, its 5-day deadline armed."""
    started = cases.start_case(db, PROCESS, {}, "admin")
    task = started["ready_tasks"][0]
    cases.complete_task(db, task["id"], sample(forms[task["form"]]), "admin")
    return started["case"]


def sweep_cost(url: str | None, folder: Path) -> None:
    forms = next(b.forms for b in build(read_sources(ROOT)) if b.process_id == PROCESS)
    results = {}
    for waiting in (1_000, 100_000):
        clock.install(clock.ManualClock(START))
        sub = folder / f"sweep{waiting}"
        sub.mkdir()
        db = fresh_db(url, sub)
        due_ids = [_waiting_case(db, forms) for _ in range(100)]
        template = _waiting_case(db, forms)
        with db.write() as session:
            case = session.get(Case, template)
            timer = session.scalar(select(Timer).where(Timer.case_id == template))
            far = timer.due_at + dt.timedelta(days=3650)
            for offset in range(0, waiting - 101, 5000):
                batch = range(offset, min(offset + 5000, waiting - 101))
                rows = session.execute(insert(Case).returning(Case.id), [
                    {"process_version_id": case.process_version_id, "process_id": case.process_id,
                     "status": "running", "state": case.state, "revision": 1, "started_by": "bench",
                     "overdue": False, "created_at": case.created_at, "updated_at": case.updated_at}
                    for _ in batch]).scalars().all()
                session.execute(insert(Timer), [
                    {"case_id": cid, "task_id": f"filler-{cid}", "element_id": timer.element_id, "name": timer.name,
                     "due_at": far, "state": "armed", "detail": {}, "created_at": timer.created_at} for cid in rows])
            session.commit()
        clock.install(clock.ManualClock(START + dt.timedelta(days=12)))
        t0 = time.perf_counter()
        fired = timers.fire_due(db)
        results[waiting] = time.perf_counter() - t0
        assert fired >= len(due_ids), fired
        print(f"[3] sweep: {fired} due timers among {waiting:>7,} waiting cases: {1000 * results[waiting]:8.1f} ms")
        db.dispose()
    print(f"    ratio 100,000 / 1,000: {results[100_000] / results[1_000]:.2f}   (target ≤ 1.5)")


def lateness(n: int, url: str | None, folder: Path) -> None:
    from runner.scheduler import TimerScheduler
    clock.install(clock.ManualClock(START))
    db = fresh_db(url, folder)
    forms = next(b.forms for b in build(read_sources(ROOT)) if b.process_id == PROCESS)
    scheduler = TimerScheduler(db, sweep_seconds=3600)
    scheduler.start()
    late = []
    for _ in range(n):
        clock.install(clock.ManualClock(START))
        case_id = _waiting_case(db, forms)
        with db.read() as session:
            due = min(t.due_at for t in session.scalars(select(Timer).where(Timer.case_id == case_id,
                                                                            Timer.state == "armed")))
        clock.install(OffsetClock(due - dt.timedelta(seconds=0.5)))    # due half a second from now, real time
        scheduler.wake(due)
        while True:
            with db.read() as session:
                row = session.scalar(select(Timer).where(Timer.case_id == case_id, Timer.due_at == due))
            if row.state == "fired":
                late.append((row.fired_at - row.due_at).total_seconds())
                break
            time.sleep(0.01)
    scheduler.shutdown()
    late.sort()
    print(f"[4] timer lateness over {n} timers (real scheduler, {db.engine.dialect.name}): median "
          f"{1000 * statistics.median(late):.0f} ms, p99 {1000 * late[int(0.99 * (len(late) - 1))]:.0f} ms, "
          f"max {1000 * late[-1]:.0f} ms   (target p99 < 1 s; SpiffArena 66 s)")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200, help="cases for throughput (default 200)")
    parser.add_argument("--http", type=int, default=300, help="HTTP completions to time (default 300)")
    parser.add_argument("--timers", type=int, default=20, help="timers for lateness (default 20)")
    parser.add_argument("--database-url", help="PostgreSQL URL to bench against instead of SQLite")
    parser.add_argument("--load", type=int, default=150, help="normal completions under load (default 150)")
    parser.add_argument("--only", choices=["throughput", "http", "sweep", "lateness", "load"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clock.install(clock.ManualClock(START))
        steps = {"throughput": lambda sub: throughput(args.cases, args.database_url, sub),
                 "http": lambda sub: http_latency(args.http, args.database_url, sub),
                 "sweep": lambda sub: sweep_cost(args.database_url, sub),
                 "lateness": lambda sub: lateness(args.timers, args.database_url, sub),
                 "load": lambda sub: load_with_trouble(args.load, args.database_url, sub)}
        for name, step in steps.items():
            if args.only in (None, name):
                (folder / name).mkdir()
                step(folder / name)


if __name__ == "__main__":
    main()
