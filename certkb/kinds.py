"""The kinds of content file, one entry each.

The loader finds, validates and cross-checks files from these entries; the
schema generator (:mod:`certkb.schema`) writes one JSON Schema per entry; the
"What lives where" table of the staff guide (``content/README.md``) is
:func:`staff_table`, and a test keeps the two the same. Adding a kind of
content is adding an entry here (and its model), plus whatever page shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from pydantic import BaseModel

from . import models
from .pathway.chooser import Chooser
from .pathway.model import Pathway

SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Ref:
    """A field of an item that names an item of another kind."""

    path: tuple[str, ...]  # from the item; "*" stands for each entry of a list
    kind: str  # the name of the kind it names


@dataclass(frozen=True)
class Kind:
    name: str  # one item, as messages say it and as Content.files keys it: "source"
    attr: str  # the Content attribute that holds the items by id: "sources"
    model: type[BaseModel]  # the model of one file
    schema: str  # the editors' JSON Schema: schemas/<schema>.schema.json
    title: str  # for editors and staff
    description: str
    holds: str  # the staff guide's "What it holds"
    page: str  # the staff guide's "One page per"
    file: str | None = None  # one file of many items: its name, at the top of the content folder
    list_key: str | None = None  # ... and the key that lists the items
    folder: str | None = None  # or one file per item, in this folder
    nested: bool = False  # ... and in its sub-folders
    id_field: str = "id"
    noun: str = ""  # what messages call an item, when not its name
    text_ref: str | None = None  # the word of a {word:ID} reference in Markdown
    refs: tuple[Ref, ...] = field(default_factory=tuple)

    @property
    def item_model(self) -> type[BaseModel]:
        """The model of one item (the file's model, or that of its list's entries)."""
        if self.list_key is None:
            return self.model
        return _list_entry_model(self.model, self.list_key)

    @property
    def called(self) -> str:
        return self.noun or self.name

    @property
    def shown_path(self) -> str:
        """Where staff find these files, relative to the content folder."""
        if self.file:
            return self.file
        return f"{self.folder}/<state>/<name>.yml" if self.nested else f"{self.folder}/<name>.yml"

    def files(self, root: Path) -> list[Path]:
        """This kind's files under the content folder ``root``; a single file is listed even when missing."""
        if self.file:
            return [root / self.file]
        assert self.folder is not None  # a kind's files are one file or the files of a folder
        pattern = "**/*" if self.nested else "*"
        return [p for suffix in SUFFIXES for p in sorted((root / self.folder).glob(pattern + suffix))]

    def holds_file(self, rel: PurePosixPath) -> bool:
        """Whether the path ``rel`` (relative to the content folder) is one of this kind's files."""
        parts = rel.parts
        if self.file:
            return parts == (self.file,)
        if not parts or parts[0] != self.folder or rel.suffix not in SUFFIXES:
            return False
        return len(parts) > 1 if self.nested else len(parts) == 2

    def items(self, obj: BaseModel) -> Iterator[tuple[tuple, BaseModel]]:
        """(path in the file, item) for each item of a validated file."""
        if self.list_key is None:
            yield (), obj
        else:
            for i, item in enumerate(getattr(obj, self.list_key)):
                yield (self.list_key, i), item


def _list_entry_model(model: type[BaseModel], key: str) -> type[BaseModel]:
    annotation: Any = model.model_fields[key].annotation
    return annotation.__args__[0]


