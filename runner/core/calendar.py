"""PRC legal deadlines: how a period stated in 日 / 工作日 / 月 is counted, and which days are working days.

Pure logic, no IO. The counting rules are those of 《民法典》 第二百零一条至第二百零三条, applied by analogy to the
internal accountability rules (domain.md §X.7):
- 第二百零一条: the start day is not counted; counting begins the next day.
- 第二百零二条: a month period ends on the corresponding day of the last month, or on that month's last day.
- 第二百零三条: a last day that is a 法定休假日 moves to the day after the holiday ends; the period ends at 24:00.

Which days are working days comes, in order of precedence, from a year table loaded by an administrator (the
annual 国务院办公厅 notice), from the `chinesecalendar` package (2004–2026 only), or, for any other year, from
weekends alone; the last case is *provisional* and must be recomputed once the year's table is loaded.
"""
from __future__ import annotations

import calendar as _stdlib_calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any, Mapping, TypeGuard
from zoneinfo import ZoneInfo

import chinese_calendar

from ..errors import FieldError, InvalidData

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNITS = ("calendar_days", "working_days", "months")
MAX_PERIOD = 36500  # a sanity bound (about a century of days) so a mistyped period cannot stall the engine

_ONE_DAY = timedelta(days=1)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNNAMED_HOLIDAY = "法定休假日"


def _invalid(errors: list[FieldError], what: str) -> InvalidData:
    first = errors[0]
    where = f" at {first['path']}" if first["path"] else ""
    return InvalidData(f"{what}: {first['message']}{where}", errors=errors)


def _whole_number(value: object) -> TypeGuard[int]:
    """An int but not a bool. Periods and years also arrive from diagrams' timer expressions and uploaded
    tables, where any value can stand, so the annotations alone do not guarantee it."""
    return isinstance(value, int) and not isinstance(value, bool)


# --------------------------------------------------------------------------------------------------- year tables

