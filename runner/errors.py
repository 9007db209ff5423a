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
    """Base class: `code` is a stable machine-readable key, `status` the HTTP status the web shell answers with."""

    code = "error"
    status = 400

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_dict(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message, **self.details}


class NotFound(WenzeError):
    code = "not_found"
    status = 404


class Conflict(WenzeError):
    """The request raced another one or the case moved on (task already completed, deadline already fired)."""

    code = "conflict"
    status = 409


class Forbidden(WenzeError):
    code = "forbidden"
    status = 403


class InvalidData(WenzeError):
    """Submitted data violates its schema; `errors` lists a FieldError per violated field."""

    code = "invalid_data"
    status = 422

    def __init__(self, message: str, *, errors: list[FieldError] | None = None, **details: object) -> None:
        super().__init__(message, errors=errors, **details)


class DeployError(WenzeError):
    """A bpmn/dmn/form file cannot be deployed; details name the file and line or element."""

    code = "deploy_error"
    status = 422


class ScriptError(WenzeError):
    """A script, condition or decision cell failed or was refused by the sandbox."""

    code = "script_error"
    status = 422


class InvalidSetting(WenzeError):
    """A WENZE_* environment variable holds a value the runner refuses; `variable` names it."""

    code = "invalid_setting"
    status = 500


class NotMigrated(WenzeError):
    """The database has no tables, or an older schema than the code: `wenze migrate` fixes it."""

    code = "not_migrated"
    status = 503


class DatabaseUnavailable(WenzeError):
    code = "database_unavailable"
    status = 503


class NotDeployed(NotFound):
    """Nothing of the kind asked for is deployed yet: `wenze deploy` fixes it."""

    code = "not_deployed"


class BadRequest(WenzeError):
    """A request body the web app cannot read at all: not UTF-8, not JSON, or nested too deeply."""

    code = "bad_request"
    status = 400


class TooLarge(WenzeError):
    """A request body larger than WENZE_MAX_BODY_BYTES; `limit` names the limit in bytes."""

    code = "too_large"
    status = 413


class ForgedRequest(Forbidden):
    """A cookie-authenticated request that changes state without the session's CSRF token (or, over HTTPS, from
    another site)."""

    code = "csrf_failed"


class TooManyAttempts(WenzeError):
    """Too many failed sign-ins for one account or from one address; `retry_after` is the number of seconds until
    the next attempt is heard."""

    code = "too_many_attempts"
    status = 429

    def __init__(self, message: str, *, retry_after: int, **details: object) -> None:
        super().__init__(message, retry_after=retry_after, **details)
        self.retry_after = retry_after
