"""The files under a folder, as ``Path.rglob("*")`` lists them, as text.

For the folders every build or preview rebuild walks whole (the built site, the
content folder with every guide): a Path and a stat call for each of thousands
of files were most of what those walks cost.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator


def files_under(folder: str | os.PathLike, wanted: Callable[[str], object]) -> Iterator[str]:
    """The path (``folder`` joined with the rest) of each file under ``folder`` whose name
    ``wanted`` accepts, in no set order: what ``[p for p in Path(folder).rglob("*") if p.is_file()]``
    lists. A folder reached through a symbolic link is not entered; a link to a file is a file,
    a broken one is not; a folder that cannot be read is left out, as os.walk leaves it. The
    folder entries say which are folders; a name is looked at before the system is asked
    whether it is a file (only a symbolic link needs asking)."""
    folders = [os.fspath(folder)]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif wanted(entry.name) and _is_file(entry):
                yield entry.path


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()  # follows a symbolic link, as os.path.isfile does
    except OSError:
        return False
