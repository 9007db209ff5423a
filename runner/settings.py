"""The runner's configuration: every WENZE_* environment variable as one typed, validated object.

The shells build it once at start (the `wenze` command's main group, the web app factory) and pass it down; no
other module reads the environment. A bad value stops the start with InvalidSetting naming the variable and
what it allows.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from .core import counting, script_bounds
from .errors import InvalidSetting
from .store.db import masked

# The checkout: the folder holding the runner package (and bpmn/ dmn/ forms/).
REPO_ROOT = Path(__file__).resolve().parent.parent
_DATABASES = ("sqlite", "postgresql", "postgres")


class Settings(BaseSettings):
    # Unset and empty variables take the default; variables the runner does not know (the test suite's
    # WENZE_TEST_POSTGRES_URL …) are not its business.
    model_config = SettingsConfigDict(env_prefix="WENZE_", env_ignore_empty=True, frozen=True)

    database_url: str | None = Field(None, description="a SQLAlchemy URL, sqlite:///FILE or "
                                                       "postgresql://USER@HOST/DB; default: SQLite in WENZE_HOME")
    home: Path = Field(REPO_ROOT / "var", description="a folder (where the default SQLite file lives)")
    secret_key: SecretStr | None = Field(None, description="any text (signs session cookies)")
    user: str = Field("admin", min_length=1, description="a user name (who acts in `wenze start`, `calendar load`)")
    port: int = Field(5000, ge=1, le=65535, description="a port number from 1 to 65535 (`wenze serve`)")
    fault_counting: Annotated[dict[str, counting.Override], NoDecode] = Field(
        default_factory=dict, description="a JSON object: regulation key -> the fields of its fault_counting to "
                                          "override, window (lifetime, calendar_year, one_year), same_type, "
                                          "count_current_case (true/false)")
    debug: bool = Field(False, description="true/false, 1/0 or yes/no (log internal errors' tracebacks)")
    script_seconds: float = Field(1.0, gt=0, le=60, description="seconds, more than 0 and at most 60 (how long one "
                                                                 "script, condition, timer expression or decision "
                                                                 "cell may run)")
    max_body_bytes: int = Field(1024 * 1024, ge=1024, le=64 * 1024 * 1024,
                                description="a number of bytes from 1024 to 67108864 (the largest request body "
                                            "the web app reads)")
    attachment_max_bytes: int = Field(20 * 1024 * 1024, ge=1024, le=512 * 1024 * 1024,
                                      description="a number of bytes from 1024 to 536870912 (the largest evidence "
                                                  "file a task accepts)")
    login_failures_per_account: int = Field(5, ge=1, le=1000, description="a number from 1 to 1000 (failed "
                                            "sign-ins of one account within the window before it is refused)")
    login_failures_per_address: int = Field(20, ge=1, le=10000, description="a number from 1 to 10000 (failed "
                                            "sign-ins from one network address within the window)")
    login_window_minutes: int = Field(15, ge=1, le=1440, description="minutes from 1 to 1440 (how long a failed "
                                      "sign-in counts)")
    behind_tls_proxy: bool = Field(False, description="true/false, 1/0 or yes/no (the site is served over HTTPS "
                                   "by one reverse proxy that sets X-Forwarded-For, -Proto and -Host)")

    @field_validator("database_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            raise ValueError("not a database URL") from None
        if backend not in _DATABASES:
            raise ValueError(f"unsupported database '{backend}'")
        return value

    @field_validator("home")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.resolve()     # a relative WENZE_HOME is taken from the folder the runner starts in

    @field_validator("fault_counting", mode="before")
    @classmethod
    def _json(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError as err:
            raise ValueError(f"not valid JSON: {err.msg} (column {err.colno})") from None

    def install(self) -> None:
        """Hand the core what it reads from the settings (a shell calls this once, after loading them)."""
        counting.install(self.fault_counting)
        script_bounds.install(replace(script_bounds.limits(), seconds=self.script_seconds))

    @property
    def database(self) -> str:
        """The database URL in use: WENZE_DATABASE_URL, else SQLite at WENZE_HOME/wenze.sqlite3."""
        return self.database_url or f"sqlite:///{self.home / 'wenze.sqlite3'}"

    def shown(self) -> dict[str, Any]:
        """Every setting by its variable name, secrets masked (what `wenze info` prints)."""
        shown = {variable(name): value for name, value in self.model_dump(mode="json").items()}
        shown[variable("secret_key")] = "***" if self.secret_key else None
        shown[variable("database_url")] = self.database_url and masked(self.database_url)
        shown[variable("fault_counting")] = {key: override.model_dump(exclude_none=True)
                                             for key, override in self.fault_counting.items()}
        return shown


def variable(field: str) -> str:
    return f"WENZE_{field.upper()}"


def _refusal(error: ErrorDetails) -> InvalidSetting:
    field, *path = [str(part) for part in error["loc"]]
    if error["type"] == "extra_forbidden":
        *path, name = path
        message = f"unknown field '{name}' (allowed: {', '.join(counting.FIELDS)})"
    else:
        message = error["msg"].removeprefix("Value error, ")
    if path:
        message = f"{'.'.join(path)}: {message}"
    return InvalidSetting(f"{message} (expected {Settings.model_fields[field].description})", variable=variable(field))


def load() -> Settings:
    """The settings from the environment; InvalidSetting for the first bad variable."""
    try:
        return Settings()
    except ValidationError as err:
        raise _refusal(err.errors()[0]) from None
