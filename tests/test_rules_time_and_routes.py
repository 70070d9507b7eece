"""The rules language's later constructs, held to what they promise, on pathways made here.

Dated periods (``years(...)``) never count a day twice, windows only count the
days inside them, ``every``/``any``/``count`` agree with each other, a
requirement with routes is met exactly when one of its routes is, the nearest
route comes first, and ``eligible_from`` is the very first eligible day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from certkb.pathway import compile_pathway
from certkb.pathway.model import Pathway
from checker import engine

SOURCE = "src"
AS_OF = "2025-06-30"


def pathway(inputs: list[dict[str, Any]], requirements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A compiled pathway from a few inputs and requirements (as a staff file would write them)."""
    data = {
        "id": "made-here",
        "title": "Made here",
        "jurisdiction": "nowhere",
        "last_reviewed": "2026-01-01",
        "sources": [SOURCE, "other"],
        "determination": "The agency decides.",
        "inputs": inputs,
        "requirements": [
            dict({"title": r["id"], "text": r["id"], "source": SOURCE, "met": "Met."}, **r) for r in requirements
        ],
        **extra,
    }
    return compile_pathway(Pathway.model_validate(data), {}, {})


PERIODS = [
    {
        "name": "positions",
        "type": "list",
        "label": "Positions",
        "max_entries": 20,
        "fields": [
            {"name": "start", "type": "date", "label": "Start"},
            {"name": "end", "type": "date", "label": "End"},
            {"name": "counts", "type": "boolean", "label": "Counts"},
        ],
    },
    {"name": "began", "type": "date", "label": "Began"},
]
EXPERIENCE = pathway(
    PERIODS,
    [
        {"id": "all", "rule": "years(positions) >= 4", "unmet": "{remaining} to go."},
        {"id": "counted", "rule": "years(positions where counts) >= 4", "unmet": "{remaining} to go."},
        {
            "id": "window",
            "rule": "years(positions between began and began + 2 years) >= 2",
            "unmet": "{remaining} to go.",
        },
    ],
)

DAY = st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2025, 6, 30))


@st.composite
def period(draw) -> dict[str, Any]:
    start = draw(DAY)
    entry: dict[str, Any] = {"start": start.isoformat(), "counts": draw(st.booleans())}
    if draw(st.booleans()):
        end = start + dt.timedelta(days=draw(st.integers(0, 3000)))
        entry["end"] = end.isoformat()
    return entry


def amount(p: dict[str, Any], answers: dict[str, Any], rid: str) -> float:
    result = engine.evaluate(p, answers, AS_OF)
    r = next(r for r in result["requirements"] if r["id"] == rid)
    return 4 - r["remaining"] if r["status"] == "unmet" else None


def covered_days(entries: list[dict[str, Any]], window: tuple[dt.date, dt.date] | None = None) -> set[dt.date]:
    days: set[dt.date] = set()
    last = dt.date.fromisoformat(AS_OF)
    for e in entries:
        start = dt.date.fromisoformat(e["start"])
        end = min(dt.date.fromisoformat(e["end"]) if "end" in e else last, last)
        d = start
        while d <= end:
            if window is None or window[0] <= d < window[1]:
                days.add(d)
            d += dt.timedelta(days=1)
    return days


def years_of(p: dict[str, Any], answers: dict[str, Any], rid: str, threshold: float) -> float:
    """The amount a 'years(...) >= threshold' requirement counted, from its status and remaining."""
    r = next(r for r in engine.evaluate(p, answers, AS_OF)["requirements"] if r["id"] == rid)
    return threshold if r["status"] == "met" else threshold - r["remaining"]


@settings(max_examples=150, deadline=None)
@given(st.lists(period(), max_size=6))
def test_years_count_each_day_once(entries):
    counted = years_of(EXPERIENCE, {"positions": entries}, "all", 4)
    twice = years_of(EXPERIENCE, {"positions": entries + entries}, "all", 4)
    backwards = years_of(EXPERIENCE, {"positions": entries[::-1]}, "all", 4)
    assert counted == twice == backwards
    days = len(covered_days(entries))
    if counted < 4:  # the amount is exact below the threshold
        assert days / 366 - 1e-6 <= counted <= days / 365 + 1e-6


