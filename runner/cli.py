"""The `wenze` command: a thin shell over runner.core.

Every failure prints one JSON object on stderr and exits with status 1, naming what was wrong and, where there
is one, the fix (`wenze migrate`, `wenze deploy`); never a traceback, unless WENZE_DEBUG asks for it.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, NoReturn, cast

import click

from . import settings as configuration
from .core import api_tokens, cases, deadline_changes, deploy as deploying, incidents, regulations, timers, users
from .core.blame import blame
from .core.calendar import UNITS, WorkCalendar, compute_deadline, work_calendar
from .core.decisions import evaluate, parse_dmn
from .errors import DatabaseUnavailable, DeployError, InvalidData, NotDeployed, NotFound, NotMigrated, WenzeError
from .settings import REPO_ROOT, Settings
from .store import migrate as migrations
from .store.db import Database, masked, sqlite_file
from .store.holidays import year_tables
from .store.models import MAX_ID


ROW_ID = click.IntRange(1, MAX_ID)          # a case or incident id: beyond it no row exists on either store


def _emit(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _fail(error: dict[str, Any]) -> NoReturn:
    click.echo(json.dumps(error, ensure_ascii=False), err=True)
    sys.exit(1)


def _json_object(text: str | None, name: str) -> dict[str, Any]:
    """An option's (or a file's) JSON object; every JSON the commands take is one."""
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidData(f"--{name} is not valid JSON: {err.msg} (column {err.colno})", field=name) from None
    if not isinstance(value, dict):
        raise InvalidData(f"--{name} must be a JSON object ({{…}})", field=name)
    return value


class _Runner:
    """What the commands share: the settings, and the database, opened on first use (so that `wenze deadline`,
    `decide` and `info` never create one)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._database: Database | None = None

    def _open(self) -> Database:
        if self._database is None:
            self._database = Database(self.settings.database)
        return self._database

    def exists(self) -> bool:
        """False for a SQLite file not created yet; a server database is asked when opened."""
        path = sqlite_file(self.settings.database)
        return path is None or path.exists()

    def revision(self) -> str | None:
        return migrations.revision(self._open()) if self.exists() else None

    def migrated(self) -> Database | None:
        """The database if it can be reached and has the schema the code needs, else None."""
        try:
            return self._open() if self.exists() and self.revision() == migrations.head() else None
        except DatabaseUnavailable:
            return None

    def database(self, *, check_settings: bool = True) -> Database:
        """The migrated database, or NotMigrated saying how to get one. With `check_settings`, the fault-counting
        overrides are checked against the deployed registry (they can name only deployed regulations)."""
        where = masked(self.settings.database)
        if not self.exists():
            raise NotMigrated(f"there is no database at {where}: run `wenze migrate`")
        revision, head = self.revision(), migrations.head()
        if revision is None:
            raise NotMigrated(f"the database {where} has no tables: run `wenze migrate`")
        if revision != head:
            raise NotMigrated(f"the database {where} has schema {revision}, the runner needs {head}: "
                              "run `wenze migrate`")
        database = self._open()
        if check_settings and self.settings.fault_counting:
            with database.read() as session:
                registry = deploying.deployed_regulations(session)
            if registry:
                regulations.check_overrides(registry, self.settings.fault_counting)
        return database

    def migrate(self) -> str | None:
        """Bring the database (created if missing) to the code's schema; returns the revision it had."""
        before = self.revision()
        migrations.upgrade(self._open())
        return before

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()


class _JsonErrors(click.Group):
    """Turns every failure into one JSON object on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise       # click's: usage errors (turned into JSON by main below), exits, a closed stdout
        except WenzeError as err:
            _fail(err.to_dict())
        except Exception as err:       # the last resort: a bug, reported in one line all the same
            runner = ctx.find_object(_Runner)
            debug = runner is not None and runner.settings.debug
            if debug:
                logging.getLogger("wenze").exception("internal error")
            _fail({"error": "internal", "message": f"{type(err).__name__}: {err}",
                   **({} if debug else {"hint": "set WENZE_DEBUG=1 to log the traceback"})})

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False     # click's own handling prints usage text; ours prints JSON
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as err:     # plain `wenze`: the help, as click prints it
            err.show()
            sys.exit(err.exit_code)
        except click.ClickException as err:
            _fail({"error": "usage", "message": err.format_message()})
        except click.Abort:
            _fail({"error": "aborted", "message": "interrupted"})
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=_JsonErrors)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Wenze 问责: run accountability procedures from bpmn/ dmn/ forms/ and the regulation registry."""
    settings = configuration.load()
    settings.install()
    ctx.obj = _Runner(settings)
    ctx.call_on_close(ctx.obj.close)


