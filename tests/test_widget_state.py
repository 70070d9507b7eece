"""The checker widget's state (checker/widget.py ``CheckerState``), on CPython: no browser.

The state is built from the data block the build writes into each checker
page (``certkb.checker_page.page_data``), so these tests read the same ids,
keys and widgets the page has. They follow the content: every pathway with a
list question gets the list tests, and the fields and values used are read
from the pathway, not written here.
"""

from __future__ import annotations

import pytest

from certkb import checker_page
from checker import engine
from checker.widget import CheckerState, looks_like_answers

from .checker_support import compiled


def page_data(pid: str) -> dict:
    pathway = compiled()[pid]
    return checker_page.page_data(pathway, checker_page.form_questions(pathway))


def state(pid: str) -> CheckerState:
    return CheckerState(page_data(pid))


PATHWAYS = sorted(compiled())
LISTS = [(pid, s["name"]) for pid in PATHWAYS for s in compiled()[pid]["inputs"] if s["type"] == "list"]
INSTEAD = [
    (pid, s["name"], s["instead_of"]) for pid in PATHWAYS for s in compiled()[pid]["inputs"] if s.get("instead_of")
]


def first_number(pathway: dict) -> dict:
    return next(s for s in pathway["inputs"] if s["type"] == "number")


def sample(spec: dict) -> str:
    """A valid text answer for a question."""
    if spec["type"] == "number":
        return "1" if spec.get("at_most") is None or spec["at_most"] >= 1 else "0"
    if spec["type"] == "boolean":
        return "true"
    if spec["type"] == "choice":
        return spec["choices"][0]["value"]
    if spec["type"] == "school_year":
        return "2023-24"
    return "2024-08-15"


@pytest.mark.parametrize("pid", PATHWAYS)
def test_a_fresh_state_has_one_entry_per_list_and_no_answers(pid):
    s = state(pid)
    assert s.answers == {} and s.pending == [] and s.link_pairs() == []
    assert all(n == 1 for n in s.counts.values())
    # Every question of the form is there once, with the key and ids the page drew.
    keys = [q.key for q in s.questions]
    assert len(keys) == len(set(keys))
    for spec in compiled()[pid]["inputs"]:
        if spec["type"] != "list":
            assert s.by_key[spec["name"]].id == checker_page.control_id(spec["name"])
    result = s.evaluate()
    assert result == engine.evaluate(compiled()[pid], {}) and s.errors == []


@pytest.mark.parametrize("pid", PATHWAYS)
def test_fragment_pairs_in_and_out(pid):
    """load() takes a fragment's pairs; link_pairs() gives them back, in the form's order, with what it cannot hold."""
    pathway = compiled()[pid]
    s = state(pid)
    top = [spec for spec in pathway["inputs"] if spec["type"] != "list"]
    given = [(spec["name"], sample(spec)) for spec in reversed(top)]
    s.load(given + [("no_such_question", "4"), (given[0][0], "a repeat is ignored")])
    assert s.link_pairs() == [(spec["name"], sample(spec)) for spec in top] + [("no_such_question", "4")]
    assert s.pending == [("no_such_question", "4")]
    choice = [spec for spec in top if spec["type"] in ("boolean", "choice")]
    if choice:  # a value no option has cannot be put in the form, but stays in the link and is reported
        s.load([(choice[0]["name"], "not-an-option")])
        assert s.answers == {} and s.pending == [(choice[0]["name"], "not-an-option")]
        s.evaluate()
        assert [k for k, _ in s.errors] == [choice[0]["name"]]