@dataclass(frozen=True)
class HolidayYear:
    """One year's official schedule, as published in the annual 国务院办公厅 notice on 部分节假日安排.

    `rest_days` are the statutory holiday rest days (including weekend days inside a holiday block); `workdays`
    are the official make-up working days (调休上班), which always fall on a Saturday or Sunday. `holidays` keeps
    the named blocks for display and round-tripping; when given, its days are exactly `rest_days`.
    """

    year: int
    rest_days: frozenset[date]
    workdays: frozenset[date]
    source: str
    holidays: tuple[tuple[str, tuple[date, ...]], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        if any(d.year != self.year for d in self.rest_days):
            errors.append({"path": "rest_days", "message": f"contains a day outside {self.year}"})
        if any(d.year != self.year or d.weekday() < 5 for d in self.workdays):
            errors.append({"path": "workdays", "message": f"make-up workdays must be Saturdays/Sundays of {self.year}"})
        if self.rest_days & self.workdays:
            errors.append({"path": "workdays", "message": "a day cannot be both a rest day and a make-up workday"})
        if self.holidays and {d for _, days in self.holidays for d in days} != self.rest_days:
            errors.append({"path": "holidays", "message": "named holiday days differ from rest_days"})
        if errors:
            raise _invalid(errors, f"invalid holiday table for {self.year}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON format read by `parse_holiday_year`."""
        blocks = self.holidays
        if not blocks and self.rest_days:  # built without names: one block holding every rest day
            blocks = ((_UNNAMED_HOLIDAY, tuple(sorted(self.rest_days))),)
        return {
            "year": self.year,
            "source": self.source,
            "holidays": [{"name": name, "days": [d.isoformat() for d in days]} for name, days in blocks],
            "workdays": [d.isoformat() for d in sorted(self.workdays)],
        }


def parse_holiday_year(obj: Any) -> HolidayYear:
    """Validate a year table in JSON form; every problem is reported with the path of the offending field.

    Format: {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知",
             "holidays": [{"name": "元旦", "days": ["2027-01-01"]}], "workdays": ["2027-02-06"]}
    """
    errors: list[FieldError] = []

    def err(path: str, message: str) -> None:
        errors.append({"path": path, "message": message})

    if not isinstance(obj, Mapping):
        raise _invalid([{"path": "", "message": "a holiday table must be a JSON object"}], "invalid holiday table")
    for key in ("year", "source", "holidays", "workdays"):
        if key not in obj:
            err(key, "is required")
    for key in obj:
        if key not in ("year", "source", "holidays", "workdays"):
            err(str(key), "unknown field")

    raw_year, raw_source = obj.get("year"), obj.get("source")
    year = raw_year if _whole_number(raw_year) and 1 <= raw_year <= 9998 else None
    if "year" in obj and year is None:
        err("year", "must be an integer year")
    source = raw_source if isinstance(raw_source, str) and raw_source.strip() else None
    if "source" in obj and source is None:
        err("source", "must be a non-empty string (the title of the notice)")

    seen: dict[date, str] = {}

    def day(path: str, value: Any) -> date | None:
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            err(path, "must be a date written YYYY-MM-DD")
            return None
        try:
            d = date.fromisoformat(value)
        except ValueError:
            err(path, f"{value!r} is not a calendar date")
            return None
        if year is not None and d.year != year:
            err(path, f"{value} is outside the year {year}")
        elif d in seen:
            err(path, f"{value} is listed twice (also at {seen[d]})")
        else:
            seen[d] = path
            return d
        return None

    def listed(key: str) -> list[Any]:
        value = obj.get(key, [])
        if isinstance(value, list):
            return value
        err(key, "must be a list")
        return []

    blocks: list[tuple[str, tuple[date, ...]]] = []
    for i, block in enumerate(listed("holidays")):
        path = f"holidays[{i}]"
        if not isinstance(block, Mapping):
            err(path, "must be an object with name and days")
            continue
        for key in block:
            if key not in ("name", "days"):
                err(f"{path}.{key}", "unknown field")
        name = block.get("name")
        if not isinstance(name, str) or not name.strip():
            err(f"{path}.name", "is required (a non-empty string)")
        days = block.get("days")
        if not isinstance(days, list) or not days:
            err(f"{path}.days", "must be a non-empty list of dates")
            continue
        parsed = [day(f"{path}.days[{j}]", v) for j, v in enumerate(days)]
        blocks.append((name if isinstance(name, str) else "", tuple(d for d in parsed if d is not None)))

    workdays: list[date] = []
    for j, value in enumerate(listed("workdays")):
        path = f"workdays[{j}]"
        d = day(path, value)
        # A make-up working day (调休上班) only exists to replace a weekend rest day; on a weekday it means nothing.
        if d is not None and d.weekday() < 5:
            err(path, f"{value} is not a Saturday or Sunday, so it cannot be a make-up working day")
        elif d is not None:
            workdays.append(d)

    if errors:
        raise _invalid(errors, "invalid holiday table")
    assert year is not None and source is not None  # a missing or invalid year or source is an error above
    return HolidayYear(year=year, rest_days=frozenset(d for _, ds in blocks for d in ds),
                       workdays=frozenset(workdays), source=source, holidays=tuple(blocks))


# ------------------------------------------------------------------------------------------------ working days

class WorkCalendar:
    """Decides whether a day is a working day, and whether that answer is only provisional.

    Precedence: a loaded `HolidayYear` (an administrator's table wins, even over library data), then the
    `chinesecalendar` package (2004–2026), then weekends only (provisional). Never `weekday() < 5` alone where
    official data exists: Sat 2026-02-14 is a working day (调休), Thu 2026-10-01 is a holiday (国庆).
    """

    def __init__(self, loaded: Mapping[int, HolidayYear] | None = None) -> None:
        loaded = dict(loaded or {})
        wrong: list[FieldError] = [{"path": f"loaded[{k}]", "message": f"holds the table of {v.year}"}
                                   for k, v in loaded.items() if v.year != k]
        if wrong:
            raise _invalid(wrong, "holiday tables filed under the wrong year")
        self.loaded: Mapping[int, HolidayYear] = MappingProxyType(loaded)

    def is_workday(self, d: date) -> tuple[bool, bool]:
        """(is a working day, provisional)."""
        table = self.loaded.get(d.year)
        if table is not None:
            if d in table.workdays:
                return True, False
            if d in table.rest_days:
                return False, False
            return d.weekday() < 5, False
        try:
            return bool(chinese_calendar.is_workday(d)), False
        except NotImplementedError:
            # No official data for this year yet: Saturday and Sunday are the weekly rest days (人事部实施办法
            # 第三条), holidays are unknown. The result must be recomputed once the year's notice is loaded.
            return d.weekday() < 5, True


# --------------------------------------------------------------------------------------------------- deadlines

@dataclass(frozen=True)
class Deadline:
    start: date
    unit: str
    period: int
    last_day: date
    due_at: datetime
    provisional: bool
    rolled_from: date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "unit": self.unit,
            "period": self.period,
            "last_day": self.last_day.isoformat(),
            "due_at": self.due_at.isoformat(),
            "provisional": self.provisional,
            "rolled_from": self.rolled_from.isoformat() if self.rolled_from else None,
        }


def _start_date(start: date | datetime | str) -> date:
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start) if _ISO_DATE.match(start) else datetime.fromisoformat(start)
        except ValueError:
            raise InvalidData(f"start {start!r} is not an ISO date or date-time",
                              errors=[{"path": "start", "message": "must be an ISO date or date-time"}]) from None
    if isinstance(start, datetime):
        # The day of an event is the day in China; a naive date-time is taken to be Beijing time already.
        return (start.astimezone(SHANGHAI) if start.tzinfo else start).date()
    if isinstance(start, date):
        return start
    raise InvalidData("start must be a date", errors=[{"path": "start", "message": "must be a date or date-time"}])


