"""Content errors reported to the staff who edit ``content/``.

Every problem is a :class:`ContentError` carrying a file, a 1-based line and
column, and a message in plain words. Loading collects them all and raises one
:class:`ContentErrors` at the end, so staff see every problem in a single run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from checker import engine


@dataclass(frozen=True, order=True)
class ContentError:
    path: str  # as shown to staff, e.g. "content/guides/missouri/create-account.yml"
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class ContentErrors(Exception):
    """All the problems found in one load of the content."""

    def __init__(self, errors: Iterable[ContentError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def did_you_mean(word: Any, choices: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest choice, or "".

    The checker's own suggestion (:func:`checker.engine.did_you_mean`), so staff and
    educators get the same one; the choices are sorted first, because a set has no
    stable order and the engine keeps the first of equally close choices.
    """
    return engine.did_you_mean(str(word), sorted(set(choices)))


def field_name(loc: tuple) -> str:
    """A path in a file as staff read it: ``steps[2].title`` (``the file`` for the whole file)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"