@pytest.mark.parametrize("pid", PATHWAYS)
def test_a_problem_shows_at_its_question_once_revealed(pid):
    pathway = compiled()[pid]
    spec = first_number(pathway)
    s = state(pid)
    s.set_answer(spec["name"], "  abc ")
    assert s.answers == {spec["name"]: "abc"}  # text is trimmed
    s.evaluate()
    assert s.errors == [], "a problem shows only once the field is left (or the answer came in a link)"
    s.set_answer(spec["name"], "abc", reveal=True)
    s.evaluate()
    assert s.errors == [(spec["name"], ["should be a number, not the text 'abc'"])]
    s.set_answer(spec["name"], "")
    s.evaluate()
    assert s.errors == [] and s.revealed == [] and s.link_pairs() == []


def answer(s: CheckerState, name: str) -> None:
    """Give question ``name`` a valid answer (a list: its first entry's first field)."""
    spec = s.specs[name]
    if spec["type"] == "list":
        field = spec["fields"][0]
        s.set_answer(s.entry_keys[(name, 0, field["name"])], sample(field))
    else:
        s.set_answer(name, sample(spec))


@pytest.mark.parametrize("pid,later,earlier", INSTEAD)
def test_a_problem_about_two_answers_shows_at_the_later_question(pid, later, earlier):
    s = state(pid)
    answer(s, earlier)
    answer(s, later)  # not revealed by leaving a field: the problem is about both answers
    s.evaluate()
    assert s.errors == [(later, [f"give either '{earlier}' or '{later}', not both"])]
    assert s.by_key[later].label == s.specs[later]["label"]


@pytest.mark.parametrize("pid,name", LISTS)
def test_adding_and_removing_entries_renumbers_their_answers(pid, name):
    s = state(pid)
    spec = s.specs[name]
    field = spec["fields"][0]
    assert s.add_entry(name) == 1 and s.add_entry(name) == 2 and s.counts[name] == 3
    key = {i: s.entry_keys[(name, i, field["name"])] for i in range(3)}
    assert s.entry_of(key[2]) == (name, 2, field["name"])
    for i in range(3):
        s.set_answer(key[i], sample(field) if i != 1 else "bad", reveal=True)
    s.remove_entry(name, 0)
    assert s.counts[name] == 2
    assert s.answers == {key[0]: "bad", key[1]: sample(field)}
    assert s.revealed == [key[0], key[1]]
    first = s.first_of_entry(name, 0)
    assert first.key == key[0] and first.list_name == name and first.index == 0
    assert first.label == spec["label"] + ", entry 1: " + field["label"]
    # The engine reads the entries as a list, and the problem shows at the renumbered field.
    assert s.engine_answers() == {name: [{field["name"]: "bad"}, {field["name"]: sample(field)}]}
    s.evaluate()
    assert [k for k, _ in s.errors] == [key[0]]
    s.remove_entry(name, 1)
    s.remove_entry(name, 0)
    assert s.counts[name] == 0 and s.answers == {} and s.add_entry(name) == 0


@pytest.mark.parametrize("pid,name", LISTS)
def test_a_fragment_sets_how_many_entries_are_drawn_up_to_the_most(pid, name):
    s = state(pid)
    field = s.specs[name]["fields"][0]
    template = field["control"]["key"]
    placeholder = page_data(pid)["index"]
    s.load([(template.replace(placeholder, "2"), sample(field))])
    assert s.counts[name] == 3 and s.entry_keys[(name, 2, field["name"])] in s.answers
    most = s.most(name)
    s.load([(template.replace(placeholder, str(most)), sample(field))])
    assert s.counts[name] == most and s.pending == [(template.replace(placeholder, str(most)), sample(field))]
    assert s.add_entry(name) is None
    s.start_again()
    assert s.counts[name] == 1 and s.answers == {} and s.pending == [] and s.revealed == []
    # Keys that only look like entries are not entries.
    for odd in (
        template.replace(placeholder, "x"),
        template.replace(placeholder, ""),
        template.replace(placeholder, "12345"),
    ):
        assert s.entry_of(odd) is None


def test_an_in_page_anchor_is_not_answers():
    assert looks_like_answers("") and looks_like_answers("#") and looks_like_answers("#a=1")
    assert not looks_like_answers("#next-steps")
