"""Read a YAML file into plain Python data, remembering where every value came from.

ruamel.yaml composes the document into nodes that carry their start marks; we
walk the nodes ourselves so that we can

* report *every* duplicate key (ruamel would stop at the first one),
* keep a line and column for each value and each key, addressed by the same
  path tuples pydantic uses in its error ``loc`` (``("steps", 2, "title")``),
* turn syntax errors, bad encodings and absurd inputs into plain messages.

Nothing here raises for bad content: problems are returned as ContentError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.cyaml import CSafeLoader
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver

from .errors import ContentError

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_VALUES = 100_000  # values in one file, aliases expanded; a long guide has a few hundred

Path = tuple[Any, ...]


@dataclass
class Located:
    """A parsed YAML document with the position of every value and key."""

    display_path: str
    data: Any = None
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    text: str = ""  # the text as read, so a position inside a value is found without reading the file again

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path`` (or its key).

        Falls back to the nearest enclosing value that has a position, so
        a message about a missing field points at the mapping that lacks it.
        """
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def error(self, path: Path, message: str, *, key: bool = False) -> ContentError:
        line, col = self.where(path, key=key)
        return ContentError(self.display_path, line, col, message)


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _TooManyValues(Exception):
    pass


# The tag the resolver gives a scalar that is a plain string (no tag, quoted, or not a number, date...).
_STR_TAG = BaseResolver.DEFAULT_SCALAR_TAG


