"""The content model: what staff may write in each kind of file under ``content/``.

These pydantic models are the one definition of the content format. The
loader validates with them, the JSON Schemas for editors are generated from
them, and the templates read the validated objects.

Two kinds of text field:

* ``PlainText``: a title, a label, a button name. Rendered escaped, so any
  ``<`` or ``*`` shows as typed.
* ``Markdown``: prose. Markdown is allowed, raw HTML is not (it would let a
  typo, or a pasted payload, run script on the public site). References to
  shared facts, guides and checkers are written ``{fact:ID}``,
  ``{guide:ID}`` and ``{checker:ID}``.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

REFERENCE_RE = re.compile(r"\{(fact|guide|checker|term):([A-Za-z0-9_.&'-]+)\}")
_HTML_RE = re.compile(r"<\s*[A-Za-z!/?]")


# Markdown that puts markup, script or requests on a page without any '<' (tests/test_injection.py):
_BRACES_RE = re.compile(r"\{[^{}\n]*\}")  # attribute lists: [x](url){ onclick=... }, a line of {: ... }
_LINK_DEST_RE = re.compile(r"\]\(\s*([^)\s]*)")  # [text](dest and ![alt](dest
_REF_DEF_RE = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\n?[ \t]*(\S+)", re.MULTILINE)  # [label]: dest
_INLINE_IMAGE_RE = re.compile(r"!\[[^\]\n]*\]\(\s*([^)\s]*)")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):")
_SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def _destination(raw: str) -> str:
    """A link destination as the browser will read it: entities decoded, blanks and controls gone."""
    return re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(raw).strip("<>")).lower()


def _no_html(value: str) -> str:
    match = _HTML_RE.search(value)
    if match:
        snippet = value[match.start() : match.start() + 12].split("\n")[0]
        raise ValueError(f"HTML is not allowed in content text (found '{snippet}'); write plain Markdown instead")
    destinations = [_destination(d) for d in _LINK_DEST_RE.findall(value) + _REF_DEF_RE.findall(value)]
    for dest in destinations:
        scheme = _SCHEME_RE.match(dest)
        if scheme and scheme.group(1) not in _SAFE_SCHEMES:
            raise ValueError("links must be web addresses (https://...) or site pages, not script or data URLs")
    for match in _BRACES_RE.finditer(value):
        if not REFERENCE_RE.fullmatch(match.group(0)):
            raise ValueError(
                f"curly braces are only for references such as {{fact:ID}} (found '{match.group(0)[:30]}')"
            )
    images = [_destination(d) for d in _INLINE_IMAGE_RE.findall(value)]
    if "![" in value and len(images) < value.count("!["):
        images += [_destination(d) for d in _REF_DEF_RE.findall(value)]  # reference-style images
    if any(_SCHEME_RE.match(d) or d.startswith("//") for d in images):
        raise ValueError(
            "images must be files of this site, not addresses on other sites "
            "(the page would ask the other site for them)"
        )
    return value


def _single_line(value: str) -> str:
    if "\n" in value.strip():
        raise ValueError("must be a single line of text")
    return value.strip()


Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80),
    Field(description="Lower-case letters, digits, '-' and '_'; unique within its kind."),
]
PlainText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300),
    AfterValidator(_single_line),
    Field(description="One line of plain text; shown exactly as typed."),
]
LongText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1000),
    AfterValidator(_single_line),
    Field(description="Plain text of a few sentences, e.g. a notice that quotes a source; shown exactly as typed."),
]
Markdown = Annotated[
    str,
    StringConstraints(min_length=1, max_length=20_000),
    AfterValidator(_no_html),
    Field(
        description="Markdown text (no HTML). {fact:ID}, {guide:ID}, {checker:ID} and {term:ABBR} insert shared "
        "facts, links and spelled-out terms."
    ),
]
WebUrl = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]+)?(/[^\s<>\"]*)?$", max_length=500),
    Field(description="A full web address starting with https:// or http://"),
]


class Strict(BaseModel):
    """Base: unknown fields are errors (a typo must never be silently ignored)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=True)


# --- sources.yml ---------------------------------------------------------------


class Source(Strict):
    id: Id
    title: PlainText = Field(description="The page's title as the agency publishes it.")
    agency: PlainText = Field(description="The agency that publishes the page.")
    url: WebUrl | None = Field(default=None, description="The page's address, where known.")
    retrieved: _dt.date = Field(description="The date our copy was taken, YYYY-MM-DD.")
    note: PlainText | None = None


class SourcesFile(Strict):
    sources: list[Source] = Field(min_length=1)


# --- jurisdictions.yml -------------------------------------------------------------


class Topic(Strict):
    id: Id
    title: PlainText


class Jurisdiction(Strict):
    id: Id
    name: PlainText = Field(description="Shown as the top navigation section, e.g. 'Missouri'.")
    agency: PlainText = Field(description="The certifying agency's name.")
    summary: Markdown
    topics: list[Topic] = Field(min_length=1, description="Navigation sections, in order.")
    home_card: Markdown | None = Field(
        default=None, description="The text of this jurisdiction's card on the home page; by default its summary."
    )


class JurisdictionsFile(Strict):
    jurisdictions: list[Jurisdiction] = Field(min_length=1)


# --- facts.yml --------------------------------------------------------------------


class Fact(Strict):
    id: Id
    jurisdiction: Id
    label: PlainText = Field(description="What the fact is, for staff and the facts index.")
    value: PlainText = Field(description="The text inserted wherever {fact:ID} appears.")
    source: Id


class FactsFile(Strict):
    facts: list[Fact] = Field(min_length=1)


# --- glossary.yml -----------------------------------------------------------------


class Term(Strict):
    term: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9.&'-]*$", max_length=20)] = Field(
        description="The abbreviation exactly as it appears in text, e.g. 'IPC'."
    )
    definition: PlainText
    jurisdiction: Id | None = None
    source: Id | None = None


class GlossaryFile(Strict):
    terms: list[Term] = Field(min_length=1)


# --- guides/<jurisdiction>/<name>.yml ----------------------------------------------------


class Step(Strict):
    text: Markdown
    details: list[Markdown] = Field(default_factory=list, description="Sub-points of this step.")
    note: Markdown | None = None
    warning: Markdown | None = None


class Section(Strict):
    heading: PlainText
    text: Markdown | None = None
    items: list[Markdown] = Field(default_factory=list)


class Note(Strict):
    kind: Literal["note", "tip", "warning", "info"] = "note"
    title: PlainText | None = None
    text: Markdown


class Link(Strict):
    label: PlainText = Field(description="The link's label, exactly as the agency's page shows it.")
    text: Markdown = Field(description="What the link leads to, in our words.")
    url: WebUrl | None = None


class Guide(Strict):
    id: Id
    jurisdiction: Id
    topic: Id
    title: PlainText
    summary: PlainText = Field(description="One sentence: what this page helps with.")
    order: int = Field(default=100, ge=0, le=10_000, description="Position within its topic (smaller first).")
    last_reviewed: _dt.date
    sources: list[Id] = Field(min_length=1)
    intro: Markdown | None = None
    steps: list[Step] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list, description="Portal links described on the agency's page.")
    notes: list[Note] = Field(default_factory=list)
    pathway: Id | None = Field(default=None, description="Show this upgrade pathway's requirements and checker link.")
    chooser: Id | None = Field(
        default=None, description="Show this chooser's pathways' requirements, and links to it and to their checkers."
    )
    related: list[Id] = Field(default_factory=list, description="Ids of related guides.")
