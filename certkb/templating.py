"""What every page template shares: the Jinja environment, text filters, links and references.

Plain functions, callable without an MkDocs build: ``make_env`` builds the
template environment (StrictUndefined: a typo in a template fails loudly);
:class:`PageRenderer` resolves references and links relative to one page;
:func:`common` is the context every page template starts from. The renderers
(:mod:`certkb.render`, :mod:`certkb.checker_page`, :mod:`certkb.freshness`)
build on it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

from . import models
from .htmlsafe import escape
from .loader import Content

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|])")  # '|' too: it would split a table cell
# What starts a block when it opens a line: a heading, a list, a quote, an admonition, a definition.
_MD_BLOCK_START = re.compile(r"^(\s*)([#+\-=:!?])")
_MD_NUMBERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")  # "1. x", "2) x": an ordered list


def plain(value: Any) -> str:
    """Escape one line of plain text for Markdown: it shows exactly as typed."""
    return _plain(str(value))


# A source's title, a fact, a guide's title in links recur on many pages of a build (and a rebuild
# makes again the pages an edit touched, from mostly the same texts): a function of the text alone,
# kept for the texts seen last.
@functools.lru_cache(maxsize=1 << 16)
def _plain(text: str) -> str:
    text = str(escape(text)).replace("&quot;", '"')  # & < > as entities; in text, a quote shows as typed
    text = _MD_SPECIAL.sub(_backslash, text)
    # "# x", "- x", "1. x", "!!! x" opening a line would become a heading, a list, an admonition.
    # Such a character becomes an HTML entity: it shows the same and starts nothing.
    text = _MD_BLOCK_START.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2))};", text)
    text = _MD_NUMBERED.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2))};", text)
    return text.replace("#", "\\#") if text.rstrip().endswith("#") else text  # closing '#'s of a heading


def _backslash(match: re.Match) -> str:
    return "\\" + match.group(1)  # what the template r"\\\1" gives, without expanding a template per match


def yaml_string(value: Any) -> str:
    """A string safe to put in YAML front matter (JSON is valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def long_date(value: _dt.date) -> str:
    return f"{value.day} {value.strftime('%B %Y')}"


def indent(text: str, width: int = 4, first: bool = False) -> str:
    pad = " " * width
    lines = str(text).split("\n")
    out = [(pad + line if line.strip() else "") if (i or first) else line for i, line in enumerate(lines)]
    return "\n".join(out)


class PageRenderer:
    """Resolves references and links relative to one page."""

    def __init__(self, content: Content, page: str):
        self.content = content
        self.page = page  # docs-relative path, e.g. "missouri/apply.md"

    def link(self, target: str) -> str:
        """Relative link from this page to another docs-relative .md path."""
        return _relative(target, posixpath.dirname(self.page))

    def guide_link(self, guide_id: str) -> str:
        guide = self.content.guides[guide_id]
        return f"[{plain(guide.title)}]({self.link(self.content.guide_page(guide_id))})"

    def checker_link(self, pathway_id: str) -> str:
        pathway = self.content.pathways[pathway_id]
        return f"[{plain(pathway.title)} checker]({self.link(self.content.checker_page(pathway_id))})"

    def markdown(self, text: str | None) -> str:
        """Staff Markdown with {fact:}, {guide:}, {checker:} and {term:} references resolved."""
        if not text:
            return ""

        def sub(match: re.Match) -> str:
            kind, ident = match.groups()
            if kind == "fact":
                return plain(self.content.facts[ident].value)
            if kind == "guide":
                return self.guide_link(ident)
            if kind == "term":
                return f"{plain(self.content.glossary[ident].definition)} ({plain(ident)})"
            return self.checker_link(ident)

        return models.REFERENCE_RE.sub(sub, text.strip())


@functools.lru_cache(maxsize=1 << 16)
def _relative(target: str, folder: str) -> str:
    """``target`` relative to ``folder``, both docs-relative (the pages of one folder link to many of
    the same pages, and a page made again by the live preview to the same pages as before)."""
    # Both are docs-relative: rooted at "/", relpath needs no working directory (a system call each).
    return posixpath.relpath("/" + target, "/" + folder)


def make_env(
    template_dirs: Iterable[str | Path], bytecode_cache: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """A Jinja environment over ``template_dirs``, earlier folders overriding later ones (``bytecode_cache``:
    compiled templates kept across environments, as the live preview does)."""
    env = jinja2.Environment(
        bytecode_cache=bytecode_cache,
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # we produce Markdown; text is escaped with the `plain` filter
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(plain=plain, yaml_string=yaml_string, long_date=long_date, indent_md=indent)
    return env


def common(content: Content, page: str) -> dict[str, Any]:
    """What every page template gets: the content, and Markdown and links relative to ``page``."""
    r = PageRenderer(content, page)
    return {
        "content": content,
        "md": r.markdown,
        "link": r.link,
        "guide_link": r.guide_link,
        "checker_link": r.checker_link,
    }
