"""The errors a user of Wenze can see. Each names what was wrong and where, and maps to one HTTP status."""
from __future__ import annotations

from typing import NotRequired, TypedDict


class FieldError(TypedDict):
    """One entry of InvalidData's `errors`: the offending field's path and what is wrong with it; a form's
    violations also name the field's title and, for an exclusion rule, the rule's own wording (`reason`)."""

    path: str
    message: str
    title: NotRequired[str]
    reason: NotRequired[str]


class WenzeError(Exception):
    """Base class: `code` is a stable machine-readable key, `status` the HTTP status the web shell answers with.

    A subclass states both in its header: `class NotFound(WenzeError, code="not_found", status=404)`."""

    code = "error"
    status = 400

    def __init_subclass__(cls, *, code: str | None = None, status: int | None = None, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = code or cls.code
        cls.status = status or cls.status

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_dict(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message, **self.details}


class NotFound(WenzeError, code="not_found", status=404):
    """What was asked for does not exist (case, task, user, process …)."""


class Conflict(WenzeError, code="conflict", status=409):
    """The request raced another one or the case moved on (task already completed, deadline already fired)."""


class Forbidden(WenzeError, code="forbidden", status=403):
    """The user may not do this (their roles do not include the lane)."""


class InvalidData(WenzeError, code="invalid_data", status=422):
    """Submitted data violates its schema; `errors` lists a FieldError per violated field."""

    def __init__(self, message: str, *, errors: list[FieldError] | None = None, **details: object) -> None:
        super().__init__(message, errors=errors, **details)


class DeployError(WenzeError, code="deploy_error", status=422):
    """A bpmn/dmn/form file cannot be deployed; details name the file and line or element."""


class ScriptError(WenzeError, code="script_error", status=422):
    """A script, condition or decision cell failed, ran past its bounds, or was refused by the sandbox."""


class CaseBroken(WenzeError, code="case_broken", status=409):
    """The case cannot be loaded or advanced (an incident is open for administrators); other cases are unaffected."""


class InvalidSetting(WenzeError, code="invalid_setting", status=500):
    """A WENZE_* environment variable holds a value the runner refuses; `variable` names it."""


class NotMigrated(WenzeError, code="not_migrated", status=503):
    """The database has no tables, or an older schema than the code: `wenze migrate` fixes it."""


class DatabaseUnavailable(WenzeError, code="database_unavailable", status=503):
    """The database cannot be reached or opened."""


class NotDeployed(NotFound, code="not_deployed"):
    """Nothing of the kind asked for is deployed yet: `wenze deploy` fixes it."""


class BadRequest(WenzeError, code="bad_request", status=400):
    """A request body the web app cannot read at all: not UTF-8, not JSON, or nested too deeply."""


class TooLarge(WenzeError, code="too_large", status=413):
    """A request body larger than WENZE_MAX_BODY_BYTES; `limit` names the limit in bytes."""


class ForgedRequest(Forbidden, code="csrf_failed"):
    """A cookie-authenticated request that changes state without the session's CSRF token (or, over HTTPS, from
    another site)."""


class TooManyAttempts(WenzeError, code="too_many_attempts", status=429):
    """Too many failed sign-ins for one account or from one address; `retry_after` is the number of seconds until
    the next attempt is heard."""

    def __init__(self, message: str, *, retry_after: int, **details: object) -> None:
        super().__init__(message, retry_after=retry_after, **details)
        self.retry_after = retry_after
