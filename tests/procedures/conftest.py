"""The procedure tests drive cases through one driver (driver.py): `procedure` works the test module's PROCESS."""
from __future__ import annotations

import pytest

from runner.core.clock import ManualClock
from runner.store.db import Database
from tests.procedures.driver import Procedure


@pytest.fixture
def procedure(request: pytest.FixtureRequest, deployed: Database, clock: ManualClock) -> Procedure:
    """The real bpmn/ dmn/ forms/ deployed with the demo users (SQLite and PostgreSQL); the module's PROCESS."""
    return Procedure(deployed, clock, request.module.PROCESS)