@settings(max_examples=150, deadline=None)
@given(st.lists(period(), max_size=6), period())
def test_another_period_never_counts_less(entries, extra):
    assert years_of(EXPERIENCE, {"positions": entries + [extra]}, "all", 4) >= years_of(
        EXPERIENCE, {"positions": entries}, "all", 4
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(period(), max_size=6), DAY)
def test_a_window_counts_only_its_own_days(entries, began):
    answers = {"positions": entries, "began": began.isoformat()}
    counted = years_of(EXPERIENCE, answers, "window", 2)
    window = (
        began,
        began.replace(year=began.year + 2)
        if not (began.month == 2 and began.day == 29)
        else dt.date(began.year + 2, 2, 28),
    )
    days = len(covered_days(entries, window))
    if counted < 2:
        assert days / 366 - 1e-6 <= counted <= days / 365 + 1e-6
    assert counted <= 2 or days >= 365 * 2


@settings(max_examples=100, deadline=None)
@given(st.lists(period(), max_size=6))
def test_a_condition_only_ever_removes_periods(entries):
    assert years_of(EXPERIENCE, {"positions": entries}, "counted", 4) <= years_of(
        EXPERIENCE, {"positions": entries}, "all", 4
    )


def test_a_window_whose_date_is_not_given_is_unknown():
    result = engine.evaluate(EXPERIENCE, {"positions": [{"start": "2020-01-01"}]}, AS_OF)
    window = next(r for r in result["requirements"] if r["id"] == "window")
    assert window["status"] == "unknown"


YEARS = [
    {
        "name": "pd_years",
        "type": "list",
        "label": "Years",
        "max_entries": 10,
        "fields": [{"name": "hours", "type": "number", "label": "Hours", "at_least": 0, "at_most": 100}],
    }
]
QUANTIFIERS = pathway(
    YEARS,
    [
        {"id": "every", "rule": "every(pd_years where hours >= 30)", "unmet": "No."},
        {"id": "any", "rule": "any(pd_years where hours >= 30)", "unmet": "No."},
        {"id": "count", "rule": "count(pd_years where hours >= 30) >= 2", "unmet": "No."},
        {"id": "all_count", "rule": "count(pd_years) == count(pd_years where hours >= 30)", "unmet": "No."},
    ],
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 100)), max_size=6))
def test_every_any_and_count_agree(hours):
    entries = [{} if h is None else {"hours": h} for h in hours]
    status = {r["id"]: r["status"] for r in engine.evaluate(QUANTIFIERS, {"pd_years": entries})["requirements"]}
    known = [h for h in hours if h is not None]
    if None not in hours:
        assert status["every"] == ("met" if all(h >= 30 for h in known) else "unmet")
        assert status["any"] == ("met" if any(h >= 30 for h in known) else "unmet")
        assert status["count"] == ("met" if sum(h >= 30 for h in known) >= 2 else "unmet")
        assert status["all_count"] == status["every"]
    if any(h < 30 for h in known):
        assert status["every"] == "unmet"  # one short year is enough, answered or not
    if any(h >= 30 for h in known):
        assert status["any"] == "met"
    if None in hours and all(h >= 30 for h in known):
        assert status["every"] == "unknown"


NUMBERS = [{"name": n, "type": "number", "label": n, "at_least": 0, "at_most": 1000} for n in ("a", "b", "c")]
ROUTES = pathway(
    NUMBERS,
    [
        {
            "id": "either",
            "unmet": "You still need {routes}.",
            "routes": [
                {"id": "a", "title": "A", "rule": "a >= 120", "unmet": "{remaining} more a"},
                {"id": "b", "title": "B", "rule": "b >= 8", "unmet": "{remaining} more b"},
                {"id": "c", "title": "C", "rule": "c >= 3", "unmet": "{remaining} more c"},
            ],
            "undecided": [
                {
                    "rule": "(a > 0 and b > 0) or (a > 0 and c > 0) or (b > 0 and c > 0)",
                    "message": "The source gives no way to combine them.",
                }
            ],
        }
    ],
)
AMOUNT = st.one_of(st.none(), st.integers(0, 200))


