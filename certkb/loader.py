"""Load and validate everything under ``content/``.

``load_content(root)`` reads every file, validates each against the model in
:mod:`certkb.models`, then checks what ties files together (ids are unique,
every reference resolves). It collects *every* problem from *every* file and
raises one :class:`~certkb.errors.ContentErrors`; nothing is half-loaded.
"""

from __future__ import annotations

import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from . import models
from .errors import ContentError, ContentErrors, did_you_mean
from .yamlpos import Located, load_located

SINGLE_FILES: dict[str, type[BaseModel]] = {
    "sources.yml": models.SourcesFile,
    "jurisdictions.yml": models.JurisdictionsFile,
    "facts.yml": models.FactsFile,
    "glossary.yml": models.GlossaryFile,
}


def _pathway_model():
    from .pathway import Pathway  # imported late: the pathway model builds on this module's helpers

    return Pathway


@dataclass
class Content:
    """Validated content, in the order staff wrote it."""

    root: Path
    sources: dict[str, models.Source] = field(default_factory=dict)
    jurisdictions: dict[str, models.Jurisdiction] = field(default_factory=dict)
    facts: dict[str, models.Fact] = field(default_factory=dict)
    glossary: dict[str, models.Term] = field(default_factory=dict)
    guides: dict[str, models.Guide] = field(default_factory=dict)
    pathways: dict[str, Any] = field(default_factory=dict)
    files: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> path relative to root's parent

    def guide_page(self, guide_id: str) -> str:
        """The docs-relative Markdown path of a guide's generated page."""
        rel = Path(self.files[("guide", guide_id)])
        return f"{self.guides[guide_id].jurisdiction}/{rel.stem}.md"

    def checker_page(self, pathway_id: str) -> str:
        return f"checker/{pathway_id}/index.md"

    def guides_in(self, jurisdiction: str, topic: str) -> list[models.Guide]:
        found = [g for g in self.guides.values() if g.jurisdiction == jurisdiction and g.topic == topic]
        return sorted(found, key=lambda g: (g.order, g.title))


# --- turning pydantic errors into sentences ------------------------------------------------