def _runner() -> _Runner:
    return cast(_Runner, click.get_current_context().obj)       # set by main() for every command


def _db() -> Database:
    return _runner().database()


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic)."""
    runner = _runner()
    before = runner.migrate()
    _emit({"database": masked(runner.settings.database), "from": before, "to": migrations.head()})


@main.command()
def info() -> None:
    """The database in use, whether it is migrated, what is deployed, and the settings (secrets masked)."""
    runner = _runner()
    database: dict[str, Any] = {"url": masked(runner.settings.database), "exists": runner.exists(),
                                "head": migrations.head()}
    deployed: dict[str, Any] = {"processes": [], "regulations": []}
    try:
        database["revision"] = runner.revision()
    except DatabaseUnavailable as err:
        database["error"] = err.message
    database["migrated"] = database.get("revision") == database["head"]
    if database["migrated"]:
        with runner.database(check_settings=False).read() as session:
            deployed = {"processes": deploying.deployed_processes(session),
                        "regulations": sorted(deploying.deployed_regulations(session))}
    _emit({"database": database, "deployed": deployed, "settings": runner.settings.shown()})


@main.command()
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=REPO_ROOT,
              help="folder holding bpmn/ (with bpmn/regulations/) dmn/ forms/")
def deploy(root: Path) -> None:
    """Validate bpmn/ dmn/ forms/ and the regulation registry; store changed processes as new versions."""
    database = _runner().database(check_settings=False)     # the overrides may name what this deploys
    _emit([d.to_dict() for d in deploying.deploy(database, deploying.read_sources(root))])


@main.command()
@click.argument("process_id")
@click.option("--data", help="initial case data (JSON object)")
@click.option("--user", help="who opens the case", show_default="$WENZE_USER or admin")
def start(process_id: str, data: str | None, user: str | None) -> None:
    """Open a case of PROCESS_ID."""
    case_data = _json_object(data, "data")
    _emit(cases.start_case(_db(), process_id, case_data, user or _runner().settings.user))


@main.command()
@click.option("--lane", help="only tasks of this lane (body)")
@click.option("--user", help="only tasks this user may work")
@click.option("--json", "as_json", is_flag=True)
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
def complete(task_id: str, data: str, user: str) -> None:
    """Complete TASK_ID with form data validated against its schema."""
    form_data = _json_object(data, "data")
    _emit(cases.complete_task(_db(), task_id, form_data, user))


@main.command()
@click.argument("case_id", type=ROW_ID)
@click.option("--json", "as_json", is_flag=True)
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
def decide(dmn_file: Path, input_json: str) -> None:
    """Evaluate a decision table with Wenze's engine (all hit policies, FEEL cells)."""
    inputs = _json_object(input_json, "input")
    tables = parse_dmn(dmn_file.read_bytes(), dmn_file.name)
    if not tables:
        raise DeployError(f"{dmn_file.name}: holds no decision table", file=dmn_file.name)
    result = evaluate(tables[0], inputs)
    _emit({"decision": result.decision_id, "outputs": result.outputs, "matched_rules": result.matched_rules})


@main.command("blame")
@click.argument("regulation")
@click.option("--facts", required=True, help="case facts (JSON object, the case-facts contract)")
def blame_command(regulation: str, facts: str) -> None:
    """Split responsibility under a deployed REGULATION (its registry key) with its deployed blame table."""
    case_facts = _json_object(facts, "facts")
    database = _db()
    with database.read() as session:
        registry = deploying.deployed_regulations(session)
    if regulation not in registry:
        if not registry:
            raise NotDeployed("no regulation is deployed: run `wenze deploy`", regulation=regulation)
        raise NotFound(f"unknown regulation '{regulation}' (deployed: {', '.join(sorted(registry))})",
                       regulation=regulation)
    _emit(blame(regulation, case_facts, deploying.deployed_decisions(database)))


@main.command("deadline")
@click.argument("start")
@click.argument("period", type=int)
@click.argument("unit", type=click.Choice(UNITS))
def deadline_command(start: str, period: int, unit: str) -> None:
    """Compute a legal deadline (民法典 第二百零一至二百零三条): chinesecalendar, plus the holiday tables loaded
    into the database when there is a migrated one (none is created)."""
    database = _runner().migrated()
    calendar = WorkCalendar()
    if database is not None:
        with database.read() as session:
            calendar = work_calendar(year_tables(session.connection()))
    click.echo(json.dumps(compute_deadline(start, period, unit, calendar).to_dict(), ensure_ascii=False))


@main.group("calendar")
def calendar_group() -> None:
    """Holiday tables for years the bundled calendar does not cover."""


