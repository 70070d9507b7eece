"""What a result promises: never a date past the certificate's expiry without saying so, never
'eligible' while a requirement only one source states is not met, and a chooser that names an
application to submit only when that pathway's requirements are met.

The pathways here are small compiled pathways written in the test (the engine's JSON), so no
content edit changes them; the content's own cases cover the same ground per pathway, and run
under MicroPython in tests/test_every_pathway.py.
"""

from __future__ import annotations

import copy

import pytest

from checker import engine, widget


def _pathway(after=None, disputed=False):
    years = {
        "id": "experience",
        "title": "Experience",
        "text": "",
        "source": "s",
        "met": "Met.",
        "time": True,
        "checks": [
            {
                "rule": ["cmp", ">=", ["years", "positions", None, None], ["num", 4]],
                "unmet": "{value} of {threshold}.",
                "inputs": ["positions"],
                "quantity": ["years", "positions", None, None],
                "threshold": 4,
            }
        ],
    }
    pd = {
        "id": "pd",
        "title": "Professional development",
        "text": "",
        "source": "s",
        "met": "Met.",
        "checks": [{"rule": ["input", "pd"], "unmet": "Not met.", "inputs": ["pd"], "quantity": None}],
    }
    if disputed:
        pd["disputed"] = {"source": "t", "note": "Only one source states it: ask DESE before you apply."}
    expiry = {"input": "issued_on", "years": 4}
    if after:
        expiry["after"] = after
    return {
        "id": "p",
        "title": "P",
        "jurisdiction": "j",
        "inputs": [
            {
                "name": "positions",
                "type": "list",
                "label": "Positions",
                "max_entries": 5,
                "instead_of": None,
                "fields": [
                    {"name": "start", "type": "date", "label": "Start"},
                    {"name": "end", "type": "date", "label": "End"},
                ],
            },
            {"name": "pd", "type": "boolean", "label": "PD"},
            {"name": "issued_on", "type": "date", "label": "Issued"},
        ],
        "requirements": [years, pd],
        "expiry": expiry,
        "sources": [],
        "determination": "",
        "next_steps": [],
    }


def _ids(result):
    return [n["id"] for n in result["notices"]]


@pytest.mark.parametrize(
    "start,after,eligible_from,notices",
    [
        ("2022-07-01", None, "2026-06-30", []),  # before the expiry date: nothing to add
        ("2023-08-15", None, "2027-08-14", ["after_expiry"]),  # after it: the plain notice
        ("2023-08-15", "{eligible_from} is after {expires_on}.", "2027-08-14", ["after_expiry"]),
    ],
)
def test_an_eligible_from_date_after_expiry_carries_a_notice(start, after, eligible_from, notices):
    answers = {"issued_on": "2023-01-01", "positions": [{"start": start}], "pd": True}
    result = engine.evaluate(_pathway(after), answers, "2025-06-30")
    assert result["expires_on"] == "2027-01-01"
    assert result["eligible_from"] == eligible_from
    assert _ids(result) == notices
    if after:
        assert result["notices"][0]["message"] == "2027-08-14 is after 2027-01-01."
    elif notices:
        assert "after your certificate expires on 2027-01-01" in result["notices"][0]["message"]
    words = widget.eligible_from_words(result, _pathway(after))
    assert "every requirement" not in words
    assert ("after your certificate expires on 2027-01-01" in words) == bool(notices)


@pytest.mark.parametrize(
    "pd,status",
    [(True, "eligible"), (False, "incomplete"), (None, "incomplete")],
    ids=["disputed met", "disputed unmet", "disputed unknown"],
)
def test_a_disputed_requirement_not_met_is_never_eligible(pd, status):
    answers = {"positions": [{"start": "2019-07-01", "end": "2024-06-30"}]}
    if pd is not None:
        answers["pd"] = pd
    result = engine.evaluate(_pathway(disputed=True), answers, "2025-06-30")
    assert result["status"] == status
    assert ("disputed_requirement" in _ids(result)) == (status != "eligible")
    words = widget.overall_words(result)
    assert ("every requirement" in words) == (status == "eligible")


def test_a_disputed_requirement_never_makes_the_result_not_yet():
    answers = {"positions": [{"start": "2019-07-01", "end": "2024-06-30"}], "pd": False}
    assert engine.evaluate(_pathway(disputed=True), answers, "2025-06-30")["status"] == "incomplete"
    answers["pd"] = True
    answers["positions"] = [{"start": "2023-07-01", "end": "2024-06-30"}]
    assert engine.evaluate(_pathway(disputed=True), answers, "2025-06-30")["status"] == "not_yet"


def _chooser():
    first = _pathway()
    second = copy.deepcopy(first)
    second["id"] = "q"
    second["requirements"] = second["requirements"][1:]  # the professional development alone
    return {
        "id": "c",
        "title": "C",
        "pathways": ["p", "q"],
        "inputs": first["inputs"],
        "expiries": [],
        "recommend": [
            {
                "action": "submit",
                "pathway": "p",
                "text": "Submit P.",
                "when": [{"pathway": "p", "status": ["eligible"]}],
            },
            {"action": "none", "pathway": None, "text": "Ask.", "when": [{"rule": ["not", ["input", "pd"]]}]},
            {
                "action": "work_toward",
                "pathway": "p",
                "text": "Work toward P: {remaining}.",
                "when": [
                    {"pathway": "q", "status": ["eligible"]},
                    {"pathway": "p", "requirement": "experience", "status": ["unmet", "unknown"]},
                ],
            },
        ],
    }, {"p": first, "q": second}


@pytest.mark.parametrize(
    "answers,action,recommended,working_toward,text",
    [
        ({"positions": [{"start": "2019-07-01"}], "pd": True}, "submit", "p", None, "Submit P."),
        ({"positions": [{"start": "2019-07-01"}], "pd": False}, "none", None, None, "Ask."),
        ({"positions": [{"start": "2024-07-01"}], "pd": True}, "work_toward", None, "p", "Work toward P: experience."),
        ({}, None, None, None, None),  # a rule unanswered never holds
    ],
    ids=["met: submit", "a rule that holds", "work toward, with what remains", "nothing holds"],
)
def test_a_chooser_submits_only_what_is_met(answers, action, recommended, working_toward, text):
    chooser, pathways = _chooser()
    out = engine.choose(chooser, pathways, answers, "2025-06-30")
    assert (out["action"], out["recommended"], out["working_toward"], out["recommendation"]) == (
        action,
        recommended,
        working_toward,
        text,
    )
    words = widget.recommendation_words(out)
    assert words == (text or words) and "answer more questions" not in words
