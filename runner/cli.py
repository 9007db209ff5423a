"""The `wenze` command: a thin shell over runner.core. Errors print as JSON on stderr with exit status 1."""
from __future__ import annotations

import json
import os
import sys
from functools import wraps
from pathlib import Path
from typing import Any, Callable

import click

from .core import cases, deadline_changes, deploy as deploying, timers, users
from .core.blame import REGULATIONS, blame
from .core.calendar import UNITS, compute_deadline, work_calendar
from .core.decisions import evaluate, parse_dmn
from .core.errors import InvalidData, WenzeError
from .store.db import Database
from .store.holidays import year_tables
from .store.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent


def _emit(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _json_option(text: str | None, name: str) -> Any:
    if text is None:
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidData(f"--{name} is not valid JSON: {err.msg} (column {err.colno})", field=name) from None


def _guarded(command: Callable[..., None]) -> Callable[..., None]:
    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except WenzeError as err:
            click.echo(json.dumps(err.to_dict(), ensure_ascii=False), err=True)
            sys.exit(1)
    return run


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Wenze 问责: run accountability procedures from bpmn/ dmn/ forms/."""
    ctx.obj = Database()


def _db() -> Database:
    return click.get_current_context().obj


@main.command()
@_guarded
def migrate() -> None:
    """Create or upgrade the database schema (Alembic)."""
    upgrade(_db())
    click.echo(f"database at head: {_db().url}")


@main.command()
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=ROOT,
              help="folder holding bpmn/ dmn/ forms/")
@_guarded
def deploy(root: Path) -> None:
    """Validate bpmn/ dmn/ forms/ and store changed processes as new versions."""
    _emit([d.to_dict() for d in deploying.deploy(_db(), deploying.read_sources(root))])


@main.command()
@click.argument("process_id")
@click.option("--data", help="initial case data (JSON object)")
@click.option("--user", default=lambda: os.environ.get("WENZE_USER", "admin"), show_default="$WENZE_USER or admin")
@_guarded
def start(process_id: str, data: str | None, user: str) -> None:
    """Open a case of PROCESS_ID."""
    _emit(cases.start_case(_db(), process_id, _json_option(data, "data"), user))


@main.command()
@click.option("--lane", help="only tasks of this lane (body)")
@click.option("--user", help="only tasks this user may work")
@click.option("--json", "as_json", is_flag=True)
@_guarded
def tasks(lane: str | None, user: str | None, as_json: bool) -> None:
    """List ready user tasks."""
    found = cases.list_tasks(_db(), lane=lane, user_name=user)
    if as_json:
        return _emit(found)
    for task in found:
        click.echo(f"{task['id']}  case {task['case']}  [{task['lane']}] {task['name']}  form={task['form']}")


@main.command()
@click.argument("task_id")
@click.option("--data", required=True, help="form data (JSON object)")
@click.option("--user", required=True)
@_guarded
def complete(task_id: str, data: str, user: str) -> None:
    """Complete TASK_ID with form data validated against its schema."""
    _emit(cases.complete_task(_db(), task_id, _json_option(data, "data"), user))


@main.command()
@click.argument("case_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@_guarded
def show(case_id: int, as_json: bool) -> None:
    """Print a case's state, tasks, timers and timeline."""
    case = cases.show_case(_db(), case_id)
    if as_json:
        return _emit(case)
    click.echo(f"case {case['case']}  {case['process']} v{case['version']}  {case['status']}")
    for task in case["tasks"]:
        click.echo(f"  task  {task['state']:<9} [{task['lane']}] {task['name']}  {task['completed_by'] or ''}")
    for timer in case["timers"]:
        click.echo(f"  timer {timer['state']:<9} {timer['name']}  due {timer['due_at']}")
    for decision in case["decisions"]:
        rules = ", ".join(f"{r['id']}({r['annotation'] or 'row ' + str(r['row'])})" for r in decision["matched_rules"])
        click.echo(f"  decision {decision['decision']}  rules: {rules or 'none'}  ->  "
                   f"{json.dumps(decision['outputs'], ensure_ascii=False)}")
    for event in case["events"]:
        who = f" by {event['actor']}" if event["actor"] else ""
        click.echo(f"  {event['at']}  {event['kind']:<15} {event.get('name') or event['element'] or ''}{who}")


@main.command()
@click.argument("dmn_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--input", "input_json", required=True, help="input data (JSON object)")
@_guarded
def decide(dmn_file: Path, input_json: str) -> None:
    """Evaluate a decision table with Wenze's engine (all hit policies, FEEL cells)."""
    tables = parse_dmn(dmn_file.read_bytes(), dmn_file.name)
    result = evaluate(tables[0], _json_option(input_json, "input"))
    _emit({"decision": result.decision_id, "outputs": result.outputs, "matched_rules": result.matched_rules})


@main.command("blame")
@click.argument("regulation", type=click.Choice(REGULATIONS))
@click.option("--facts", required=True, help="case facts (JSON object, the case-facts contract)")
@_guarded
def blame_command(regulation: str, facts: str) -> None:
    """Split responsibility under a regulation with its deployed blame table."""
    _emit(blame(regulation, _json_option(facts, "facts"), deploying.deployed_decisions(_db())))


@main.command("deadline")
@click.argument("start")
@click.argument("period", type=int)
@click.argument("unit", type=click.Choice(UNITS))
@_guarded
def deadline_command(start: str, period: int, unit: str) -> None:
    """Compute a legal deadline (民法典 第二百零一至二百零三条) with the loaded holiday tables."""
    with _db().read() as session:
        calendar = work_calendar(year_tables(session.connection()))
    click.echo(json.dumps(compute_deadline(start, period, unit, calendar).to_dict(), ensure_ascii=False))


@main.group("calendar")
def calendar_group() -> None:
    """Holiday tables for years the bundled calendar does not cover."""


@calendar_group.command("load")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--user", default=lambda: os.environ.get("WENZE_USER", "admin"), show_default="$WENZE_USER or admin")
@_guarded
def calendar_load(file: Any, user: str) -> None:
    """Load a year's official holiday table (JSON) and recompute provisional deadlines."""
    _emit(deadline_changes.load_year(_db(), _json_option(file.read(), "file"), user))


@main.command()
@click.argument("case_id", type=int)
@click.argument("element_id")
@click.option("--by", "extra", type=int, required=True, help="units to add (the deadline's own unit)")
@click.option("--reason", required=True, help="延期理由, recorded on the case timeline")
@click.option("--user", required=True)
@_guarded
def extend(case_id: int, element_id: str, extra: int, reason: str, user: str) -> None:
    """Extend a soft deadline (the timer ELEMENT_ID of CASE_ID)."""
    _emit(deadline_changes.extend_deadline(_db(), case_id, element_id, extra, reason, user))


@main.command("fire-timers")
@_guarded
def fire_timers() -> None:
    """Fire every timer that is due now, once (what the scheduler's sweep does)."""
    _emit({"fired": timers.fire_due(_db())})


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--threads", default=8, show_default=True)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app and API with the timer scheduler running."""
    import waitress

    from .scheduler import TimerScheduler
    from .web.app import create_app

    scheduler = TimerScheduler(_db())
    scheduler.start()
    try:
        waitress.serve(create_app(_db(), scheduler), host=host, port=port, threads=threads, ident="wenze")
    finally:
        scheduler.shutdown()


@main.group("users")
def users_group() -> None:
    """Staff accounts."""


@users_group.command("demo")
@_guarded
def users_demo() -> None:
    """Create (or refresh) the demo staff accounts."""
    with _db().write() as session:
        users.seed_demo(session)
        session.commit()
    click.echo(f"demo accounts (password \"{users.DEMO_PASSWORD}\"):")
    for name, display, roles in users.DEMO_USERS:
        click.echo(f"  {name:<11} {display}  [{'、'.join(roles)}]")


@users_group.command("add")
@click.argument("name")
@click.option("--display-name", required=True)
@click.option("--role", "roles", multiple=True, required=True, help="lane name or admin; repeatable")
@click.password_option()
@_guarded
def users_add(name: str, display_name: str, roles: tuple[str, ...], password: str) -> None:
    """Create or update a staff account."""
    with _db().write() as session:
        users.upsert(session, name, display_name, list(roles), password)
        session.commit()
    _emit({"user": name, "roles": list(roles)})


if __name__ == "__main__":
    main()
