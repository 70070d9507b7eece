"""One place to start: a jurisdiction's page lists, in each topic, the certificate each upgrade
starts from (``starts_from`` on a pathway or a chooser), each a plain link to its checker.

Read from the content, never from a list kept here: every pathway or chooser shown on a guide
and naming the certificate it starts from is linked, and nothing else is.
"""

from __future__ import annotations

import shutil

import pytest

from certkb.loader import load_content
from certkb.render import make_env, render_jurisdiction, starting_points

from .checker_support import content
from .conftest import FIXTURE_DIR, ROOT

TEMPLATES = ROOT / "overrides" / "kb"
HEADING = "### Start from the certificate you hold"


def _section(markdown: str, topic_title: str) -> str:
    """The Markdown of one topic's section of a jurisdiction page."""
    start = markdown.index(f"\n## {topic_title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


@pytest.mark.parametrize("jurisdiction_id", list(content().jurisdictions))
def test_every_starting_certificate_links_to_its_checker(jurisdiction_id):
    c = content()
    page = render_jurisdiction(c, jurisdiction_id, make_env([TEMPLATES]))
    for topic in c.jurisdictions[jurisdiction_id].topics:
        guides = c.guides_in(jurisdiction_id, topic.id)
        if not guides:
            continue
        section = _section(page, topic.title)
        expected = [
            (target.starts_from, target.id)
            for g in guides
            for target in [c.pathways.get(g.pathway or "") or c.choosers.get(g.chooser or "")]
            if target is not None and target.starts_from
        ]
        assert (HEADING in section) == bool(expected), topic.id
        for certificate, target_id in expected:
            # A plain link (no JavaScript needed) whose text is the certificate itself.
            assert f"- [{certificate}](../checker/{target_id}/index.md):" in section, (certificate, section)
        assert section.count("](../checker/") == len(expected)


def test_the_starting_points_follow_the_content(tmp_path):
    """Naming the certificate in a pathway file is all it takes; without it, no list is shown."""
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_DIR, folder)
    before = load_content(folder)
    guides = [g for g in before.guides.values() if g.pathway]
    assert guides and not starting_points(before, guides)
    assert HEADING not in render_jurisdiction(before, guides[0].jurisdiction, make_env([TEMPLATES]))

    pathway_id = guides[0].pathway
    path = folder / before.files[("pathway", pathway_id)]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nsources:", "\nstarts_from: The Made-up Certificate (TMC)\nsources:", 1), "utf-8")
    after = load_content(folder)
    points = starting_points(after, after.guides_in(guides[0].jurisdiction, guides[0].topic))
    assert [(p["certificate"], p["checker"], p["guide"].id) for p in points] == [
        ("The Made-up Certificate (TMC)", f"checker/{pathway_id}/index.md", guides[0].id)
    ]
    page = render_jurisdiction(after, guides[0].jurisdiction, make_env([TEMPLATES]))
    assert HEADING in page
    assert f"- [The Made-up Certificate (TMC)](../checker/{pathway_id}/index.md):" in page