def _unwrap(tp: Any) -> Any:
    """Strip Annotated/Optional so we can see the model or list underneath."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _model_at(model: type[BaseModel], loc: tuple) -> Any:
    """The type found by following ``loc`` from ``model`` (None if lost)."""
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(part, int):
            args = typing.get_args(tp)
            tp = args[0] if args else None
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(part)
            tp = info.annotation if info else None
        else:
            return None
        if tp is None:
            return None
    return _unwrap(tp)


def field_name(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a set of 'field: value' lines"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "empty"
    return "text"


def _sentence(err: dict, model: type[BaseModel]) -> tuple[tuple, str, bool]:
    """(path, message, point_at_key) for one pydantic error."""
    loc = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    name = field_name(loc)
    last = loc[-1] if loc else None
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        choices = parent.model_fields.keys() if isinstance(parent, type) and issubclass(parent, BaseModel) else ()
        return loc, f"unknown field '{last}'{did_you_mean(last, choices)}", True
    if kind == "missing":
        where = field_name(loc[:-1])
        suffix = "" if len(loc) == 1 else f" in {where}"
        return loc[:-1], f"missing required field '{last}'{suffix}", False
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return loc, f"{name}: {_show(value)} is not a valid date; write it as YYYY-MM-DD, e.g. 2026-11-23", False
    if kind == "string_pattern_mismatch":
        pattern = (err.get("ctx") or {}).get("pattern", "")
        if pattern.startswith("^https?"):
            return loc, f"{name}: {_show(value)} is not a valid web address; write it in full, starting with https://", False
        if pattern.startswith("^[a-z0-9]"):
            return loc, f"{name}: {_show(value)} is not a valid id; use lower-case letters, digits, '-' and '_'", False
        return loc, f"{name}: {_show(value)} is not in the expected form", False
    if kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",") if o.strip()]
        return loc, f"{name}: {_show(value)} is not one of {', '.join(options)}{did_you_mean(value, options)}", False
    if kind in ("string_type",):
        return loc, f"{name}: should be text, not {_type_name(value)}", False
    if kind in ("list_type",):
        return loc, f"{name}: should be a list (one '- ' line per entry), not {_type_name(value)}", False
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return loc, f"{name}: should be a set of 'field: value' lines, not {_type_name(value)}", False
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return loc, f"{name}: should be a whole number, not {_show(value)}", False
    if kind in ("float_type", "float_parsing"):
        return loc, f"{name}: should be a number, not {_show(value)}", False
    if kind in ("bool_type", "bool_parsing"):
        return loc, f"{name}: should be true or false, not {_show(value)}", False
    if kind in ("too_short", "string_too_short"):
        if isinstance(value, str):
            return loc, f"{name}: must not be empty", False
        return loc, f"{name}: needs at least {(err.get('ctx') or {}).get('min_length', 1)} entry", False
    if kind == "string_too_long":
        return loc, f"{name}: is too long (at most {(err.get('ctx') or {}).get('max_length')} characters)", False
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ctx = err.get("ctx") or {}
        bound = next(iter(ctx.values()), "")
        words = {"greater_than_equal": "at least", "less_than_equal": "at most",
                 "greater_than": "more than", "less_than": "less than"}[kind]
        return loc, f"{name}: must be {words} {bound} (got {_show(value)})", False
    if kind == "value_error":
        message = str((err.get("ctx") or {}).get("error", err.get("msg", "")))
        return loc, f"{name}: {message}", False
    return loc, f"{name}: {err.get('msg', 'is not valid').lower()}", False


def validation_errors(doc: Located, model: type[BaseModel], exc: ValidationError) -> list[ContentError]:
    out = []
    for err in exc.errors(include_url=False):
        path, message, at_key = _sentence(err, model)
        out.append(doc.error(path, message, key=at_key))
    return out


def validate_doc(doc: Located, model: type[BaseModel]) -> BaseModel | None:
    """Validate one parsed file; adds problems to ``doc.errors``."""
    if doc.errors:
        return None
    if doc.data is None:
        doc.errors.append(ContentError(doc.display_path, 1, 1, "file is empty"))
        return None
    if not isinstance(doc.data, dict):
        doc.errors.append(doc.error((), "the file should be a set of 'field: value' lines"))
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        doc.errors.extend(validation_errors(doc, model, exc))
        return None


# --- reading the folder --------------------------------------------------------------------


def display_path(path: Path) -> str:
    """A path as staff see it: relative to the working directory where possible."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def content_files(root: Path) -> list[Path]:
    files = [root / name for name in SINGLE_FILES]
    files += sorted((root / "guides").glob("**/*.yml")) + sorted((root / "guides").glob("**/*.yaml"))
    files += sorted((root / "pathways").glob("*.yml")) + sorted((root / "pathways").glob("*.yaml"))
    return files


