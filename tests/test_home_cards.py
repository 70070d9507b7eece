"""The home page's cards come from content/jurisdictions.yml: one per jurisdiction, none by hand."""

from __future__ import annotations

import shutil

from certkb.loader import load_content
from certkb.render import HOME_CARDS, make_env, render_home_cards, with_home_cards

from .conftest import ROOT, check_golden

FIXTURE = ROOT / "tests" / "fixtures" / "content"
TEMPLATES = ROOT / "overrides" / "kb"


def cards(content_dir) -> str:
    return render_home_cards(load_content(content_dir), make_env([TEMPLATES]))


def test_the_home_page_has_the_cards_line_and_no_hand_written_card():
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert home.count(HOME_CARDS) == 1
    assert 'class="grid cards"' not in home


def test_one_card_per_jurisdiction_in_content_order():
    content = load_content(ROOT / "content")
    text = cards(ROOT / "content")
    assert text.count("\n- **") == len(content.jurisdictions)
    positions = [text.index(f"- **{j.name}**") for j in content.jurisdictions.values()]
    assert positions == sorted(positions)
    for j in content.jurisdictions.values():
        assert f"[{j.name} guides]({j.id}/index.md)" in text


def test_golden(update_goldens):
    check_golden(ROOT / "tests" / "goldens" / "render" / "home-cards.md", cards(FIXTURE), update_goldens)


def test_a_new_jurisdiction_gets_a_card_from_its_summary(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "content")
    jurisdictions = tmp_path / "content" / "jurisdictions.yml"
    jurisdictions.write_text(
        jurisdictions.read_text(encoding="utf-8")
        + """\
  - id: kansas
    name: Kansas
    agency: Kansas State Department of Education
    summary: Kansas educators *apply* online.
    topics:
      - id: applying
        title: Applying
""",
        encoding="utf-8",
    )
    text = cards(tmp_path / "content")
    assert "- **Kansas**\n\n    Kansas educators *apply* online.\n\n    [Kansas guides](kansas/index.md)\n" in text


def test_the_cards_replace_only_their_line():
    page = "# Home\n\nBefore.\n\n" + HOME_CARDS + "\n\nAfter.\n"
    assert with_home_cards(page, "CARDS\n") == "# Home\n\nBefore.\n\nCARDS\n\nAfter.\n"
