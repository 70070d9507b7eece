"""Every pathway found in the content gets every gate, named after it.

The pathways are discovered in ``content/pathways/`` (or in the folder the environment variable
``CERTKB_CONTENT`` names); no test here knows how many there are or what they ask. For a pathway
``P``, ``pytest -v`` lists:

* ``test_case[P: <case name>]``: each ``cases:`` entry of its YAML, run through the engine;
* ``test_cases_show_every_requirement_met_and_unmet[P]``: the coverage check (certkb's rule, which
  ``make validate`` applies too), and ``test_an_eligible_case_has_every_requirement_met[P]``, the
  premise of its counting a case declared eligible as showing every requirement met;
* ``test_more_never_makes_a_result_worse[P]``, ``test_another_entry_never_makes_a_result_worse[P]``,
  ``test_no_json_input_crashes_the_engine[P]``, ``test_parsed_answers_are_the_usable_ones[P]``,
  ``test_thresholds_are_exact[P]``: the engine's properties, with inputs, bounds and thresholds
  read from the compiled pathway;
* ``test_micropython_gives_cpythons_results[P]``: parity of the browser's interpreter;
* ``test_checker_page_works_in_the_browser[P]``: a browser smoke test of its checker page,
  every case shown as the engine gives it.

Every chooser under ``content/choosers/`` gets ``test_chooser_case[C: ...]`` and
``test_chooser_page_works_in_the_browser[C]``.

The gates themselves are in pathway_gates.py; test_new_pathway.py runs them on a new pathway.
"""

from __future__ import annotations

import pytest

from certkb.pathway import case_answers, chooser_case_failures
from checker import engine

from . import pathway_gates as gates
from .checker_support import all_cases, compiled, content
from .checker_visits import CHECKER_VISITS

PATHWAYS = list(content().pathways)
CASES = all_cases()
CHOOSERS = list(content().choosers)
CHOOSER_CASES = [(cid, case) for cid, c in content().choosers.items() for case in c.cases]


@pytest.mark.parametrize("pathway_id,case", CASES, ids=[f"{pid}: {case.name}" for pid, case in CASES])
def test_case(pathway_id, case):
    failures = gates.case_problems(compiled()[pathway_id], case)
    assert not failures, f"{pathway_id}, case '{case.name}':\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_cases_show_every_requirement_met_and_unmet(pathway_id):
    """So a change to any rule's threshold or logic is caught by some case."""
    pathway = content().pathways[pathway_id]
    lacking = gates.coverage_lacking(pathway, compiled()[pathway_id])
    assert not lacking, f"add cases to {pathway_id}'s file where these requirements are: {lacking}"
    assert not gates.duplicate_case_names(pathway), gates.duplicate_case_names(pathway)


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_an_eligible_case_has_every_requirement_met(pathway_id):
    """What the coverage rule counts for a case declared 'eligible' (certkb.pathway.shown_statuses)
    is what the engine gives for it: every requirement met."""
    pathway = content().pathways[pathway_id]
    for case in pathway.cases:
        if case.status == "eligible":
            result = engine.run(compiled()[pathway_id], case_answers(case), case.as_of and case.as_of.isoformat())
            got = {r["id"]: r["status"] for r in result["result"]["requirements"]}
            assert got == gates.shown_statuses(pathway, case), (case.name, got)


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_more_never_makes_a_result_worse(pathway_id):
    gates.more_never_worse(compiled()[pathway_id])


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_another_entry_never_makes_a_result_worse(pathway_id):
    gates.another_entry_never_worse(compiled()[pathway_id])


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_no_json_input_crashes_the_engine(pathway_id):
    gates.no_crash(compiled()[pathway_id])


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_parsed_answers_are_the_usable_ones(pathway_id):
    gates.parsed_answers_are_usable(compiled()[pathway_id])


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_thresholds_are_exact(pathway_id):
    gates.thresholds_are_exact(compiled()[pathway_id])


@pytest.fixture(scope="session")
def micropython(tmp_path_factory) -> dict[tuple[str, str], tuple[list, list]]:
    """Every pathway's and chooser's parity jobs, run under MicroPython in one Node process:
    {("pathway" or "chooser", id): (its runs, MicroPython's results)}. Each test compares its own."""
    c = content()
    runs = gates.parity_runs(compiled(), CASES, per_pathway=600)
    for cid, chooser in c.compiled_choosers.items():
        runs += gates.chooser_parity_runs(cid, chooser, c.choosers[cid].cases, per_chooser=900)
    got = gates.micropython_results(compiled(), runs, tmp_path_factory.mktemp("parity"), c.compiled_choosers)
    out: dict[tuple[str, str], tuple[list, list]] = {}
    for run, mp in zip(runs, got, strict=True):
        slot = out.setdefault(("chooser" if run[2] == "choose" else "pathway", run[0]), ([], []))
        slot[0].append(run)
        slot[1].append(mp)
    return out


@pytest.mark.xdist_group("micropython")
@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_micropython_gives_cpythons_results(pathway_id, micropython):
    runs, got = micropython[("pathway", pathway_id)]
    kinds = gates.compare_parity({pathway_id: compiled()[pathway_id]}, runs, got)
    # The comparison covered every outcome, and plenty of each.
    assert kinds["result"] > 100 and kinds["problems"] > 50, kinds
    assert kinds["parsed"] + kinds["parsed with problems"] > 250, kinds


@pytest.mark.browser
@pytest.mark.xdist_group(CHECKER_VISITS)
@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_checker_page_works_in_the_browser(pathway_id, browser, site_server):
    gates.smoke(
        browser, site_server.url(f"checker/{pathway_id}/"), compiled()[pathway_id], content().pathways[pathway_id].cases
    )


@pytest.mark.parametrize("chooser_id,case", CHOOSER_CASES, ids=[f"{cid}: {case.name}" for cid, case in CHOOSER_CASES])
def test_chooser_case(chooser_id, case):
    c = content()
    failures = chooser_case_failures(c.compiled_choosers[chooser_id], c.compiled, case)
    assert not failures, f"{chooser_id}, case '{case.name}':\n  " + "\n  ".join(failures)


@pytest.mark.browser
@pytest.mark.xdist_group(CHECKER_VISITS)
@pytest.mark.parametrize("chooser_id", CHOOSERS)
def test_chooser_page_works_in_the_browser(chooser_id, browser, site_server):
    c = content()
    gates.chooser_smoke(
        browser,
        site_server.url(f"checker/{chooser_id}/"),
        c.compiled_choosers[chooser_id],
        c.compiled,
        c.choosers[chooser_id].cases,
    )


@pytest.mark.xdist_group("micropython")
@pytest.mark.parametrize("chooser_id", CHOOSERS)
def test_micropython_chooses_as_cpython(chooser_id, micropython):
    c = content()
    runs, got = micropython[("chooser", chooser_id)]
    kinds = gates.compare_parity(c.compiled, runs, got, {chooser_id: c.compiled_choosers[chooser_id]})
    assert kinds["result"] > 50 and kinds["problems"] > 20, kinds
