"""PRC legal deadlines (runner/core/calendar.py), checked against the worked examples of domain.md §X.7.7.

Every expected date below is written out by hand from the domain.md tables and the 2026 State Council notice
(国务院办公厅关于2026年部分节假日安排的通知); none is recomputed with the code under test.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from runner.core.calendar import (UNITS, Deadline, HolidayYear, WorkCalendar, compute_deadline, parse_holiday_year,
                                  reminder_at, years_touched)
from runner.errors import InvalidData

D = date.fromisoformat
LIBRARY = WorkCalendar()  # chinesecalendar only (2004–2026)

# A made-up 2027 table for tests only: no 2027 notice had been published when this was written (domain.md §X.7.5).
HYPOTHETICAL_2027 = {
    "year": 2027,
    "source": "test fixture, not an official notice",
    "holidays": [{"name": "元旦", "days": ["2027-01-01", "2027-01-02", "2027-01-03"]}],
    "workdays": ["2027-02-06"],
}


def paths(exc: pytest.ExceptionInfo[InvalidData]) -> list[str]:
    return [e["path"] for e in exc.value.details["errors"]]


# ------------------------------------------------------------------------------ domain.md §X.7.7, all rows

# (deadline, start, period, calendar end before roll, last day after roll-forward, N-th working day after start)
WORKED_EXAMPLES = [
    ("WS 第十五条 5日 初步审查", "2026-09-29", 5, "2026-10-04", "2026-10-08", "2026-10-12"),
    ("WS 第十五条 5日 across 春节", "2026-02-11", 5, "2026-02-16", "2026-02-24", "2026-02-25"),
    ("JZ 第十八条 10日 备案", "2026-09-22", 10, "2026-10-02", "2026-10-08", "2026-10-13"),
    ("CF 第十一条 10日 通知", "2026-04-24", 10, "2026-05-04", "2026-05-06", "2026-05-12"),
    ("YC 第十三条 15日 申诉", "2026-09-16", 15, "2026-10-01", "2026-10-08", "2026-10-13"),
    ("WS 第十五条 30日 调查", "2026-09-07", 30, "2026-10-07", "2026-10-08", "2026-10-23"),
]


@pytest.mark.parametrize("name,start,period,unrolled,last,_working", WORKED_EXAMPLES, ids=[r[0] for r in WORKED_EXAMPLES])
def test_calendar_days_start_day_not_counted_and_rest_day_rolls_forward_201_203(name, start, period, unrolled,
                                                                                 last, _working):
    """第二百零一条: the start day is not counted; 第二百零三条: a last day that is a rest day moves on."""
    d = compute_deadline(start, period, "calendar_days", LIBRARY)
    assert d.last_day == D(last)
    assert d.rolled_from == D(unrolled)
    assert d.provisional is False
    # 第二百零三条: the period ends at 24:00 of the last day.
    assert d.due_at.isoformat() == (D(last) + timedelta(days=1)).isoformat() + "T00:00:00+08:00"


@pytest.mark.parametrize("name,start,period,_unrolled,_last,working", WORKED_EXAMPLES, ids=[r[0] for r in WORKED_EXAMPLES])
def test_working_days_nth_working_day_after_start_201(name, start, period, _unrolled, _last, working):
    """第二百零一条 applied to working days: the N-th working day after the start day, never rolled."""
    d = compute_deadline(start, period, "working_days", LIBRARY)
    assert d.last_day == D(working)
    assert d.rolled_from is None
    assert d.provisional is False


def test_makeup_saturday_2026_02_14_does_not_roll_203():
    """YC 第八条 30日 from Thu 2026-01-15 ends Sat 2026-02-14, an official 调休 working day: 第二百零三条 does not apply."""
    d = compute_deadline("2026-01-15", 30, "calendar_days", LIBRARY)
    assert d.last_day == D("2026-02-14")
    assert d.rolled_from is None
    assert d.to_dict()["due_at"] == "2026-02-15T00:00:00+08:00"


def test_makeup_saturday_counts_as_working_day():
    """YC 第八条 30日 as working days from 2026-01-15 is Wed 2026-03-04 (2/14 and 2/28 count, 春节 does not)."""
    assert compute_deadline("2026-01-15", 30, "working_days", LIBRARY).last_day == D("2026-03-04")


def test_one_month_ends_on_month_end_when_no_corresponding_day_202():
    """YC 第十三条 一个月 from Sat 2026-01-31: 第二百零二条 gives 2026-02-28 (also a 调休 working day, so no roll)."""
    d = compute_deadline("2026-01-31", 1, "months", LIBRARY)
    assert d.last_day == D("2026-02-28")
    assert d.rolled_from is None
    assert d.provisional is False


def test_one_month_corresponding_day_rolls_off_national_day_202_203():
    """第二百零二条 then 第二百零三条: 2026-09-01 + 1 month = Thu 2026-10-01 (国庆), moved to Thu 2026-10-08."""
    d = compute_deadline("2026-09-01", 1, "months", LIBRARY)
    assert (d.rolled_from, d.last_day) == (D("2026-10-01"), D("2026-10-08"))


def test_plain_weekend_rolls_to_monday_203():
    """第二百零三条 by the usual practice: an ordinary Saturday last day (2026-03-07) moves to Mon 2026-03-09."""
    d = compute_deadline("2026-03-02", 5, "calendar_days", LIBRARY)
    assert (d.rolled_from, d.last_day) == (D("2026-03-07"), D("2026-03-09"))


# ---------------------------------------------------------------------------------- which days are working days

def test_is_workday_uses_official_data_not_weekday():
    assert LIBRARY.is_workday(D("2026-02-14")) == (True, False)   # Saturday, 调休上班
    assert LIBRARY.is_workday(D("2026-01-04")) == (True, False)   # Sunday, 调休上班
    assert LIBRARY.is_workday(D("2026-10-01")) == (False, False)  # Thursday, 国庆
    assert LIBRARY.is_workday(D("2026-02-16")) == (False, False)  # Monday, 春节
    assert LIBRARY.is_workday(D("2026-03-09")) == (True, False)


def test_years_without_data_fall_back_to_weekends_and_are_provisional():
    assert LIBRARY.is_workday(D("2027-01-01")) == (True, True)    # Friday; 元旦 unknown without a 2027 notice
    assert LIBRARY.is_workday(D("2027-01-02")) == (False, True)   # Saturday
    assert LIBRARY.is_workday(D("2003-10-01")) == (True, True)    # before the library's 2004 start


# ------------------------------------------------------------------------------------- provisional years (2027)

def test_period_into_2027_is_provisional_and_counts_weekends_only():
    """30 calendar days from 2026-12-02 end Fri 2027-01-01: without a 2027 table 元旦 is unknown, so no roll."""
    d = compute_deadline("2026-12-02", 30, "calendar_days", LIBRARY)
    assert d.last_day == D("2027-01-01")
    assert d.rolled_from is None
    assert d.provisional is True
    assert years_touched(d) == {2027}


def test_provisional_weekend_still_rolls_203():
    """30 calendar days from 2026-12-03 end Sat 2027-01-02: weekends alone move it to Mon 2027-01-04."""
    d = compute_deadline("2026-12-03", 30, "calendar_days", LIBRARY)
    assert (d.rolled_from, d.last_day, d.provisional) == (D("2027-01-02"), D("2027-01-04"), True)


def test_working_days_crossing_into_2027_are_provisional():
    """3 working days after Wed 2026-12-30: Thu 12-31, Fri 2027-01-01 (assumed working), Mon 2027-01-04."""
    d = compute_deadline("2026-12-30", 3, "working_days", LIBRARY)
    assert (d.last_day, d.provisional) == (D("2027-01-04"), True)
    assert years_touched(d) == {2026, 2027}


def test_loaded_2027_table_takes_over_and_its_holiday_rolls_the_date_203():
    calendar = WorkCalendar({2027: parse_holiday_year(HYPOTHETICAL_2027)})
    d = compute_deadline("2026-12-02", 30, "calendar_days", calendar)
    assert (d.rolled_from, d.last_day, d.provisional) == (D("2027-01-01"), D("2027-01-04"), False)
    w = compute_deadline("2026-12-30", 3, "working_days", calendar)
    assert (w.last_day, w.provisional) == (D("2027-01-05"), False)  # 12-31, 01-04, 01-05
    assert calendar.is_workday(D("2027-02-06")) == (True, False)    # loaded make-up Saturday


def test_loaded_year_overrides_library_data():
    """An administrator's 2026 table wins over chinesecalendar, e.g. a (hypothetical) longer 国庆 block."""
    corrected = parse_holiday_year({
        "year": 2026, "source": "test fixture, not an official notice",
        "holidays": [{"name": "国庆节", "days": [f"2026-10-0{i}" for i in range(1, 9)]}],
        "workdays": [],
    })
    calendar = WorkCalendar({2026: corrected})
    assert calendar.is_workday(D("2026-10-08")) == (False, False)
    assert calendar.is_workday(D("2026-02-14")) == (False, False)  # not listed as a make-up day in this table
    d = compute_deadline("2026-09-29", 5, "calendar_days", calendar)
    assert (d.rolled_from, d.last_day) == (D("2026-10-04"), D("2026-10-09"))