THRESHOLDS = {"a": 120, "b": 8, "c": 3}


@settings(max_examples=200, deadline=None)
@given(AMOUNT, AMOUNT, AMOUNT)
@example(100, 0, 0)
@example(0, 0, 2)
@example(0, 7, 0)
def test_routes_meet_a_requirement_exactly_when_one_route_does(a, b, c):
    answers = {k: v for k, v in (("a", a), ("b", b), ("c", c)) if v is not None}
    r = engine.evaluate(ROUTES, answers)["requirements"][0]
    own = {"a": None if a is None else a >= 120, "b": None if b is None else b >= 8, "c": None if c is None else c >= 3}
    if True in own.values():
        assert r["status"] == "met"
    elif None in own.values():
        assert r["status"] == "unknown"
    else:
        mixed = sum(1 for v in (a, b, c) if v) >= 2
        assert r["status"] == ("unknown" if mixed else "unmet")  # never an invented conversion
        if not mixed:
            shares = [route["remaining"] / THRESHOLDS[route["id"]] for route in r["routes"]]
            assert shares == sorted(shares)  # the nearest route first
            assert r["remaining"] == r["routes"][0]["remaining"]
            assert r["message"].startswith("You still need " + r["routes"][0]["message"])


TIMED = pathway(
    PERIODS + [{"name": "evaluated", "type": "boolean", "label": "Evaluated"}],
    [
        {"id": "experience", "rule": "years(positions where counts) >= 4", "unmet": "{remaining} to go."},
        {"id": "evaluated", "rule": "evaluated", "unmet": "No."},
    ],
)


@settings(max_examples=60, deadline=None)
@given(DAY, st.booleans())
def test_eligible_from_is_the_first_eligible_day(start, evaluated):
    answers = {"positions": [{"start": start.isoformat(), "counts": True}], "evaluated": evaluated}
    result = engine.evaluate(TIMED, answers, AS_OF)
    since = result.get("eligible_from")
    if not evaluated or result["status"] != "not_yet":
        assert since is None  # never while something other than time is missing
        return
    day = dt.date.fromisoformat(since)
    assert engine.evaluate(TIMED, answers, day.isoformat())["status"] == "eligible"
    assert engine.evaluate(TIMED, answers, (day - dt.timedelta(days=1)).isoformat())["status"] == "not_yet"


EXPIRING = pathway(
    [{"name": "issued_on", "type": "date", "label": "Issued"}, {"name": "done", "type": "boolean", "label": "Done"}],
    [{"id": "done", "rule": "done", "unmet": "No."}],
    expiry={"input": "issued_on", "years": 4, "expired": "Expired on {expires_on}."},
)


@settings(max_examples=100, deadline=None)
@given(DAY, st.integers(0, 12 * 366))
def test_an_expired_certificate_gives_its_notice_and_is_never_plainly_eligible(issued, days_later):
    as_of = issued + dt.timedelta(days=days_later)
    result = engine.evaluate(EXPIRING, {"issued_on": issued.isoformat(), "done": True}, as_of.isoformat())
    expired = as_of.isoformat() > result["expires_on"]
    assert [n["id"] for n in result["notices"]] == (["certificate_expired"] if expired else [])
    assert result["status"] == ("incomplete" if expired else "eligible")
    if expired:
        assert result["expires_on"] in result["notices"][0]["message"]


def test_an_issue_date_after_the_as_of_date_is_refused():
    problems = engine.run(EXPIRING, {"issued_on": "2025-07-01"}, "2025-06-30")["problems"]
    assert problems == ["issued_on: '2025-07-01' is after the date the check is made for, 2025-06-30"]
