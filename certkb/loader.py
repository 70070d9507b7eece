"""Load and validate everything under ``content/``: once per build.

``load_content(root)`` reads every file of every kind in :mod:`certkb.kinds`,
validates each against its model, then checks what ties files together (ids
are unique, every reference resolves), checks and compiles each pathway
(:mod:`certkb.pathway`). It collects *every* problem from *every* file and
raises one :class:`~certkb.errors.ContentErrors`; nothing is half-loaded.

The :class:`Content` it returns keeps what later steps need, so none of them
reads a file again: each item by id, the file it came from and its position
(``content.where``), and each pathway compiled for the checker
(``content.compiled``).

``case_errors(content)`` runs what loading does not: every case of every pathway and chooser,
and the rule that a pathway's cases show each requirement met and unmet. ``certkb validate``
(``make validate``, the pull-request check) asks it; the build and the live preview do not,
so an edit in the preview does not wait for every case to run again.
"""

from __future__ import annotations

import errno
import functools
import os
import posixpath
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from . import models
from .errors import ContentError, ContentErrors, did_you_mean, field_name
from .kinds import BY_TEXT_REF, KINDS, Kind, ref_values
from .pathway import (
    case_failures,
    check_cases,
    check_chooser,
    check_pathway,
    chooser_case_failures,
    compile_chooser,
    compile_pathway,
    coverage_lacking,
)
from .yamlpos import Located, load_located

__all__ = [
    "Content",
    "ContentErrors",
    "SINGLE_FILES",
    "content_files",
    "display_path",
    "field_name",
    "case_errors",
    "load_content",
    "validate_doc",
]

# The files that must exist, and the model of each.
SINGLE_FILES: dict[str, type[BaseModel]] = {k.file: k.model for k in KINDS if k.file}
_BY_ATTR: dict[str, Kind] = {k.attr: k for k in KINDS}


@dataclass
class Content:
    """Validated content, in the order staff wrote it.

    ``content.sources``, ``content.guides``, ``content.pathways`` ... (each kind's
    ``attr`` in :mod:`certkb.kinds`) are the items of that kind by id.
    """

    root: Path
    items: dict[str, dict[str, Any]] = field(default_factory=lambda: {k.name: {} for k in KINDS})
    files: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> path relative to root
    places: dict[tuple[str, str], tuple[Located, tuple]] = field(default_factory=dict)  # (kind, id) -> file, path
    compiled: dict[str, dict[str, Any]] = field(default_factory=dict)  # pathway id -> what checker.engine reads
    compiled_choosers: dict[str, dict[str, Any]] = field(default_factory=dict)  # chooser id -> what engine.choose reads
    warnings: list[ContentError] = field(default_factory=list)  # worth fixing, but nothing is wrong with the pages

    def __getattr__(self, name: str) -> dict[str, Any]:
        kind = _BY_ATTR.get(name)
        if kind is None:
            raise AttributeError(name)
        return self.items[kind.name]

    def where(self, kind: str, ident: str, path: tuple = ()) -> tuple[str, int, int]:
        """The file (as staff see it), line and column of a field of an item, as loaded."""
        doc, at = self.places[(kind, ident)]
        line, col = doc.where(at + tuple(path))
        return doc.display_path, line, col

    def guide_page(self, guide_id: str) -> str:
        """The docs-relative Markdown path of a guide's generated page."""
        return _guide_page(self.guides[guide_id].jurisdiction, self.files[("guide", guide_id)])

    def checker_page(self, pathway_id: str) -> str:
        return f"checker/{pathway_id}/index.md"

    def guides_in(self, jurisdiction: str, topic: str) -> list[models.Guide]:
        found = [g for g in self.guides.values() if g.jurisdiction == jurisdiction and g.topic == topic]
        return sorted(found, key=lambda g: (g.order, g.title))


@functools.lru_cache(maxsize=1 << 16)
def _guide_page(jurisdiction: str, file: str) -> str:
    """Content.guide_page: asked for each link to a guide, on every page that links to it."""
    stem = posixpath.splitext(posixpath.basename(file))[0]  # Path.stem, without a Path
    return f"{jurisdiction}/{stem}.md"


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