class _Walker:
    def __init__(self, doc: Located, constructor):
        self.doc = doc
        self.constructor = constructor
        self.budget = MAX_VALUES

    def scalar(self, node: ScalarNode) -> Any:
        if node.ctag is _STR_TAG:
            # What the safe constructor makes of it (construct_yaml_str), without its dispatch:
            # most values of a guide are text, and that dispatch was a third of reading one.
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, YAMLError, TypeError, OverflowError):
            # e.g. 2026-13-45 looks like a date but is not one: keep the text,
            # validation then says what is wrong with it.
            return node.value

    def walk(self, node, path: Path, depth: int) -> Any:
        # Aliases (*name) make a node count each time it is used: "billion laughs" files
        # expand exponentially. Stop long before that could take time or memory.
        self.budget -= 1
        if self.budget < 0:
            raise _TooManyValues
        self.doc.values[path] = _mark(node)
        if depth > MAX_DEPTH:
            self.doc.errors.append(
                self.doc.error(path, f"nested more than {MAX_DEPTH} levels deep; content files are never this deep")
            )
            return None
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            seen: dict[str, tuple[int, int]] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    line, col = _mark(key_node)
                    self.doc.errors.append(
                        ContentError(
                            self.doc.display_path, line, col, "a key must be a plain word, not a list or mapping"
                        )
                    )
                    continue
                key = self.scalar(key_node)
                key = key if isinstance(key, str) else str(key_node.value)
                if key in seen:
                    line, col = _mark(key_node)
                    first = seen[key][0]
                    self.doc.errors.append(
                        ContentError(
                            self.doc.display_path,
                            line,
                            col,
                            f"duplicate key '{key}' (first given on line {first}); remove one of them",
                        )
                    )
                    continue
                seen[key] = _mark(key_node)
                self.doc.keys[path + (key,)] = seen[key]
                result[key] = self.walk(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, SequenceNode):
            return [self.walk(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)


_PURE: list[YAML] = []


def _pure_yaml() -> YAML:
    """The pure-Python reader (setting one up costs more than reading a guide), made once."""
    if not _PURE:
        _PURE.append(YAML(typ="safe", pure=True))
    return _PURE[0]


def _compose_c(text: str) -> tuple[list, CSafeLoader]:
    """Every document's node tree, read by libyaml's C parser; and the loader, to construct values.

    ``CSafeLoader`` is what ``YAML(typ="safe", pure=False)`` reads with (the C parser, the safe
    constructor and the YAML 1.2 resolver), as one class: YAML() builds a new loader class for each
    text it reads, and its version-aware resolver works out the YAML version again for every scalar
    (which the C parser cannot change from 1.2); together those were half the time of reading a guide.
    """
    loader = CSafeLoader(text)
    try:
        nodes = []
        while loader.check_node():
            nodes.append(loader.get_node())
        return nodes, loader
    finally:
        loader.dispose()


_SAFE_NESTING = 2000


def _fast_parser_is_safe(text: str) -> bool:
    """Whether libyaml's C parser (ruamel.yaml.clib, ~9x faster) may read ``text``.

    The C composer recurses on the C stack and crashes the process on absurdly
    deep nesting (100,000 levels), where the pure-Python parser raises
    RecursionError, which we report. Nesting depth is bounded by the depth of
    flow brackets (at most _DEEPEST_FLOW: deeper files are refused before
    parsing) plus the indentation and the indicators on one line, so anything
    with fewer than a few thousand of those is safe; everything else goes to
    the pure-Python parser.
    """
    if _too_deep_flow(text) is not None:  # flow brackets: their nesting, not their number, matters
        return False
    for line in text.splitlines():
        stripped = line.lstrip()
        if len(line) - len(stripped) > _SAFE_NESTING:
            return False
        if (
            len(line) > _SAFE_NESTING
            and stripped.count("-") + stripped.count(":") + stripped.count("?") > _SAFE_NESTING
        ):
            return False
    return True


_DEEPEST_FLOW = 1000


def _too_deep_flow(text: str) -> tuple[int, int] | None:
    """Line and column of a '[' or '{' opened more than _DEEPEST_FLOW levels deep, if any.

    Both YAML parsers take seconds to give up on ten thousand nested brackets
    (the pure one recurses until Python stops it); no content file comes near,
    so such a file is refused before parsing. Brackets in quoted text count too:
    a thousand unclosed ones in a file are never text.
    """
    if text.count("[") + text.count("{") <= _DEEPEST_FLOW:
        return None
    depth = line = 0
    start = -1
    for i, ch in enumerate(text):
        if ch == "\n":
            line += 1
            start = i
        elif ch in "[{":
            depth += 1
            if depth > _DEEPEST_FLOW:
                return line + 1, i - start
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return None


def load_located(text_or_bytes: str | bytes, display_path: str) -> Located:
    """Parse one YAML document; never raises for bad input."""
    doc = Located(display_path)
    if isinstance(text_or_bytes, bytes):
        if len(text_or_bytes) > MAX_BYTES:
            doc.text = text_or_bytes.decode("utf-8-sig", errors="replace")
            doc.errors.append(
                ContentError(display_path, 1, 1, f"file is larger than {MAX_BYTES // 1000} kB; split it up")
            )
            return doc
        try:
            text = text_or_bytes.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            doc.text = text_or_bytes.decode("utf-8-sig", errors="replace")
            before = text_or_bytes[: exc.start]
            line = before.count(b"\n") + 1
            col = len(before) - (before.rfind(b"\n") + 1) + 1
            doc.errors.append(
                ContentError(
                    display_path,
                    line,
                    col,
                    "the file is not UTF-8 text from this character on; save it with UTF-8 encoding",
                )
            )
            return doc
    else:
        text = text_or_bytes
        doc.text = text
        if len(text) > MAX_BYTES:
            doc.errors.append(
                ContentError(display_path, 1, 1, f"file is larger than {MAX_BYTES // 1000} kB; split it up")
            )
            return doc
    doc.text = text
    deep = _too_deep_flow(text)
    if deep is not None:
        doc.errors.append(
            ContentError(
                display_path, *deep, f"nested more than {MAX_DEPTH} levels deep; content files are never this deep"
            )
        )
        return doc
    yaml = None if _fast_parser_is_safe(text) else _pure_yaml()
    try:
        if yaml is None:
            nodes, constructor = _compose_c(text)
        else:
            nodes, constructor = list(yaml.compose_all(text)), yaml.constructor
    except MarkedYAMLError as exc:
        problem = exc.problem or "the YAML cannot be read"
        # An unclosed quote or bracket is found only at the end of the file:
        # point at where it was opened instead.
        at_end = exc.problem_mark is not None and exc.problem_mark.index >= len(text.rstrip())
        if ("end of stream" in problem or at_end) and exc.context_mark is not None:
            mark = exc.context_mark
        else:
            mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        context = f" {exc.context}" if exc.context else ""
        doc.errors.append(
            ContentError(
                display_path,
                line,
                col,
                f"YAML syntax error: {problem}{context}; check the quotes, colons and indentation here",
            )
        )
        return doc
    except RecursionError:
        doc.errors.append(ContentError(display_path, 1, 1, "YAML is nested too deeply to read"))
        return doc
    except (YAMLError, ValueError) as exc:
        doc.errors.append(ContentError(display_path, 1, 1, f"YAML cannot be read: {exc}"))
        return doc
    nodes = [n for n in nodes if n is not None]
    if len(nodes) > 1:
        line, col = _mark(nodes[1])
        doc.errors.append(
            ContentError(display_path, line, col, "only one YAML document per file; remove the extra '---'")
        )
        return doc
    if not nodes:
        return doc
    try:
        doc.data = _Walker(doc, constructor).walk(nodes[0], (), 0)
    except RecursionError:
        doc.errors.append(ContentError(display_path, 1, 1, "YAML is nested too deeply to read"))
    except _TooManyValues:
        doc.data = None
        doc.values.clear()
        doc.keys.clear()
        doc.errors.append(
            ContentError(
                display_path,
                1,
                1,
                f"the file holds more than {MAX_VALUES:,} values (each use of an alias *name counts); "
                "content files are never this large",
            )
        )
    finally:
        # The pure reader is shared between files: drop what its constructor remembers of this one.
        constructor.constructed_objects.clear()
        constructor.recursive_objects.clear()
    return doc


def text_position(doc: Located, path: tuple, text: str, offset: int) -> tuple[int, int]:
    """The line and column of ``text[offset]`` (the text at ``path``) in the file, where it can be found exactly."""
    line, col = doc.where(path)
    lines = doc.text.split("\n")  # the text the loader read: the file is not read again
    if line > len(lines):
        return line, col
    head = lines[line - 1][col - 1 :]
    match = re.match(r"\S{0,12}", text[offset:])
    assert match is not None  # \S{0,12} matches anywhere, if only the empty string
    token = match.group(0)  # never crosses a folded line

    def found(ln: int, c: int) -> bool:
        return 0 < ln <= len(lines) and lines[ln - 1][c - 1 : c - 1 + len(token)] == token

    if head[:1] in ("|", ">"):
        # A block scalar: each source line is one line of text, less the block's indentation,
        # joined to the next by one character (a space when folded, else a line break).
        body = [ln for ln in range(line + 1, len(lines) + 1) if lines[ln - 1].strip()]
        base = len(lines[body[0] - 1]) - len(lines[body[0] - 1].lstrip()) if body else 0
        rest = offset
        for ln in body:
            content = lines[ln - 1][base:]
            if rest <= len(content):
                return (ln, base + 1 + rest) if found(ln, base + 1 + rest) else (line, col)
            rest -= len(content) + 1
        return line, col
    shift = 1 if head[:1] in ("'", '"') else 0
    first = text.split("\n")[0]
    if offset <= len(first) and found(line, col + shift + offset):
        return line, col + shift + offset
    return line, col