def test_calendar_rejects_table_filed_under_wrong_year():
    with pytest.raises(InvalidData) as exc:
        WorkCalendar({2028: parse_holiday_year(HYPOTHETICAL_2027)})
    assert paths(exc) == ["loaded[2028]"]


# ------------------------------------------------------------------------------------------------- start values

def test_datetime_start_is_taken_as_its_beijing_date_201():
    """第二百零一条 counts from the day of the event in China: 2026-09-29 18:30 UTC is 09-30 02:30 in Beijing."""
    assert compute_deadline("2026-09-29T18:30:00Z", 1, "calendar_days", LIBRARY).start == D("2026-09-30")
    aware = datetime(2026, 9, 28, 16, 30, tzinfo=timezone.utc)  # 2026-09-29 00:30 Beijing
    assert compute_deadline(aware, 5, "calendar_days", LIBRARY).last_day == D("2026-10-08")
    assert compute_deadline(datetime(2026, 9, 29, 23, 59), 5, "calendar_days", LIBRARY).start == D("2026-09-29")


@pytest.mark.parametrize("kwargs,path", [
    ({"period": 5, "unit": "weeks"}, "unit"),
    ({"period": -1, "unit": "calendar_days"}, "period"),
    ({"period": True, "unit": "calendar_days"}, "period"),
    ({"period": 10**6, "unit": "working_days"}, "period"),
])
def test_compute_deadline_rejects_bad_unit_or_period(kwargs, path):
    with pytest.raises(InvalidData) as exc:
        compute_deadline("2026-09-29", calendar=LIBRARY, **kwargs)
    assert paths(exc) == [path]


