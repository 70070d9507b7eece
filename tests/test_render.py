"""Golden tests of the generated Markdown, one per kind of page, plus the
renderer's promises (escaping, references, overridable strict templates)."""

from __future__ import annotations

import jinja2
import pytest

from certkb.loader import load_content
from certkb.render import PageRenderer, make_env, navigation, pages, plain

from .conftest import ROOT, check_golden

FIXTURE = ROOT / "tests" / "fixtures" / "content"
GOLDENS = ROOT / "tests" / "goldens" / "render"
TEMPLATES = ROOT / "overrides" / "kb"


@pytest.fixture(scope="module")
def fixture_content():
    return load_content(FIXTURE)


@pytest.fixture(scope="module")
def rendered(fixture_content):
    return {path: md for path, md, _ in pages(fixture_content, make_env([TEMPLATES]))}


# Each kind of page: a step-by-step guide, a reference guide with sections, a
# portal page of links, an upgrade guide (a guide with `pathway:`: its requirement
# list from the pathway's YAML and the link to its checker), a jurisdiction index,
# the glossary.
KINDS = [
    "missouri/create-account.md",
    "missouri/check-status.md",
    "connecticut/portal.md",
    "missouri/upgrade.md",
    "missouri/upgrade-student-services.md",
    "missouri/index.md",
    "glossary.md",
]


@pytest.mark.parametrize("page", KINDS)
def test_golden(page, rendered, update_goldens):
    check_golden(GOLDENS / page, rendered[page], update_goldens)


def test_every_generated_page_has_a_golden(rendered, fixture_content):
    # The checker pages are read as built HTML by test_checker_page.py and driven in test_widget_browser.py.
    checkers = {"checker/index.md"} | {f"checker/{pid}/index.md" for pid in fixture_content.pathways}
    assert set(rendered) == set(KINDS) | {"connecticut/index.md"} | checkers


def test_plain_text_is_escaped():
    assert plain("<script>alert(1)</script> & *x* [y](z) {#a}") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\*x\\* \\[y\\](z) \\{#a\\}"
    )


def test_references_become_facts_links_and_terms(fixture_content):
    r = PageRenderer(fixture_content, "connecticut/portal.md")
    out = r.markdown("Mail to {fact:mailing_address}; see {guide:mo-check-status}; the {term:DESE}.")
    assert out == (
        "Mail to Educator Certification, P.O. Box 480, Jefferson City, MO 65102; "
        "see [Check the status of an application](../missouri/check-status.md); "
        "the Department of Elementary and Secondary Education (DESE)."
    )


def test_templates_are_strict(tmp_path, fixture_content):
    (tmp_path / "guide.md.j2").write_text("# {{ guide.titel }}\n")
    env = make_env([tmp_path, TEMPLATES])
    with pytest.raises(jinja2.UndefinedError, match="titel"):
        pages(fixture_content, env)


def test_a_site_can_override_any_template(tmp_path, fixture_content):
    (tmp_path / "glossary.md.j2").write_text("# Our own glossary ({{ terms | length }} terms)\n")
    out = dict((p, md) for p, md, _ in pages(fixture_content, make_env([tmp_path, TEMPLATES])))
    assert out["glossary.md"] == "# Our own glossary (2 terms)\n"
    assert out["missouri/create-account.md"].startswith('---\ntitle: "Create an account"')


def test_navigation_is_by_jurisdiction_then_topic_in_order(fixture_content):
    assert navigation(fixture_content)[:2] == [
        {
            "Missouri": [
                "missouri/index.md",
                {"Your account": ["missouri/create-account.md"]},
                {"Checking status": ["missouri/check-status.md"]},
                {"Upgrading a certificate": ["missouri/upgrade.md", "missouri/upgrade-student-services.md"]},
            ]
        },
        {"Connecticut": ["connecticut/index.md", {"The portal": ["connecticut/portal.md"]}]},
    ]


def test_a_long_topic_is_listed_in_groups_so_no_page_carries_the_whole_topic():
    from certkb.render import nav_groups

    pages = [f"g{i}.md" for i in range(95)]
    titles = [f"Guide {i}" for i in range(95)]
    assert nav_groups(pages[:30], titles[:30]) == pages[:30]  # a topic of ordinary length is unchanged
    groups = nav_groups(pages, titles)
    assert [list(g) for g in groups] == [
        ["Guide 0 – Guide 29"],
        ["Guide 30 – Guide 59"],
        ["Guide 60 – Guide 89"],
        ["Guide 90 – Guide 94"],
    ]

    def leaves(entries):
        return [x for e in entries for x in (leaves(next(iter(e.values()))) if isinstance(e, dict) else [e])]

    def widest(entries):
        return max([len(entries), *(widest(next(iter(e.values()))) for e in entries if isinstance(e, dict))])

    for n in (31, 900, 901, 2000):
        grouped = nav_groups(pages[:1] * n, titles[:1] * n)
        assert len(leaves(grouped)) == n and widest(grouped) <= 30  # every guide, never more than 30 at a level