KINDS: tuple[Kind, ...] = (
    Kind(
        "source",
        "sources",
        models.SourcesFile,
        "sources",
        "Sources",
        "content/sources.yml: the agency pages that guides and upgrade rules cite.",
        "The agency pages our facts come from.",
        "(none: listed at the foot of pages)",
        file="sources.yml",
        list_key="sources",
    ),
    Kind(
        "jurisdiction",
        "jurisdictions",
        models.JurisdictionsFile,
        "jurisdictions",
        "Jurisdictions",
        "content/jurisdictions.yml: the states (top sections of the site) and their topics.",
        "Each state, its agency, and its topics (the sections of the menu).",
        "state",
        file="jurisdictions.yml",
        list_key="jurisdictions",
    ),
    Kind(
        "fact",
        "facts",
        models.FactsFile,
        "facts",
        "Shared facts",
        "content/facts.yml: short facts inserted into text wherever {fact:ID} appears.",
        "Facts used in more than one place, written once.",
        "(none: inserted into text)",
        file="facts.yml",
        list_key="facts",
        text_ref="fact",
        refs=(Ref(("jurisdiction",), "jurisdiction"), Ref(("source",), "source")),
    ),
    Kind(
        "term",
        "glossary",
        models.GlossaryFile,
        "glossary",
        "Glossary",
        "content/glossary.yml: abbreviations, explained wherever they appear on the site.",
        "Abbreviations and what they stand for.",
        "the Glossary page",
        file="glossary.yml",
        list_key="terms",
        id_field="term",
        noun="glossary term",
        text_ref="term",
        refs=(Ref(("jurisdiction",), "jurisdiction"), Ref(("source",), "source")),
    ),
    Kind(
        "guide",
        "guides",
        models.Guide,
        "guide",
        "Guide",
        "content/guides/<jurisdiction>/<name>.yml: one guide page.",
        "One guide each, e.g. `guides/missouri/create-account.yml`.",
        "guide",
        folder="guides",
        nested=True,
        text_ref="guide",
        refs=(
            Ref(("jurisdiction",), "jurisdiction"),
            Ref(("sources", "*"), "source"),
            Ref(("related", "*"), "guide"),
            Ref(("pathway",), "pathway"),
            Ref(("chooser",), "chooser"),
        ),
    ),
    Kind(
        "pathway",
        "pathways",
        Pathway,
        "pathway",
        "Upgrade pathway",
        "content/pathways/<id>.yml: the requirements to upgrade a certificate, and their test cases.",
        "Upgrade rules: the requirement lists and the eligibility checkers.",
        "checker",
        folder="pathways",
        text_ref="checker",
        refs=(
            Ref(("jurisdiction",), "jurisdiction"),
            Ref(("sources", "*"), "source"),
            Ref(("next_steps", "*", "guide"), "guide"),
        ),
    ),
    Kind(
        "chooser",
        "choosers",
        Chooser,
        "chooser",
        "Upgrade chooser",
        "content/choosers/<id>.yml: one set of answers checked against several pathways, and which "
        "application the source says to submit.",
        "Which of several upgrades to apply for, from one set of answers.",
        "checker",
        folder="choosers",
        refs=(
            Ref(("jurisdiction",), "jurisdiction"),
            Ref(("sources", "*"), "source"),
            Ref(("pathways", "*"), "pathway"),
        ),
    ),
)

BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
BY_TEXT_REF: dict[str, Kind] = {k.text_ref: k for k in KINDS if k.text_ref}


def kind_of(rel: str | PurePath) -> Kind | None:
    """The kind of a file given its path relative to the content folder (None: not a content file)."""
    rel_posix = PurePosixPath(Path(rel).as_posix())
    return next((k for k in KINDS if k.holds_file(rel_posix)), None)


def ref_values(item: Any, path: tuple[str, ...], at: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, value) of each value a :class:`Ref` path reaches in a validated item (None skipped)."""
    if not path:
        if item is not None:
            yield at, item
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for i, entry in enumerate(item or []):
            yield from ref_values(entry, rest, at + (i,))
    else:
        yield from ref_values(getattr(item, head), rest, at + (head,))


def staff_table() -> str:
    """The "What lives where" table of content/README.md."""
    rows = ["| File | What it holds | One page per |", "| --- | --- | --- |"]
    rows += [f"| `{k.shown_path}` | {k.holds} | {k.page} |" for k in KINDS]
    return "\n".join(rows) + "\n"
