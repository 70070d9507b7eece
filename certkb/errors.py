"""Content errors reported to the staff who edit ``content/``.

Every problem is a :class:`ContentError` carrying a file, a 1-based line and
column, and a message in plain words. Loading collects them all and raises one
:class:`ContentErrors` at the end, so staff see every problem in a single run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest choice, or ""."""
    match = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""