def test_compute_deadline_rejects_bad_start():
    with pytest.raises(InvalidData) as exc:
        compute_deadline("29/09/2026", 5, "calendar_days", LIBRARY)
    assert paths(exc) == ["start"]


def test_units():
    assert UNITS == ("calendar_days", "working_days", "months")


# ------------------------------------------------------------------------------------------------- serialization

def test_deadline_to_dict_exact_keys_and_values_203():
    """JZ 第十八条 10日 from 2026-09-22; 第二百零三条: due at 24:00 of 10-08, i.e. 10-09 00:00 +08:00."""
    assert compute_deadline("2026-09-22", 10, "calendar_days", LIBRARY).to_dict() == {
        "start": "2026-09-22",
        "unit": "calendar_days",
        "period": 10,
        "last_day": "2026-10-08",
        "due_at": "2026-10-09T00:00:00+08:00",
        "provisional": False,
        "rolled_from": "2026-10-02",
    }
    assert compute_deadline("2026-01-15", 30, "calendar_days", LIBRARY).to_dict()["rolled_from"] is None


def test_deadline_is_frozen():
    d = compute_deadline("2026-09-22", 10, "calendar_days", LIBRARY)
    assert isinstance(d, Deadline)
    with pytest.raises(AttributeError):
        d.last_day = D("2026-10-09")  # type: ignore[misc]


def test_holiday_year_round_trip():
    year = parse_holiday_year(HYPOTHETICAL_2027)
    assert year.rest_days == {D("2027-01-01"), D("2027-01-02"), D("2027-01-03")}
    assert year.workdays == {D("2027-02-06")}
    assert year.to_dict() == HYPOTHETICAL_2027
    assert parse_holiday_year(year.to_dict()) == year


def test_holiday_year_built_without_names_still_serializes():
    year = HolidayYear(2027, frozenset({D("2027-01-01")}), frozenset(), "test")
    assert parse_holiday_year(year.to_dict()) == year


