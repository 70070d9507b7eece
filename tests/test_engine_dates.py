"""The engine's calendar arithmetic (it has no datetime on MicroPython), held against Python's own."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from checker import engine

DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31))
EPOCH = dt.date(1970, 1, 1)


def ymd(day: dt.date) -> tuple[int, int, int]:
    return (day.year, day.month, day.day)


@given(DAYS)
def test_day_numbers_agree_with_datetime(day):
    n = engine.day_number(ymd(day))
    assert n == (day - EPOCH).days
    assert engine.from_day_number(n) == ymd(day)


@given(DAYS, st.integers(min_value=0, max_value=60))
def test_whole_years_are_whole(day, years):
    start = engine.day_number(ymd(day))
    assert engine.years_between(start, engine.shift_years(start, years)) == years


@given(DAYS, st.integers(min_value=1, max_value=4000))
def test_years_grow_with_the_days_and_stay_between_the_whole_years(day, days):
    start = engine.day_number(ymd(day))
    a = engine.years_between(start, start + days)
    b = engine.years_between(start, start + days + 1)
    assert 0 < a < b
    assert days / 366 <= a <= days / 365 + 0.01


def test_a_leap_day_anniversary_falls_on_28_february():
    start = engine.day_number((2024, 2, 29))
    assert engine.years_between(start, engine.day_number((2025, 2, 28))) == 1
    assert engine.format_date(engine.from_day_number(engine.shift_years(start, 4))) == "2028-02-29"


@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 3000)), max_size=8))
def test_covered_years_count_every_day_once(pairs):
    periods = [(min(a, b), max(a, b)) for a, b in pairs]
    days = set()
    for start, end in periods:
        days.update(range(start, end))
    total = engine.covered_years(periods)
    assert days or total == 0
    if days:
        # Each day counts once: between 1/366 and 1/365 of a year.
        assert len(days) / 366 - 1e-9 <= total <= len(days) / 365 + 1e-9
    assert engine.covered_years(periods + periods) == total  # the same periods twice count once
