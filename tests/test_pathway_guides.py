"""The upgrade guides list the requirements from the pathway YAML, not from a copy.

Every guide with ``pathway:`` in the content is checked; the examples that need names use the
frozen fixture content (tests/fixtures/content)."""

from __future__ import annotations

import shutil

import pytest

from certkb.loader import load_content
from certkb.pathway import requirement_list
from certkb.render import make_env, plain, render_guide

from .checker_support import FIXTURE_DIR, ROOT, content, fixture_content

GUIDES = {gid: g.pathway for gid, g in content().guides.items() if g.pathway}


def env():
    return make_env([ROOT / "overrides" / "kb"])


@pytest.mark.parametrize("guide_id,pathway_id", GUIDES.items())
def test_upgrade_guide_lists_the_pathway_requirements_in_order(guide_id, pathway_id):
    c = content()
    assert c.guides[guide_id].pathway == pathway_id
    page = render_guide(c, guide_id, env())
    positions = []
    for r in requirement_list(c.pathways[pathway_id]):
        assert plain(r["text"]) in page, f"{guide_id} does not show requirement '{r['id']}'"
        positions.append(page.index(plain(r["text"])))
    assert positions == sorted(positions)


def test_the_accepted_accreditors_are_the_ones_the_rule_applies():
    c = fixture_content()
    experience = requirement_list(c.pathways["fx-iss-to-css"])[0]
    accreditor = next(f for f in c.pathways["fx-iss-to-css"].inputs[1].fields if f.name == "accreditor")
    assert experience["accepted"] == [{"label": accreditor.label, "choices": [ch.label for ch in accreditor.choices]}]
    assert len(experience["accepted"][0]["choices"]) == 10


def test_editing_a_threshold_in_the_pathway_changes_the_guide(tmp_path, monkeypatch):
    shutil.copytree(FIXTURE_DIR, tmp_path / "content")
    path = tmp_path / "content" / "pathways" / "fx-ipc-to-ccpc.yml"
    text = path.read_text()
    path.write_text(text.replace("rule: experience_years >= 4", "rule: experience_years >= 5"))
    monkeypatch.chdir(tmp_path)
    page = render_guide(load_content("content"), "mo-upgrade", env())
    assert "5 years of state-approved teaching experience." in page
    assert "4 years of state-approved teaching experience." not in page
