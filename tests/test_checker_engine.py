"""The engine's own pieces, called directly: messages, numbers, dates, suggestions (on the frozen
fixture pathways, tests/fixtures/content/pathways, so edits to content/ never change them)."""

from __future__ import annotations

import pytest

from checker import engine

from .checker_support import fixture_compiled as compiled


def requirement(pathway_id, answers, rid):
    result = engine.evaluate(compiled()[pathway_id], answers)
    return next(r for r in result["requirements"] if r["id"] == rid)


ENTRY = {"years": 1, "setting": "accredited_nonpublic", "fte": 1, "contracted": True}


@pytest.mark.parametrize(
    "pathway_id,answers,rid,message",
    [
        (
            "fx-ipc-to-ccpc",
            {},
            "professional_development",
            "Not answered yet: Contact hours in your professional development plan; "
            "Professional development plan approved by your employing school district.",
        ),
        (
            "fx-ipc-to-ccpc",
            {"pd_contact_hours": 12},
            "professional_development",
            "Your professional development plan has 12 of the 30 contact hours it needs; 18 to go. "
            "Not answered yet: Professional development plan approved by your employing school district.",
        ),
        (
            "fx-ipc-to-ccpc",
            {"pd_contact_hours": 12, "pd_plan_approved": False},
            "professional_development",
            "Your professional development plan has 12 of the 30 contact hours it needs; 18 to go. "
            "Your professional development plan must be approved by your employing school district.",
        ),
        (
            "fx-iss-to-css",
            {},
            "experience",
            "Not answered yet: Years of approved student services experience, or student services positions.",
        ),
        (
            "fx-iss-to-css",
            {"experience": [ENTRY, dict(ENTRY, years=3), {"years": 2, "setting": "mo_public", "fte": 1}]},
            "experience",
            "Not answered yet: Student services positions, entries 1 and 2: "
            "The nonpublic school's accrediting association; "
            "Student services positions, entry 3: Contracted employment.",
        ),
        (
            "fx-iss-to-css",
            {"experience": [ENTRY, ENTRY, ENTRY]},
            "experience",
            "You have 0 to 3 of the 4 years of approved student services experience; 1 to go.",
        ),
        (
            "fx-iss-to-css",
            {"pd_semester_hours": 1},
            "professional_development",
            "Not answered yet: Contact hours of professional development.",
        ),
        (
            "fx-iss-to-css",
            {"pd_contact_hours": 2.5, "pd_semester_hours": 0},
            "professional_development",
            "You have 2.5 of the 40 contact hours of professional development (semester hours counted at 15 each); "
            "37.5 to go.",
        ),
    ],
)
def test_messages_say_what_is_missing(pathway_id, answers, rid, message):
    assert requirement(pathway_id, answers, rid)["message"] == message


def test_met_messages_show_the_threshold_from_the_rule():
    r = requirement("fx-ipc-to-ccpc", {"mentoring_years": 2}, "mentoring")
    assert r["message"] == "You have taken part in a mentoring program for at least 2 school years."


@pytest.mark.parametrize(
    "x,text",
    [
        (0, "0"),
        (4, "4"),
        (4.0, "4"),
        (3.99, "3.99"),
        (0.1 + 0.2, "0.3"),
        (1 / 3, "0.333333"),
        (2.675, "2.675"),
        (-1, "-1"),
        (-0.5, "-0.5"),
        (-0.0, "0"),
        (1e-7, "0"),
        (1e9, "1000000000"),
        (1e15, "a very large number"),
        (float("inf"), "infinity"),
        (10**20, "a very large number"),
        (True, "true"),
        (-(10**400), "a very large negative number"),
        (-1e300, "a very large negative number"),
    ],
)
def test_format_number(x, text):
    assert engine.format_number(x) == text


@pytest.mark.parametrize(
    "text,date",
    [
        ("2024-08-15", (2024, 8, 15)),
        ("2024-02-29", (2024, 2, 29)),
        ("2023-02-29", None),
        ("2100-02-29", None),
        ("2000-02-29", (2000, 2, 29)),
        ("2024-04-31", None),
        ("2024-13-01", None),
        ("24-08-15", None),
        ("2024-8-15", None),
        ("2024/08/15", None),
        ("١٩٩٩-٠١-٠١", None),
        ("1899-12-31", None),
        (20240815, None),
    ],
)
def test_parse_date(text, date):
    assert engine.parse_date(text) == date


def test_four_years_later():
    assert engine.format_date(engine.add_years((2024, 8, 15), 4)) == "2028-08-15"
    assert engine.format_date(engine.add_years((2024, 2, 29), 4)) == "2028-02-29"
    assert engine.format_date(engine.add_years((2096, 2, 29), 4)) == "2100-02-28"  # 2100 is not a leap year
    assert engine.format_date(engine.add_years((2023, 1, 5), 4)) == "2027-01-05"


@pytest.mark.parametrize(
    "word,choice",
    [
        ("experiance_years", "experience_years"),
        ("btp", "btap"),
        ("BTAP", "btap"),
        ("mentoring_yaers", "mentoring_years"),
        ("pd_hours", None),
        ("x", None),
        ("", None),
        ("a" * 500, None),
    ],
)
def test_suggest(word, choice):
    names = ["experience_years", "pd_contact_hours", "pd_plan_approved", "mentoring_years", "btap", "pbte"]
    assert engine.suggest(word, names) == choice


def test_quote_keeps_a_problem_on_one_line():
    assert engine.quote("a\nb\x00c\u2028d") == "'a\\nb?c?d'"
    assert engine.quote("x" * 50) == "'" + "x" * 40 + "...'"


# --- problems: a code, a path and params; the words made from them in one place ----------------


def test_problems_carry_their_code_path_and_params_and_read_as_the_command_line_prints_them():
    spec = {"type": "choice", "choices": [{"value": "mo_public", "label": "x"}, {"value": "other", "label": "y"}]}
    pathway = {
        "inputs": [
            {"name": "years", "type": "number", "at_least": 0},
            {"name": "log", "type": "list", "fields": [{"name": "setting", **spec}], "instead_of": "years"},
        ]
    }
    problems = engine.find_problems(pathway, {"yeras": 1, "years": 2, "log": [{"setting": "mo_publc", "x": 1}, 3]})
    assert [(p["code"], p["path"]) for p in problems] == [
        ("unknown_answer", ()),
        ("unknown_field", ("log", 0)),
        ("unknown_choice", ("log", 0, "setting")),
        ("entry_not_an_object", ("log", 1)),
        ("both_given", ("log",)),
    ]
    assert problems[2]["params"] == {"value": "mo_publc", "choices": ["mo_public", "other"], "suggestion": "mo_public"}
    assert [engine.problem_line(p) for p in problems] == [
        "unknown answer 'yeras' (did you mean 'years'?)",
        "log[0]: unknown field 'x'",
        "log[0].setting: unknown value 'mo_publc' (did you mean 'mo_public'?); choose one of mo_public, other",
        "log[1]: should be an object with the fields setting; not 3",
        "give either 'years' or 'log', not both",
    ]
    assert engine.check_answers(pathway, "x") == [
        "the answers should be a JSON object of 'question: answer' pairs, not the text 'x'"
    ]
    with pytest.raises(ValueError):
        engine.message({"code": "no_such_problem", "path": (), "params": {}})
