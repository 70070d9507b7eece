"""The staff guide's catalogue of messages is the loader's real wording.

The one staff guide, content/README.md (the site's "How to edit this site" page shows
the same file), explains each message staff can meet, quoting an example. Each case
below makes one typical mistake in a copy of the frozen fixture content and checks that
every message the loader then gives for that file appears in the guide, word for word
except for its examples (the file:line:col part, quoted values, ids and numbers, which
differ between the fixture and the guide's examples). When the loader's wording
changes, this fails until the guide is updated.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from certkb import freshness
from certkb.errors import ContentErrors
from certkb.loader import case_errors, load_content

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "content" / "README.md"  # the one staff guide; docs/staff/editing.md includes it
FIXTURE = ROOT / "tests" / "fixtures" / "content"  # frozen: staff edits to content/ never change these cases
GUIDE = "guides/missouri/create-account.yml"
PATHWAY = "pathways/fx-ipc-to-ccpc.yml"


def sub(old: str, new: str):
    def change(text: str) -> str:
        assert old in text, f"{old!r} is no longer in the file; pick another example"
        return text.replace(old, new, 1)

    return change


# (name, file to change, change: text -> text | bytes | None to delete[, file the message is about])
CASES = [
    ("misspelt field", GUIDE, sub("\ntitle:", "\ntitel:")),
    ("date not YYYY-MM-DD", GUIDE, lambda t: re.sub(r"\nlast_reviewed: .*", "\nlast_reviewed: 23/11/2026", t, count=1)),
    ("id with capitals", GUIDE, sub("id: mo-create-account", "id: MO Create Account")),
    ("choice not in list", GUIDE, sub("  - kind: tip", "  - kind: Warning")),
    ("text instead of list", GUIDE, lambda t: re.sub(r"\nsources: \[(.*)\]", r"\nsources: \1", t, count=1)),
    (
        "text instead of fields",
        GUIDE,
        sub("  - text: Answer the registration questions.", "  - Answer the registration questions."),
    ),
    ("word instead of number", GUIDE, lambda t: re.sub(r"\norder: \d+", "\norder: first", t, count=1)),
    ("negative number", GUIDE, lambda t: re.sub(r"\norder: \d+", "\norder: -5", t, count=1)),
    ("HTML", GUIDE, sub("Answer the registration questions.", "Answer the <b>registration</b> questions.")),
    ("script link", GUIDE, sub("Answer the registration questions.", "Answer [these](javascript:alert(1)) questions.")),
    ("two lines in plain text", GUIDE, lambda t: re.sub(r"\ntitle: (.*)", r'\ntitle: "\1\\nagain"', t, count=1)),
    ("too long", GUIDE, lambda t: re.sub(r"\ntitle: (.*)", "\ntitle: " + "x" * 301, t, count=1)),
    ("empty text", GUIDE, lambda t: re.sub(r"\ntitle: (.*)", "\ntitle: ''", t, count=1)),
    ("empty list", GUIDE, lambda t: re.sub(r"\nsources: .*", "\nsources: []", t, count=1)),
    ("unknown fact", GUIDE, sub("{fact:portal_name}", "{fact:portal_nme}")),
    ("unknown term", GUIDE, sub("{fact:portal_name}", "{term:DSE}")),
    ("unknown guide", GUIDE, sub("related: [mo-check-status]", "related: [mo-check-statu]")),
    ("unknown topic", GUIDE, sub("topic: account", "topic: acount")),
    ("wrong folder", GUIDE, sub("jurisdiction: missouri", "jurisdiction: connecticut")),
    ("key that is a list", GUIDE, lambda t: re.sub(r"\n(order: \d+)", r"\n\1\n? [a, b]\n: 1", t, count=1)),
    ("duplicate key", GUIDE, lambda t: re.sub(r"\n(order: \d+)", r"\n\1\norder: 20", t, count=1)),
    ("duplicate id", "guides/missouri/create-account-copy.yml", lambda t: (FIXTURE / GUIDE).read_text(), GUIDE),
    ("colon in a value", GUIDE, lambda t: re.sub(r"\ntitle: (.*)", r"\ntitle: Step 1: \1", t, count=1)),
    (
        "value starting with *",
        GUIDE,
        sub("  - text: Answer the registration questions.", '  - text: **"Next"** answers.'),
    ),
    (
        "value starting with {",
        GUIDE,
        sub("  - text: Answer the registration questions.", "  - text: {fact:portal_name} asks questions."),
    ),
    ("tab", GUIDE, sub("\n  Everything on the", "\n\tEverything on the")),
    ("unclosed quote", GUIDE, lambda t: re.sub(r"\ntitle: (.*)", r'\ntitle: "\1', t, count=1)),
    ("empty file", GUIDE, lambda t: "# yaml-language-server: $schema=../../../schemas/guide.schema.json\n"),
    ("a list, not fields", GUIDE, lambda t: "- id: mo-create-account\n"),
    ("two documents", GUIDE, lambda t: t + "---\nid: another\n"),
    ("not UTF-8", GUIDE, lambda t: t.replace("Create an account", "Caf\xe9").encode("latin-1")),
    ("missing file", "facts.yml", None),
    ("misspelt input in a rule", PATHWAY, sub("rule: experience_years >= 4", "rule: experience_yeras >= 4")),
    ("yes/no compared with a number", PATHWAY, sub("rule: btap\n", "rule: btap >= 1\n")),
    ("unfinished rule", PATHWAY, sub("rule: experience_years >= 4", "rule: experience_years >= ")),
    ("unknown placeholder", PATHWAY, sub("{remaining} to go.", "{remainder} to go.")),
    (
        "rule without unmet",
        PATHWAY,
        lambda t: re.sub(r"(rule: mentoring_years >= 2\n    met: .*\n)    unmet: >-\n(      .*\n)+", r"\1", t, count=1),
    ),
    (
        "source not the pathway's",
        PATHWAY,
        sub("    source: fx-ipc-to-ccpc\n    rule: btap", "    source: help\n    rule: btap"),
    ),
    (
        "case names no requirement",
        PATHWAY,
        sub("requirements: {experience: unmet,", "requirements: {experiance: unmet,"),
    ),
    (
        "case answer the checker refuses",
        PATHWAY,
        sub("answers: {mentoring_years: 1.5}", "answers: {mentoring_year: 1.5}"),
    ),
    (
        "case the checker answers otherwise",
        PATHWAY,
        sub(
            "answers: {mentoring_years: 1.5}\n    status: not_yet",
            "answers: {mentoring_years: 1.5}\n    status: eligible",
        ),
    ),
    (
        "requirement no case shows unmet",
        PATHWAY,
        lambda t: re.sub(r"  - name: Mentoring one and a half years\n(    .*\n)+\n", "", t, count=1),
    ),
    ("glossary term form", "glossary.yml", sub("term: DESE", "term: D E S E")),
    (
        "web address",
        "sources.yml",
        lambda t: re.sub(r"\n(    retrieved: .*)", r"\n    url: www.dese.mo.gov\n\1", t, count=1),
    ),
]


def apply(tmp_path: Path, rel: str, change) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    path = content / rel
    if change is None:
        path.unlink()
        return
    new = change(path.read_text(encoding="utf-8") if path.exists() else "")
    path.write_bytes(new if isinstance(new, bytes) else new.encode("utf-8"))


def messages(monkeypatch, tmp_path: Path) -> set[str]:
    monkeypatch.chdir(tmp_path)
    try:
        content = load_content(Path("content"))
    except ContentErrors as exc:
        return {str(e) for e in exc.errors}
    return {str(e) for e in case_errors(content)}  # what `make validate` adds once the files load


def without_place(message: str) -> str:
    return message.split(": ", 1)[1]


_EXAMPLE = re.compile(r"'[^'\n]*'|\{\w+:[^}\s]*\}|\b\d[\d.:-]*\b|\b[\w]+(?:[-_][\w]+)+\b")


def shape(text: str) -> str:
    """A message's wording with its examples (quoted values, {kind:id} references, numbers,
    ids and input names) written as '…', so the guide's examples may differ from the fixture's."""
    return _EXAMPLE.sub("…", text)


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name,rel,change,at", [c if len(c) == 4 else (*c, c[1]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_message_is_explained(name, rel, change, at, doc, tmp_path, monkeypatch):
    base = tmp_path / "base"
    base.mkdir()
    shutil.copytree(FIXTURE, base / "content")
    before = messages(monkeypatch, base)
    case = tmp_path / "case"
    case.mkdir()
    apply(case, rel, change)
    after = messages(monkeypatch, case)
    # Only the messages about the file with the mistake: the knock-on ones elsewhere
    # ("{guide:x} refers to no guide" in every guide that links to it) are explained once.
    new = sorted(m for m in after - before if m.startswith(f"content/{at}:"))
    assert new, f"{name}: the mistake produced no message about content/{at}"
    missing = [m for m in new if shape(without_place(m)) not in shape(doc)]
    assert not missing, f"content/README.md does not explain what staff see for '{name}':\n  " + "\n  ".join(missing)


def test_review_warning_is_explained(doc, tmp_path, monkeypatch):
    import datetime as dt

    shutil.copytree(ROOT / "tests" / "fixtures" / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    content = load_content(Path("content"))
    first = freshness.due_messages(content, today=dt.date(2100, 1, 1), stale_after_months=12)[0]
    dates = re.compile(r"\d{4}-\d\d-\d\d")
    assert dates.sub("YYYY-MM-DD", without_place(first)) in dates.sub("YYYY-MM-DD", doc), first


def test_the_site_page_shows_the_guide_itself(built_site):
    """docs/staff/editing.md includes content/README.md: every heading of the file is on the page."""
    page = (built_site / "staff" / "editing" / "index.html").read_text(encoding="utf-8")
    headings = [
        line.lstrip("#").strip()
        for line in DOC.read_text(encoding="utf-8").split("\n")
        if re.match(r"#{1,3} ", line) and not line.startswith("# yaml-language-server")
    ]
    assert len(headings) > 10
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    import html as html_lib

    missing = [
        h for h in headings if " ".join(html_lib.unescape(h).replace("`", "").split()) not in html_lib.unescape(words)
    ]
    assert not missing, f"the staff page does not show these sections of content/README.md: {missing}"