@pytest.mark.parametrize("change,path", [
    ({"year": "2027"}, "year"),
    ({"source": ""}, "source"),
    ({"holidays": [{"name": "元旦", "days": ["2028-01-01"]}]}, "holidays[0].days[0]"),      # outside the year
    ({"holidays": [{"name": "元旦", "days": ["2027-1-1"]}]}, "holidays[0].days[0]"),        # malformed
    ({"holidays": [{"name": "元旦", "days": ["2027-02-30"]}]}, "holidays[0].days[0]"),      # no such day
    ({"holidays": [{"name": "元旦", "days": ["2027-01-01", "2027-01-01"]}]}, "holidays[0].days[1]"),  # duplicate
    ({"holidays": [{"name": "", "days": ["2027-01-01"]}]}, "holidays[0].name"),
    ({"holidays": [{"name": "元旦", "days": []}]}, "holidays[0].days"),
    ({"workdays": ["2027-02-08"]}, "workdays[0]"),                                          # a Monday
    ({"workdays": ["2027-01-02"]}, "workdays[0]"),                                          # already a rest day
    ({"workdays": "2027-02-06"}, "workdays"),
    ({"extra": 1}, "extra"),
])
def test_parse_holiday_year_names_the_bad_field(change, path):
    with pytest.raises(InvalidData) as exc:
        parse_holiday_year({**HYPOTHETICAL_2027, **change})
    assert paths(exc) == [path]


@pytest.mark.parametrize("missing", ["year", "source", "holidays", "workdays"])
def test_parse_holiday_year_missing_key(missing):
    obj = {k: v for k, v in HYPOTHETICAL_2027.items() if k != missing}
    with pytest.raises(InvalidData) as exc:
        parse_holiday_year(obj)
    assert paths(exc) == [missing]


def test_parse_holiday_year_rejects_non_object():
    with pytest.raises(InvalidData):
        parse_holiday_year(["2027-01-01"])


# --------------------------------------------------------------------------------------------------- reminders

def test_reminder_one_working_day_before_skips_national_day():
    """WS 第十五条 5日 from 2026-09-29 ends 10-08; the working day before is Wed 09-30 (10-01..10-07 are rest)."""
    d = compute_deadline("2026-09-29", 5, "calendar_days", LIBRARY)
    assert reminder_at(d, 1, LIBRARY).isoformat() == "2026-09-30T00:00:00+08:00"


def test_reminder_lands_on_makeup_saturday():
    """5日 from 2026-02-11 ends Tue 02-24; one working day before is the 调休 Saturday 2026-02-14."""
    d = compute_deadline("2026-02-11", 5, "calendar_days", LIBRARY)
    assert reminder_at(d, 1, LIBRARY).isoformat() == "2026-02-14T00:00:00+08:00"


def test_reminder_several_days_before_and_zero():
    d = compute_deadline("2026-09-22", 10, "calendar_days", LIBRARY)  # last day 2026-10-08
    assert reminder_at(d, 2, LIBRARY).isoformat() == "2026-09-29T00:00:00+08:00"
    assert reminder_at(d, 0, LIBRARY).isoformat() == "2026-10-08T00:00:00+08:00"


def test_reminder_never_before_first_counted_day_201():
    """第二百零一条: the period starts the day after the start day, and so does the earliest reminder."""
    d = compute_deadline("2026-09-29", 1, "working_days", LIBRARY)  # last day Wed 2026-09-30
    assert reminder_at(d, 1, LIBRARY).isoformat() == "2026-09-30T00:00:00+08:00"
    d = compute_deadline("2026-09-30", 1, "calendar_days", LIBRARY)  # 10-01 rolled to 10-08
    assert reminder_at(d, 3, LIBRARY).isoformat() == "2026-10-01T00:00:00+08:00"


def test_reminder_rejects_negative():
    d = compute_deadline("2026-09-22", 10, "calendar_days", LIBRARY)
    with pytest.raises(InvalidData) as exc:
        reminder_at(d, -1, LIBRARY)
    assert paths(exc) == ["working_days_before"]


def test_years_touched_single_year():
    assert years_touched(compute_deadline("2026-09-29", 5, "calendar_days", LIBRARY)) == {2026}


def test_holiday_year_constructor_refuses_contradictions():
    with pytest.raises(InvalidData) as exc:
        HolidayYear(2027, frozenset({D("2027-01-02")}), frozenset({D("2027-01-02")}), "test")
    assert paths(exc) == ["workdays"]
