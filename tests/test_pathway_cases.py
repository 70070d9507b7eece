"""The cases staff write in each pathway's YAML, run through the engine.

Every ``cases:`` entry in ``content/pathways/*.yml`` becomes one test here,
named ``<pathway>: <case name>``. Add a case to the YAML and it runs.
"""

from __future__ import annotations

import pytest

from certkb.pathway import case_failures

from .checker_support import all_cases, compiled, content

CASES = all_cases()


@pytest.mark.parametrize("pathway_id,case", CASES, ids=[f"{pid}: {case.name}" for pid, case in CASES])
def test_case(pathway_id, case):
    failures = case_failures(compiled()[pathway_id], case)
    assert not failures, f"{pathway_id}, case '{case.name}':\n  " + "\n  ".join(failures)


def test_both_pathways_exist_with_the_issue_ids():
    assert list(compiled()) == ["mo-ipc-to-ccpc", "mo-iss-to-css"]
    ipc, iss = compiled()["mo-ipc-to-ccpc"], compiled()["mo-iss-to-css"]
    assert [i["name"] for i in ipc["inputs"]] == [
        "experience_years", "pd_contact_hours", "pd_plan_approved", "mentoring_years", "btap", "pbte"]
    assert [r["id"] for r in ipc["requirements"]] == ["experience", "professional_development", "mentoring", "btap", "pbte"]
    assert [i["name"] for i in iss["inputs"]] == [
        "experience_years", "experience", "mentoring_years", "pd_contact_hours", "pd_semester_hours", "pbsse", "issued_on"]
    assert [r["id"] for r in iss["requirements"]] == ["experience", "mentoring", "professional_development", "pbsse"]
    accreditors = next(f for f in iss["inputs"][1]["fields"] if f["name"] == "accreditor")
    assert [c["value"] for c in accreditors["choices"]] == [
        "north-central", "middle-states", "new-england", "northwest", "western", "southern", "nfnsaa", "isacs",
        "national-lutheran", "mapcy"]


@pytest.mark.parametrize("pathway_id", ["mo-ipc-to-ccpc", "mo-iss-to-css"])
def test_cases_show_every_requirement_met_and_unmet(pathway_id):
    """So a change to any rule's threshold or logic is caught by some case."""
    pathway = content().pathways[pathway_id]
    seen: dict[str, set[str]] = {r.id: set() for r in pathway.requirements}
    for case in pathway.cases:
        for rid, status in case.requirements.items():
            seen[rid].add(status)
    lacking = {rid: {"met", "unmet"} - s for rid, s in seen.items() if not {"met", "unmet"} <= s}
    assert not lacking, f"add cases to content/pathways/{pathway_id}.yml where these are: {lacking}"


def test_every_case_is_named_once_and_every_pathway_has_a_refusal_case():
    for pid, pathway in content().pathways.items():
        names = [c.name for c in pathway.cases]
        assert len(names) == len(set(names))
        assert any(c.problems for c in pathway.cases), f"{pid} has no case of answers it refuses"
