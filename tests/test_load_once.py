"""Load once, compile once: after load_content, nothing reads a content file or compiles a rule again."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest

from certkb import freshness, loader, render
from certkb.pathway import checks, compiler

from .conftest import ROOT

TEMPLATES = ROOT / "overrides" / "kb"


@pytest.fixture
def counted_rules(monkeypatch):
    """Counts every rule compiled, wherever certkb compiles one."""
    calls: list[str] = []
    real = checks.compile_rule

    def counting(text, inputs):
        calls.append(text)
        return real(text, inputs)

    monkeypatch.setattr(checks, "compile_rule", counting)
    monkeypatch.setattr(compiler, "compile_rule", counting)
    return calls


def test_each_rule_is_compiled_once_per_build(counted_rules):
    content = loader.load_content(ROOT / "content")
    rules = [
        check.rule
        for p in content.pathways.values()
        for r in p.requirements
        for check in r.all_checks() + [c for route in r.routes for c in route.all_checks()] + r.undecided
    ]
    rules += [n.rule for p in content.pathways.values() for n in p.notices]
    assert rules, "the content has pathways with rules"
    render.pages(content, render.make_env([TEMPLATES]))  # every page, the guides' requirement lists and checkers
    assert sorted(counted_rules) == sorted(rules)
    assert set(content.compiled) == set(content.pathways)


def test_after_loading_no_file_is_read_again(monkeypatch):
    content = loader.load_content(ROOT / "content")

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"{self} was read again after loading")

    monkeypatch.setattr(Path, "read_text", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    render.pages(content, render.make_env([TEMPLATES]))
    # Every page due for review, so every guide's and pathway's position is looked up.
    messages = freshness.due_messages(content, today=_dt.date(2100, 1, 1), stale_after_months=1)
    assert len(messages) == len(content.guides) + len(content.pathways)
    shown, line, col = content.where("pathway", next(iter(content.pathways)), ("last_reviewed",))
    assert any(m.startswith(f"{shown}:{line}:{col}: ") for m in messages)


def test_the_previews_cache_reads_only_changed_files_and_loads_what_a_fresh_load_does(tmp_path, monkeypatch):
    import shutil

    from .conftest import FIXTURE_DIR

    root = tmp_path / "content"
    shutil.copytree(FIXTURE_DIR, root)
    parsed: list[str] = []
    real = loader.load_located
    monkeypatch.setattr(loader, "load_located", lambda data, shown: parsed.append(shown) or real(data, shown))
    cache: dict = {}
    first = loader.load_content(root, cache=cache)
    count = len(parsed)
    assert count > 5
    again = loader.load_content(root, cache=cache)
    assert len(parsed) == count, "nothing changed: nothing is parsed again"
    assert again.guides == first.guides and again.pathways.keys() == first.pathways.keys()

    guide = root / "guides" / "missouri" / "create-account.yml"
    guide.write_text(
        guide.read_text(encoding="utf-8").replace("title: Create an account", "title: Register"), encoding="utf-8"
    )
    edited = loader.load_content(root, cache=cache)
    assert parsed[count:] == [loader.display_path(guide)], "only the edited file is parsed again"
    fresh = loader.load_content(root)
    assert edited.guides == fresh.guides and edited.guides["mo-create-account"].title == "Register"

    # A file with a problem is never kept: its problems are reported on every load.
    guide.write_text(guide.read_text(encoding="utf-8").replace("title: Register", "titel: Register"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(loader.ContentErrors, match="unknown field 'titel'"):
            loader.load_content(root, cache=cache)