def _strings(data: Any, path: tuple = ()) -> Iterable[tuple[tuple, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, path + (i,))


class _Checker:
    """Cross-file checks: unique ids and resolving references."""

    def __init__(self, content: Content, docs: dict[tuple[str, str], Located], partial: dict[str, set[str]]):
        self.c = content
        self.docs = docs
        self.partial = partial  # ids from files that failed validation: known, but not loaded
        self.errors: list[ContentError] = []

    def ref(self, doc: Located, path: tuple, kind: str, value: str | None, known: Iterable[str]) -> None:
        if value is None:
            return
        known = list(known)
        if value not in known and value not in self.partial.get(kind, ()):
            self.errors.append(doc.error(path, f"{field_name(path)}: no {kind} has the id '{value}'{did_you_mean(value, known)}"))

    def text_refs(self, doc: Located) -> None:
        known = {"fact": self.c.facts, "guide": self.c.guides, "checker": self.c.pathways, "term": self.c.glossary}
        partial = {"guide": self.partial["guide"], "checker": self.partial["pathway"],
                   "fact": self.partial["fact"], "term": self.partial["term"]}
        for path, text in _strings(doc.data):
            for match in models.REFERENCE_RE.finditer(text):
                kind, ident = match.groups()
                if ident not in known[kind] and ident not in partial.get(kind, ()):
                    name = {"checker": "pathway", "term": "glossary term"}.get(kind, kind)
                    self.errors.append(doc.error(
                        path, f"{field_name(path)}: {{{kind}:{ident}}} refers to no {name}{did_you_mean(ident, known[kind])}"
                    ))


LIST_FILES: dict[type[BaseModel], tuple[str, type[BaseModel]]] = {
    models.SourcesFile: ("sources", models.Source),
    models.JurisdictionsFile: ("jurisdictions", models.Jurisdiction),
    models.FactsFile: ("facts", models.Fact),
    models.GlossaryFile: ("terms", models.Term),
}


def _salvage(doc: Located, model: type[BaseModel], unloaded: dict[str, set[str]]) -> BaseModel | None:
    """The valid entries of a list file whose other entries have errors (already reported).

    Keeping them lets the cross-file checks run, so staff see those problems in the same pass.
    """
    key, entry_model = LIST_FILES[model]
    entries = doc.data.get(key) if isinstance(doc.data, dict) else None
    if not isinstance(entries, list):
        return None
    kind, id_key = {"sources": ("source", "id"), "jurisdictions": ("jurisdiction", "id"),
                    "facts": ("fact", "id"), "terms": ("term", "term")}[key]
    valid = []
    for entry in entries:
        try:
            valid.append(entry_model.model_validate(entry))
        except ValidationError:
            if isinstance(entry, dict) and isinstance(entry.get(id_key), str):
                unloaded[kind].add(entry[id_key])
    return model.model_construct(**{key: valid})


_ID_LINE = re.compile(r"^id:[ \t]*['\"]?([a-z0-9][a-z0-9_-]*)['\"]?[ \t]*(#.*)?$", re.MULTILINE)


def _declared_id(doc: Located, path: Path) -> str | None:
    """The id a broken guide or pathway file declares, read as leniently as possible."""
    if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
        return doc.data["id"]
    try:
        match = _ID_LINE.search(path.read_text(encoding="utf-8", errors="replace")[:MAX_SCAN])
    except OSError:
        return None
    return match.group(1) if match else None


MAX_SCAN = 200_000


def _unique(items: list[tuple[str, Located, tuple]], kind: str, errors: list[ContentError], key: str = "id") -> None:
    seen: dict[str, ContentError] = {}
    for ident, doc, path in items:
        here = doc.error(path + (key,), "")
        if ident in seen:
            first = seen[ident]
            what = "glossary term" if kind == "term" else f"{kind} id"
            errors.append(doc.error(
                path + (key,), f"duplicate {what} '{ident}' (already used at {first.path}:{first.line}:{first.column})"
            ))
        else:
            seen[ident] = here


def load_content(root: Path | str) -> Content:
    """Load, validate and cross-check all content under ``root``. Raises ContentErrors."""
    root = Path(root)
    content = Content(root=root)
    errors: list[ContentError] = []
    if not root.is_dir():
        raise ContentErrors([ContentError(display_path(root), 1, 1, "content folder not found")])

    parsed: dict[str, tuple[Located, Any]] = {}
    # Ids declared by guide and pathway files that failed validation: known, but not
    # loaded, so one broken file does not also produce "refers to no guide" in every
    # file that links to it.
    unloaded: dict[str, set[str]] = {k: set() for k in ("guide", "pathway", "source", "jurisdiction", "fact", "term")}
    for path in content_files(root):
        shown = display_path(path)
        if not path.exists():
            if path.name in SINGLE_FILES:
                errors.append(ContentError(shown, 1, 1, "required content file is missing"))
            continue
        doc = load_located(path.read_bytes(), shown)
        rel = path.relative_to(root)
        if rel.parts[0] == "guides":
            model: type[BaseModel] = models.Guide
        elif rel.parts[0] == "pathways":
            model = _pathway_model()
        else:
            model = SINGLE_FILES[path.name]
        obj = validate_doc(doc, model)
        if obj is None and model in LIST_FILES:
            obj = _salvage(doc, model, unloaded)
        errors.extend(doc.errors)
        parsed[str(rel)] = (doc, obj)
        if obj is None and rel.parts[0] in ("guides", "pathways"):
            declared = _declared_id(doc, path)
            if declared:
                unloaded[rel.parts[0][:-1]].add(declared)

    # Gather ids (even from files with other problems we know nothing; skip those).
    listed: dict[str, list[tuple[str, Located, tuple]]] = {k: [] for k in
                                                           ("source", "jurisdiction", "fact", "term", "guide", "pathway")}
    located_by_id: dict[tuple[str, str], Located] = {}
    for rel, (doc, obj) in parsed.items():
        if obj is None:
            continue
        if isinstance(obj, models.SourcesFile):
            for i, s in enumerate(obj.sources):
                listed["source"].append((s.id, doc, ("sources", i)))
                content.sources.setdefault(s.id, s)
        elif isinstance(obj, models.JurisdictionsFile):
            for i, j in enumerate(obj.jurisdictions):
                listed["jurisdiction"].append((j.id, doc, ("jurisdictions", i)))
                content.jurisdictions.setdefault(j.id, j)
                _unique([(t.id, doc, ("jurisdictions", i, "topics", k)) for k, t in enumerate(j.topics)], "topic", errors)
        elif isinstance(obj, models.FactsFile):
            for i, f in enumerate(obj.facts):
                listed["fact"].append((f.id, doc, ("facts", i)))
                content.facts.setdefault(f.id, f)
        elif isinstance(obj, models.GlossaryFile):
            for i, t in enumerate(obj.terms):
                listed["term"].append((t.term, doc, ("terms", i)))
                content.glossary.setdefault(t.term, t)
        elif isinstance(obj, models.Guide):
            listed["guide"].append((obj.id, doc, ()))
            if obj.id not in content.guides:
                content.guides[obj.id] = obj
                content.files[("guide", obj.id)] = rel
                located_by_id[("guide", obj.id)] = doc
        else:
            listed["pathway"].append((obj.id, doc, ()))
            if obj.id not in content.pathways:
                content.pathways[obj.id] = obj
                content.files[("pathway", obj.id)] = rel
                located_by_id[("pathway", obj.id)] = doc
    for kind, items in listed.items():
        _unique(items, kind, errors, key="term" if kind == "term" else "id")

    for gid, guide in content.guides.items():
        doc = located_by_id[("guide", gid)]
        folder = Path(content.files[("guide", gid)]).parent.name
        if folder != guide.jurisdiction and guide.jurisdiction in content.jurisdictions:
            errors.append(doc.error(("jurisdiction",), f"jurisdiction: '{guide.jurisdiction}' does not match the folder "
                                                      f"'guides/{folder}/' this file is in; move the file or fix the field"))

    chk = _Checker(content, located_by_id, unloaded)
    for rel, (doc, obj) in parsed.items():
        if obj is None:
            continue
        chk.text_refs(doc)
        if isinstance(obj, models.FactsFile):
            for i, f in enumerate(obj.facts):
                chk.ref(doc, ("facts", i, "jurisdiction"), "jurisdiction", f.jurisdiction, content.jurisdictions)
                chk.ref(doc, ("facts", i, "source"), "source", f.source, content.sources)
        elif isinstance(obj, models.GlossaryFile):
            for i, t in enumerate(obj.terms):
                chk.ref(doc, ("terms", i, "jurisdiction"), "jurisdiction", t.jurisdiction, content.jurisdictions)
                chk.ref(doc, ("terms", i, "source"), "source", t.source, content.sources)
        elif isinstance(obj, models.Guide):
            chk.ref(doc, ("jurisdiction",), "jurisdiction", obj.jurisdiction, content.jurisdictions)
            j = content.jurisdictions.get(obj.jurisdiction)
            if j is not None:
                chk.ref(doc, ("topic",), f"topic of {j.name}", obj.topic, [t.id for t in j.topics])
            for i, s in enumerate(obj.sources):
                chk.ref(doc, ("sources", i), "source", s, content.sources)
            for i, r in enumerate(obj.related):
                chk.ref(doc, ("related", i), "guide", r, content.guides)
            chk.ref(doc, ("pathway",), "pathway", obj.pathway, content.pathways)
        elif not isinstance(obj, (models.SourcesFile, models.JurisdictionsFile)):
            from .pathway import check_pathway

            chk.ref(doc, ("jurisdiction",), "jurisdiction", obj.jurisdiction, content.jurisdictions)
            errors.extend(check_pathway(obj, doc, {"sources": set(content.sources), "guides": set(content.guides)}))
    errors.extend(chk.errors)
    if errors:
        raise ContentErrors(errors)
    return content