@calendar_group.command("load")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--user", help="who loads it", show_default="$WENZE_USER or admin")
def calendar_load(file: Any, user: str | None) -> None:
    """Load a year's official holiday table (JSON) and recompute provisional deadlines."""
    table = _json_object(file.read(), "file")
    _emit(deadline_changes.load_year(_db(), table, user or _runner().settings.user))


@main.command()
@click.argument("case_id", type=ROW_ID)
@click.argument("element_id")
@click.option("--by", "extra", type=int, required=True, help="units to add (the deadline's own unit)")
@click.option("--reason", required=True, help="延期理由, recorded on the case timeline")
@click.option("--user", required=True)
def extend(case_id: int, element_id: str, extra: int, reason: str, user: str) -> None:
    """Extend a soft deadline (the timer ELEMENT_ID of CASE_ID)."""
    _emit(deadline_changes.extend_deadline(_db(), case_id, element_id, extra, reason, user))


@main.group("incidents", invoke_without_command=True)
@click.option("--all", "everything", is_flag=True, help="resolved ones too")
@click.pass_context
def incidents_group(ctx: click.Context, everything: bool) -> None:
    """Cases that could not be loaded, advanced or fired (open ones, newest first)."""
    if ctx.invoked_subcommand is None:
        _emit(incidents.listed(_db(), open_only=not everything))


@incidents_group.command("resolve")
@click.argument("incident_id", type=ROW_ID)
@click.option("--user", required=True, help="the administrator who fixed the cause")
def incidents_resolve(incident_id: int, user: str) -> None:
    """Close an incident and re-arm the timers its case parked."""
    _emit(incidents.resolve(_db(), incident_id, user))


@main.command("fire-timers")
def fire_timers() -> None:
    """Fire every timer that is due now, once (what the scheduler's sweep does)."""
    _emit({"fired": timers.fire_due(_db())})


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, help="port to serve on", show_default="$WENZE_PORT or 5000")
@click.option("--threads", default=8, show_default=True)
def serve(host: str, port: int | None, threads: int) -> None:
    """Serve the web app and API with the timer scheduler running."""
    import waitress

    from .scheduler import TimerScheduler
    from .web.app import create_app

    runner = _runner()
    database = runner.database()
    scheduler = TimerScheduler(database)
    app = create_app(database, scheduler, runner.settings)
    scheduler.start()
    try:
        waitress.serve(app, host=host, port=port or runner.settings.port, threads=threads, ident="wenze")
    finally:
        scheduler.shutdown()


@main.group("users")
def users_group() -> None:
    """Staff accounts."""


@users_group.command("demo")
def users_demo() -> None:
    """Create (or refresh) the demo accounts of the deployed regulation registry, and the administrator."""
    with _db().write() as session:
        registry = deploying.deployed_regulations(session)
        if not registry:
            raise NotDeployed("no regulation is deployed, so there are no bodies to create demo accounts for: "
                              "run `wenze deploy` first")
        created = users.seed_demo(session, regulations.demo_accounts(registry))
        session.commit()
    click.echo(f"demo accounts (password \"{users.DEMO_PASSWORD}\"):")
    for name, display, roles in created:
        click.echo(f"  {name:<11} {display}  [{'、'.join(roles)}]")


@users_group.command("add")
@click.argument("name")
@click.option("--display-name", required=True)
@click.option("--role", "roles", multiple=True, required=True, help="lane name or admin; repeatable")
@click.password_option()
def users_add(name: str, display_name: str, roles: tuple[str, ...], password: str) -> None:
    """Create or update a staff account."""
    with _db().write() as session:
        users.upsert(session, name, display_name, list(roles), password)
        session.commit()
    _emit({"user": name, "roles": list(roles)})


@main.group("tokens")
def tokens_group() -> None:
    """API tokens for scripts (Authorization: Bearer …); stored hashed, revocable."""


@tokens_group.command("create")
@click.argument("user")
@click.option("--label", required=True, help="what the token is for (shown in the list)")
def tokens_create(user: str, label: str) -> None:
    """Create a token for USER and print it: the only time its text is shown."""
    with _db().write() as session:
        token = api_tokens.create(session, user, label)
        session.commit()
    _emit(token)


@tokens_group.command("list")
@click.argument("user")
def tokens_list(user: str) -> None:
    """USER's tokens, without their text."""
    with _db().read() as session:
        _emit(api_tokens.listed(session, user))


@tokens_group.command("revoke")
@click.argument("token_id", type=ROW_ID)
def tokens_revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID (of any user): it signs nobody in from the next request on."""
    with _db().write() as session:
        token = api_tokens.revoke(session, users.ADMIN, token_id)
        session.commit()
    _emit(token)


if __name__ == "__main__":
    main()
