"""The official holiday tables administrators loaded (`wenze calendar load`), as stored."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from .models import HolidayTable

_YEARS = select(HolidayTable.year, HolidayTable.table)


def year_tables(conn: Connection) -> dict[int, Any]:
    """{year: table} of every loaded year."""
    return {row.year: row.table for row in conn.execute(_YEARS)}
