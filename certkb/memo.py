"""Live preview: a page's Markdown is made again only when something it read of the content changed.

Every generated page is a function of the templates and of the content it
reads. Under ``mkdocs serve`` the plugin renders each page through a
:class:`Recorder`: a stand-in for :class:`~certkb.loader.Content` that notes
every item, file name or compiled pathway a page's renderer or template
reads, and the value it got (an item that was not there is noted too, and a
template that goes through a whole kind, like a jurisdiction's page listing
its guides, notes every item of that kind in order). On the next rebuild,
:meth:`PageMemo.render` hands back the page's last Markdown when the templates
are the same and every value it read is still equal (``==``) to what it reads
now; otherwise the page is rendered again, and what it read is noted afresh.

Nothing else goes in: the renderers are plain functions of the content and
the templates, and of ``inputs`` the caller computed and hands over, compared
like what was read (the review page's rows, made from every guide's title,
review date and sources, and today's date: an edit of a guide's steps or
summary leaves that page as it was). So a one-line edit of a guide makes again
its own page, its jurisdiction's page, the pages that link to it or list it,
and no other. ``mkdocs build`` does not use this: it renders every page from
the content itself.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .kinds import KINDS
from .loader import Content

_MISSING = object()  # what a read of an id that is not there got
_ALL = object()  # the key of a read of a whole mapping: every (key, value) in order

# Content's mappings that are not kinds of item: the files items come from, compiled pathways and choosers.
_MAPPINGS = ("files", "places", "compiled", "compiled_choosers")
_KIND_BY_ATTR = {k.attr: k.name for k in KINDS}


class _Tracked(Mapping):
    """One of Content's mappings, noting each read in ``reads``."""

    __slots__ = ("_where", "_data", "_reads")

    def __init__(self, where: tuple, data: Mapping, reads: dict) -> None:
        self._where, self._data, self._reads = where, data, reads

    def _read(self, key: Any) -> Any:
        value = self._data.get(key, _MISSING)
        self._reads[(self._where, key)] = value
        return value

    def _whole(self) -> Mapping:
        self._reads[(self._where, _ALL)] = list(self._data.items())
        return self._data

    def __getitem__(self, key: Any) -> Any:
        value = self._read(key)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __contains__(self, key: Any) -> bool:
        return self._read(key) is not _MISSING

    def get(self, key: Any, default: Any = None) -> Any:
        value = self._read(key)
        return default if value is _MISSING else value

    def __iter__(self) -> Iterator:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def keys(self):
        return self._whole().keys()

    def values(self):
        return self._whole().values()

    def items(self):
        return self._whole().items()


class Recorder:
    """Reads like the :class:`Content` it wraps, and notes in ``reads`` what was read.

    Content's methods (``guide_page``, ``guides_in`` ...) run with the recorder
    as ``self``, so what they read is noted too.
    """

    __slots__ = ("_content", "_reads")

    def __init__(self, content: Content, reads: dict) -> None:
        self._content, self._reads = content, reads

    def __getattr__(self, name: str) -> Any:
        content = self._content
        kind = _KIND_BY_ATTR.get(name)
        if kind is not None:
            return _Tracked(("items", kind), content.items[kind], self._reads)
        if name in _MAPPINGS:
            return _Tracked((name,), getattr(content, name), self._reads)
        if name == "items":
            return {k: _Tracked(("items", k), v, self._reads) for k, v in content.items.items()}
        member = getattr(type(content), name, None)
        if isinstance(member, types.FunctionType):
            return types.MethodType(member, self)
        value = getattr(content, name)  # root, warnings: noted whole
        self._reads[(("attr",), name)] = value
        return value


def _current(content: Content, where: tuple) -> Mapping:
    if where[0] == "items":
        return content.items[where[1]]
    if where[0] == "attr":
        return {name: getattr(content, name) for name in ("root", "warnings")}
    return getattr(content, where[0])


def _same(old: Any, new: Any) -> bool:
    if old is new:
        return True
    try:
        return type(old) is type(new) and bool(old == new)
    except Exception:  # a value that cannot say: render again
        return False


@dataclass
class _Entry:
    templates: str
    reads: tuple  # ((where, key), value): what the page read, and got
    markdown: str
    inputs: Any = None  # what the caller computed for the page (render's ``inputs``)


def templates_key(folders: Iterable[str | Path]) -> str:
    """A digest of every file in the template folders, in search order."""
    digest = hashlib.sha256()
    for index, folder in enumerate(folders):
        root = Path(folder)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(f"\0{index}\0{path.relative_to(root).as_posix()}\0".encode() + path.read_bytes())
    return digest.hexdigest()


class PageMemo:
    """Each generated page's last Markdown and what it read: :meth:`start` each build, then
    :meth:`render` each page, then :meth:`finish`."""

    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}
        self.rendered: list[str] = []  # pages made again by the last build
        self.kept = 0
        self._content: Content | None = None
        self._templates = ""
        self._used: set[str] = set()
        self._verdicts: dict[tuple, bool] = {}
        self._now: dict[tuple, Any] = {}

    def start(self, content: Content, templates: str) -> None:
        self._content, self._templates = content, templates
        self._used = set()
        self._verdicts = {}
        self._now = {}
        self.rendered = []
        self.kept = 0

    def render(self, page: str, make: Callable[[Any], str], inputs: Any = None) -> str:
        """``page``'s Markdown: ``make(content)`` unless nothing it read last time has changed.

        ``inputs``: anything else ``make`` uses that the caller computed (not read through
        ``content``); the page is made again when it is not equal to last time's.
        """
        assert self._content is not None  # start() comes first, each build
        self._used.add(page)
        entry = self.entries.get(page)
        if (
            entry is not None
            and entry.templates == self._templates
            and _same(entry.inputs, inputs)
            and self._unchanged(entry.reads)
        ):
            self.kept += 1
            return entry.markdown
        reads: dict = {}
        markdown = make(Recorder(self._content, reads))
        self.entries[page] = _Entry(self._templates, tuple(reads.items()), markdown, inputs)
        self.rendered.append(page)
        return markdown

    def finish(self) -> None:
        """Forget pages this build did not make (removed since)."""
        self.entries = {page: e for page, e in self.entries.items() if page in self._used}

    def _unchanged(self, reads: tuple) -> bool:
        for read, old in reads:
            seen = (read, id(old))  # entries keep ``old`` alive, so its id is its own
            verdict = self._verdicts.get(seen)
            if verdict is None:
                verdict = self._verdicts[seen] = _same(old, self._value(read))
            if not verdict:
                return False
        return True

    def _value(self, read: tuple) -> Any:
        """What ``read`` gets from this build's content."""
        if read not in self._now:
            where, key = read
            assert self._content is not None  # reads are compared while rendering, after start()
            data = _current(self._content, where)
            self._now[read] = list(data.items()) if key is _ALL else data.get(key, _MISSING)
        return self._now[read]