def _add_months(d: date, months: int) -> date:
    # 第二百零二条: the corresponding day of the last month, or that month's last day when it has none.
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, _stdlib_calendar.monthrange(year, month)[1]))


def compute_deadline(start: date | datetime | str, period: int, unit: str, calendar: WorkCalendar) -> Deadline:
    """The last day and due instant of a period of `period` `unit`s beginning on `start`."""
    errors: list[FieldError] = []
    if unit not in UNITS:
        errors.append({"path": "unit", "message": f"must be one of {', '.join(UNITS)}"})
    if not _whole_number(period) or not 0 <= period <= MAX_PERIOD:
        errors.append({"path": "period", "message": f"must be an integer from 0 to {MAX_PERIOD}"})
    if errors:
        raise _invalid(errors, "invalid deadline")
    first = _start_date(start)
    provisional = False

    def workday(d: date) -> bool:
        nonlocal provisional
        ok, unsure = calendar.is_workday(d)
        provisional = provisional or unsure
        return ok

    try:
        rolled_from = None
        if unit == "working_days":
            # N working days after the start day (第二百零一条: the start day itself never counts).
            # Period 0 means the start day if it is a working day, else the next working day.
            last = first
            remaining = period
            if remaining == 0:
                while not workday(last):
                    last += _ONE_DAY
            while remaining:
                last += _ONE_DAY
                remaining -= workday(last)
        else:
            # 第二百零一条 (start day not counted) and 第二百零二条 (month periods).
            last = first + timedelta(days=period) if unit == "calendar_days" else _add_months(first, period)
            # 第二百零三条: a last day that is a rest day moves to the next working day. An official make-up
            # working day (调休上班, e.g. Sat 2026-02-14) is a working day and does not move.
            unrolled = last
            while not workday(last):
                last += _ONE_DAY
            rolled_from = unrolled if last != unrolled else None
        # 第二百零三条: the last day ends at 24:00, i.e. 00:00 of the next day, Beijing time.
        due_at = datetime.combine(last + _ONE_DAY, time(0), tzinfo=SHANGHAI)
    except (OverflowError, ValueError):
        raise InvalidData(f"a period of {period} {unit} is out of range",
                          errors=[{"path": "period", "message": "is too large"}]) from None
    return Deadline(start=first, unit=unit, period=period, last_day=last, due_at=due_at,
                    provisional=provisional, rolled_from=rolled_from)


def reminder_at(deadline: Deadline, working_days_before: int, calendar: WorkCalendar) -> datetime:
    """00:00 Beijing time of the working day `working_days_before` working days before the last day.

    Never earlier than the first counted day of the period (the day after the start, 第二百零一条): a reminder
    on or before the start day would fire before the event that started the period.
    """
    if not _whole_number(working_days_before) or working_days_before < 0:
        raise InvalidData("working_days_before must be a non-negative integer",
                          errors=[{"path": "working_days_before", "message": "must be a non-negative integer"}])
    floor = deadline.start + _ONE_DAY
    day = deadline.last_day
    remaining = working_days_before
    while remaining and day > floor:
        day -= _ONE_DAY
        remaining -= calendar.is_workday(day)[0]
    if remaining:  # ran out of days before the start: remind on the first counted day
        day = floor
    return datetime.combine(max(day, floor), time(0), tzinfo=SHANGHAI)


def years_touched(deadline: Deadline) -> set[int]:
    """The years whose working-day data the deadline depends on: loading a table for one of them can move it."""
    if deadline.unit == "working_days":
        first = deadline.start + _ONE_DAY if deadline.period else deadline.start
    else:
        first = deadline.rolled_from or deadline.last_day
    return set(range(min(first, deadline.last_day).year, deadline.last_day.year + 1))


def work_calendar(tables: Mapping[int, Any]) -> WorkCalendar:
    """The calendar with the year tables an administrator loaded (as stored: {year: table})."""
    return WorkCalendar({year: parse_holiday_year(table) for year, table in tables.items()})


def chinese_date(day: date) -> str:
    """A date as Chinese documents and offices write it: 2026年10月9日 (GB/T 9704-2012 7.3.5: Arabic numerals, year
    month and day in full, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"