def _sentence(err: ErrorDetails, model: type[BaseModel]) -> tuple[tuple, str, bool]:
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
            return (
                loc,
                f"{name}: {_show(value)} is not a valid web address; write it in full, starting with https://",
                False,
            )
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
        words = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
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


# What Path.exists() takes for "not there" rather than an error (pathlib's _IGNORED_ERRNOS).
_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def display_path(path: Path, cwd: str | None = None) -> str:
    """A path as staff see it: relative to the working directory where possible.

    ``cwd``: the working directory, when the caller has it (relpath asks the system for it,
    twice for a relative path, on each call; a load shows every content file).

    A path with nothing to tidy (no '.', '..' or double '/') is answered without relpath's work
    (0.053 s of CPU for the 2,000 guides the live preview reads again on each rebuild): relative,
    it is what relpath gives back; absolute and under ``cwd`` (the plugin's content folder is
    absolute), it is the rest after ``cwd``. ('..' is left to relpath: above the root it leads to
    the root.)"""
    text = str(path)
    if os.path.normpath(text) == text and ".." not in text.split(os.sep):
        if not os.path.isabs(text):
            return text
        if cwd is not None and os.path.normpath(cwd) == cwd:
            rest = _inside(text, cwd)
            if rest is not None:
                return rest
    try:
        # What relpath(path) computes, given cwd.
        rel = os.path.relpath(path) if cwd is None else os.path.relpath(os.path.join(cwd, path), cwd)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _inside(text: str, folder: str) -> str | None:
    """What follows ``folder`` and a separator at the start of the path ``text``, or None when
    ``text`` does not start so (or names the folder itself, or has a double separator there)."""
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    rest = text[len(prefix) :]
    return rest if text.startswith(prefix) and rest and not rest.startswith(os.sep) else None


def content_files(root: Path) -> list[Path]:
    """Every content file under ``root``, kind by kind (the required files even when missing)."""
    return [path for kind in KINDS for path in kind.files(root)]


def _references(data: Any) -> list[tuple[tuple, str, str]]:
    """Every {kind:ID} in the text of a file's data: (path, kind word, id), in file order."""
    return [(path, match[1], match[2]) for path, text in _strings(data) for match in models.REFERENCE_RE.finditer(text)]


