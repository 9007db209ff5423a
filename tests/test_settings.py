"""The WENZE_* settings: typed, validated once, refused by variable name; the default database in the checkout."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner import settings as configuration
from runner.core import counting, script_bounds
from runner.errors import InvalidSetting
from tests.conftest import ROOT

RUNNER = ROOT / "runner"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """No WENZE_* variable from the caller's shell, and the working folder somewhere else than the checkout."""
    for name in [n for n in os.environ if n.startswith("WENZE_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    previous = counting.current()
    yield monkeypatch
    counting.install(previous)


def test_the_default_database_lives_in_the_checkout_whatever_the_working_folder() -> None:
    loaded = configuration.load()
    assert loaded.database == f"sqlite:///{ROOT / 'var' / 'wenze.sqlite3'}"
    assert (loaded.user, loaded.port, loaded.fault_counting, loaded.debug) == ("admin", 5000, {}, False)
    assert (loaded.max_body_bytes, loaded.login_failures_per_account, loaded.login_failures_per_address,
            loaded.login_window_minutes, loaded.behind_tls_proxy) == (1024 * 1024, 5, 20, 15, False)


def test_wenze_home_moves_the_default_database_and_a_url_replaces_it(environment, tmp_path: Path) -> None:
    environment.setenv("WENZE_HOME", "data")         # relative: taken from the folder the runner starts in
    assert configuration.load().database == f"sqlite:///{tmp_path / 'data' / 'wenze.sqlite3'}"
    environment.setenv("WENZE_DATABASE_URL", "postgresql://wenze:s3cret@db.example/wenze")
    loaded = configuration.load()
    assert loaded.database == "postgresql://wenze:s3cret@db.example/wenze"
    shown = loaded.shown()
    assert shown["WENZE_DATABASE_URL"] == "postgresql://wenze:***@db.example/wenze"
    assert "s3cret" not in repr(shown) and set(shown) == {
        "WENZE_DATABASE_URL", "WENZE_HOME", "WENZE_SECRET_KEY", "WENZE_USER", "WENZE_PORT", "WENZE_FAULT_COUNTING",
        "WENZE_DEBUG", "WENZE_SCRIPT_SECONDS", "WENZE_MAX_BODY_BYTES", "WENZE_LOGIN_FAILURES_PER_ACCOUNT",
        "WENZE_LOGIN_FAILURES_PER_ADDRESS", "WENZE_LOGIN_WINDOW_MINUTES", "WENZE_BEHIND_TLS_PROXY",
        "WENZE_ATTACHMENT_MAX_BYTES"}


def test_the_secret_key_is_never_shown(environment) -> None:
    environment.setenv("WENZE_SECRET_KEY", "top-secret-value")
    loaded = configuration.load()
    assert loaded.secret_key is not None and loaded.secret_key.get_secret_value() == "top-secret-value"
    assert loaded.shown()["WENZE_SECRET_KEY"] == "***" and "top-secret-value" not in repr(loaded)


# variable -> (a value it refuses, what the refusal says)
BAD_VALUES = {
    "WENZE_FAULT_COUNTING": [
        ("{oops", "not valid JSON"), ("[1]", "valid dictionary"),
        ('{"jinzhai": {"windows": "lifetime"}}',
         "jinzhai: unknown field 'windows' (allowed: window, same_type, count_current_case)"),
        ('{"jinzhai": {"window": "forever"}}',
         "jinzhai.window: Input should be 'lifetime', 'calendar_year' or 'one_year'"),
        ('{"jinzhai": {"same_type": "yes"}}', "jinzhai.same_type")],
    "WENZE_PORT": [("http", "valid integer"), ("70000", "less than or equal to 65535")],
    "WENZE_DATABASE_URL": [("mysql://root@localhost/wenze", "unsupported database 'mysql'"),
                           ("wenze.sqlite3", "not a database URL")],
    "WENZE_DEBUG": [("maybe", "valid boolean")],
    "WENZE_SCRIPT_SECONDS": [("0", "greater than 0"), ("forever", "valid number")],
    "WENZE_MAX_BODY_BYTES": [("100", "greater than or equal to 1024")],
    "WENZE_LOGIN_FAILURES_PER_ACCOUNT": [("0", "greater than or equal to 1")],
    "WENZE_LOGIN_FAILURES_PER_ADDRESS": [("many", "valid integer")],
    "WENZE_LOGIN_WINDOW_MINUTES": [("2000", "less than or equal to 1440")],
    "WENZE_BEHIND_TLS_PROXY": [("perhaps", "valid boolean")],
}


@pytest.mark.parametrize("variable, value, says", [(variable, value, says) for variable, refused in BAD_VALUES.items()
                                                   for value, says in refused])
def test_a_bad_value_is_refused_naming_the_variable(environment, variable: str, value: str, says: str) -> None:
    environment.setenv(variable, value)
    with pytest.raises(InvalidSetting) as refused:
        configuration.load()
    assert refused.value.details == {"variable": variable}
    assert says in refused.value.message and "expected" in refused.value.message


def test_a_counting_override_changes_only_the_fields_it_names(environment) -> None:
    """{"jinzhai": {"window": "calendar_year"}} keeps 金寨's 「同类」 (it used to replace the whole rule)."""
    environment.setenv("WENZE_FAULT_COUNTING", '{"jinzhai": {"window": "calendar_year"}}')
    counting.install(configuration.load().fault_counting)
    declared = {"window": "one_year", "same_type": True, "count_current_case": False, "basis": "金寨 第十七条(一)"}
    assert counting.rule("jinzhai", declared) == {**declared, "window": "calendar_year"}
    assert counting.rule("wenshui", declared) == declared


def test_core_reads_only_what_was_installed_never_the_environment(environment) -> None:
    environment.setenv("WENZE_FAULT_COUNTING", '{"jinzhai": {"window": "calendar_year"}}')
    counting.install({})
    declared = {"window": "one_year", "same_type": True, "count_current_case": False}
    assert counting.rule("jinzhai", declared) == declared


def test_no_module_but_the_settings_reads_the_environment() -> None:
    readers = [str(path.relative_to(ROOT)) for path in RUNNER.rglob("*.py")
               if re.search(r"os\.environ|getenv\(", path.read_text(encoding="utf-8"))]
    assert readers == []


def test_the_script_time_limit_is_installed_for_the_core(environment) -> None:
    environment.setenv("WENZE_SCRIPT_SECONDS", "2.5")
    previous = script_bounds.limits()
    try:
        configuration.load().install()
        assert script_bounds.limits().seconds == 2.5
    finally:
        script_bounds.install(previous)