def _strings(data: Any, path: tuple = ()) -> Iterable[tuple[tuple, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, path + (i,))


_ID_LINE = re.compile(r"^id:[ \t]*['\"]?([a-z0-9][a-z0-9_-]*)['\"]?[ \t]*(#.*)?$", re.MULTILINE)
MAX_SCAN = 200_000


def _declared_id(doc: Located) -> str | None:
    """The id a broken one-item file (a guide, a pathway) declares, read as leniently as possible."""
    if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
        return doc.data["id"]
    match = _ID_LINE.search(doc.text[:MAX_SCAN])
    return match.group(1) if match else None


def _unique(items: list[tuple[str, Located, tuple]], what: str, errors: list[ContentError], key: str = "id") -> None:
    seen: dict[str, tuple[Located, tuple]] = {}
    for ident, doc, path in items:
        if ident in seen:
            first_doc, first_path = seen[ident]
            first = first_doc.error(first_path + (key,), "")  # where, only for a duplicate
            errors.append(
                doc.error(
                    path + (key,),
                    f"duplicate {what} '{ident}' (already used at {first.path}:{first.line}:{first.column})",
                )
            )
        else:
            seen[ident] = (doc, path)


def _named_by_id(items: dict[str, Any], item: Any) -> bool:
    """Whether ``item`` is the one its id names in ``items`` (an id given twice names the first)."""
    return items.get(item.id) is item


@dataclass
class _File:
    kind: Kind
    rel: str  # relative to the content folder
    doc: Located
    obj: BaseModel | None  # None: it did not validate (its errors are reported)
    refs: list[tuple[tuple, str, str]] | None = None  # its {kind:ID} references, when known (_references)


class _Loader:
    """One load: each step below is one pass over the files read."""

    def __init__(self, root: Path, cache: dict | None = None):
        self.cache = cache
        self.cwd = os.getcwd()
        self.content = Content(root=root)
        self.errors: list[ContentError] = []
        self.files: list[_File] = []
        # Ids declared by files (or list entries) that failed validation: known, but not
        # loaded, so one broken file does not also produce "refers to no guide" in every
        # file that links to it.
        self.unloaded: dict[str, set[str]] = {k.name: set() for k in KINDS}
        self._root_text = str(root)

    def read(self, kind: Kind, path: Path) -> None:
        shown = display_path(path, self.cwd)
        try:
            data = path.read_bytes()  # one system call fewer than asking first whether it exists
        except OSError as exc:
            if exc.errno not in _NOT_THERE:
                raise
            if kind.file:
                self.errors.append(ContentError(shown, 1, 1, "required content file is missing"))
            return
        key = (kind.name, shown)
        rel = self._relative(path)
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None and cached[0] == data:
            _, doc, obj, refs = cached  # read and validated before, unchanged since: the same document and model
            self.files.append(_File(kind, rel, doc, obj, refs))
            return
        doc = load_located(data, shown)
        obj = validate_doc(doc, kind.model)
        refs = None
        if self.cache is not None and obj is not None and not doc.errors:
            # Models are frozen; nothing later changes either. The references in its text too
            # are the file's own: checking that they resolve runs on every load.
            refs = _references(doc.data)
            self.cache[key] = (data, doc, obj, refs)
        if obj is None and kind.list_key:
            obj = self._salvage(kind, doc)
        elif obj is None:
            declared = _declared_id(doc)
            if declared:
                self.unloaded[kind.name].add(declared)
        self.errors.extend(doc.errors)
        self.files.append(_File(kind, rel, doc, obj, refs))

    def _relative(self, path: Path) -> str:
        """``str(path.relative_to(root))``. A path listed under the content folder starts with the
        folder's name and a separator (a Path's text is tidy: no '.', no double separator), so the
        rest of its text is the answer, found without PurePath's part-by-part comparison (with the
        shortcut in display_path, re-reading 2,000 unchanged guides went from 0.175 to 0.109 s)."""
        rest = _inside(str(path), self._root_text)
        # '.' (its paths are listed without './'), or not under it: PurePath decides.
        return rest if rest is not None else str(path.relative_to(self.content.root))

    def _salvage(self, kind: Kind, doc: Located) -> BaseModel | None:
        """The valid entries of a list file whose other entries have errors (already reported).

        Keeping them lets the cross-file checks run, so staff see those problems in the same pass.
        """
        assert kind.list_key is not None  # only list files are salvaged
        entries = doc.data.get(kind.list_key) if isinstance(doc.data, dict) else None
        if not isinstance(entries, list):
            return None
        valid = []
        for entry in entries:
            try:
                valid.append(kind.item_model.model_validate(entry))
            except ValidationError:
                if isinstance(entry, dict) and isinstance(entry.get(kind.id_field), str):
                    self.unloaded[kind.name].add(entry[kind.id_field])
        # _fields_set=None is the default, given so that mypy does not take the entries for it.
        return kind.model.model_construct(_fields_set=None, **{kind.list_key: valid})

    def loaded(self) -> Iterable[tuple[_File, tuple, Any]]:
        """(file, path in the file, item) for every item of every file that validated."""
        for f in self.files:
            if f.obj is not None:
                for path, item in f.kind.items(f.obj):
                    yield f, path, item

    def collect(self) -> None:
        """Each item by id (the first, where an id is given twice), and unique ids."""
        listed: dict[str, list[tuple[str, Located, tuple]]] = {k.name: [] for k in KINDS}
        c = self.content
        for f, path, item in self.loaded():
            ident = getattr(item, f.kind.id_field)
            listed[f.kind.name].append((ident, f.doc, path))
            if ident not in c.items[f.kind.name]:
                c.items[f.kind.name][ident] = item
                c.files[(f.kind.name, ident)] = f.rel
                c.places[(f.kind.name, ident)] = (f.doc, path)
        for kind in KINDS:
            what = kind.called if kind.id_field != "id" else f"{kind.called} id"
            _unique(listed[kind.name], what, self.errors, key=kind.id_field)

    def ref(self, doc: Located, path: tuple, kind: str, value: str | None, known: Iterable[str]) -> None:
        if value is None:
            return
        # `known` is the kind's items by id: a lookup, not a scan (each guide refers to others, so a
        # list here made loading grow as the square of the number of guides).
        if value not in known and value not in self.unloaded.get(kind, ()):
            known = list(known)
            self.errors.append(
                doc.error(path, f"{field_name(path)}: no {kind} has the id '{value}'{did_you_mean(value, known)}")
            )

    def check_references(self) -> None:
        """Every reference field (kinds.Ref) and every {kind:ID} in text names an item that exists."""
        for f in self.files:
            if f.obj is not None:
                self._text_refs(f.doc, _references(f.doc.data) if f.refs is None else f.refs)
        for f, path, item in self.loaded():
            for ref in f.kind.refs:
                for at, value in ref_values(item, ref.path):
                    self.ref(f.doc, path + at, ref.kind, value, self.content.items[ref.kind])

    def _text_refs(self, doc: Located, refs: list[tuple[tuple, str, str]]) -> None:
        for path, word, ident in refs:
            kind = BY_TEXT_REF[word]
            known = self.content.items[kind.name]
            if ident not in known and ident not in self.unloaded[kind.name]:
                self.errors.append(
                    doc.error(
                        path,
                        f"{field_name(path)}: {{{word}:{ident}}} refers to no "
                        f"{kind.called}{did_you_mean(ident, known)}",
                    )
                )

    # --- what one kind needs beyond its model and its references ---

    def check_jurisdictions(self) -> None:
        for f, path, j in self.loaded():
            if f.kind.name == "jurisdiction":
                _unique([(t.id, f.doc, path + ("topics", k)) for k, t in enumerate(j.topics)], "topic id", self.errors)

    def check_guides(self) -> None:
        c = self.content
        for f, path, guide in self.loaded():
            if f.kind.name != "guide":
                continue
            j = c.jurisdictions.get(guide.jurisdiction)
            if j is not None:
                self.ref(f.doc, path + ("topic",), f"topic of {j.name}", guide.topic, [t.id for t in j.topics])
            if _named_by_id(c.guides, guide):
                folder = Path(f.rel).parent.name
                if folder != guide.jurisdiction and j is not None:
                    self.errors.append(
                        f.doc.error(
                            ("jurisdiction",),
                            f"jurisdiction: '{guide.jurisdiction}' does not match the folder "
                            f"'guides/{folder}/' this file is in; move the file or fix the field",
                        )
                    )

    def check_pathways(self) -> None:
        """Each pathway's own checks, its compilation (once), its cases, and a guide that shows it."""
        c = self.content
        for f, _path, pathway in self.loaded():
            if f.kind.name != "pathway":
                continue
            errors, rules = check_pathway(pathway, f.doc)
            self.errors.extend(errors)
            if rules is None:
                continue
            compiled = compile_pathway(pathway, c.sources, c.guides, rules)
            self.errors.extend(check_cases(pathway, compiled, f.doc))
            if _named_by_id(c.pathways, pathway):
                c.compiled[pathway.id] = compiled
        shown = self._pathways_guides_show()
        if shown is None:
            return
        for chooser in c.choosers.values():
            if chooser.id in shown:
                shown.update(chooser.pathways)
        for pid in c.pathways:
            if pid not in shown:
                # A warning, not an error: the checker works and is listed with the others, so a new
                # pathway file can go live before its guide is written.
                c.warnings.append(
                    c.places[("pathway", pid)][0].error(
                        ("id",),
                        f"id: no upgrade guide shows this pathway yet; give the guide that describes this "
                        f"upgrade the line 'pathway: {pid}'",
                        key=True,
                    )
                )

    def _pathways_guides_show(self) -> set[str] | None:
        """The pathway ids guides name in 'pathway:' (None when a broken guide cannot be read for it)."""
        shown: set[str] = set()
        for f in self.files:
            if f.kind.name != "guide":
                continue
            if f.obj is not None:
                assert isinstance(f.obj, models.Guide)  # the guide kind's model
                shown.update(ident for ident in (f.obj.pathway, f.obj.chooser) if ident is not None)
            elif isinstance(f.doc.data, dict):
                for key in ("pathway", "chooser"):
                    if isinstance(f.doc.data.get(key), str):
                        shown.add(f.doc.data[key])
            else:
                return None
        return shown

    def check_choosers(self) -> None:
        """Each chooser's own checks (once its pathways have compiled), its compilation and its cases."""
        c = self.content
        for f, _path, chooser in self.loaded():
            if f.kind.name != "chooser":
                continue
            errors = check_chooser(chooser, f.doc, c.compiled)
            self.errors.extend(errors)
            if not errors and all(pid in c.compiled for pid in chooser.pathways) and _named_by_id(c.choosers, chooser):
                c.compiled_choosers[chooser.id] = compile_chooser(chooser, c.compiled)


def load_content(root: Path | str, cache: dict | None = None) -> Content:
    """Load, validate, cross-check and compile all content under ``root``. Raises ContentErrors.

    ``cache`` (the live preview keeps one across rebuilds) remembers each file that read and
    validated without a problem, by its bytes: an unchanged file is not parsed again. The
    checks across files run every time.
    """
    root = Path(root)
    if not root.is_dir():
        raise ContentErrors([ContentError(display_path(root), 1, 1, "content folder not found")])
    load = _Loader(root, cache)
    for kind in KINDS:
        for path in kind.files(root):
            load.read(kind, path)
    load.collect()
    load.check_references()
    load.check_jurisdictions()
    load.check_guides()
    load.check_pathways()
    load.check_choosers()
    if load.errors:
        raise ContentErrors(load.errors)
    return load.content


def case_errors(content: Content) -> list[ContentError]:
    """Each case of each pathway and chooser that the engine does not answer as the case expects,
    and each requirement no case shows met (or unmet), at its line in the file.

    One line per difference: ``file:line:col: case 'NAME': status: expected eligible, got not_yet``.
    Loading checks that cases are well formed; this runs them (the same functions the tests call).
    """
    errors: list[ContentError] = []
    for pid, pathway in content.pathways.items():
        compiled = content.compiled.get(pid)
        if compiled is None:
            continue
        doc, at = content.places[("pathway", pid)]
        for i, case in enumerate(pathway.cases):
            for failure in case_failures(compiled, case):
                errors.append(doc.error(at + ("cases", i), f"case '{case.name}': {failure}"))
        lacking = coverage_lacking(pathway, compiled)
        for j, requirement in enumerate(pathway.requirements):
            missing = lacking.get(requirement.id)
            if missing:
                shown = " or ".join(sorted(missing))
                errors.append(
                    doc.error(
                        at + ("requirements", j, "id"),
                        f"requirement '{requirement.id}': no case shows it {shown}; add a case whose answers "
                        f"leave it {shown}, with '{requirement.id}: {sorted(missing)[0]}' under the case's "
                        f"'requirements'",
                    )
                )
    for cid, chooser in content.choosers.items():
        compiled_chooser = content.compiled_choosers.get(cid)
        if compiled_chooser is None:
            continue
        doc, at = content.places[("chooser", cid)]
        for i, ccase in enumerate(chooser.cases):
            for failure in chooser_case_failures(compiled_chooser, content.compiled, ccase):
                errors.append(doc.error(at + ("cases", i), f"case '{ccase.name}': {failure}"))
    return errors
