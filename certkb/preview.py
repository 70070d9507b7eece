"""Live preview: keep each page's rendered Markdown across `mkdocs serve` rebuilds.

After an edit, `mkdocs serve` rebuilds the whole site. Most pages are exactly
what they were: the same Markdown, the same set of pages to link to, the
same Markdown extensions. :class:`RenderCache` remembers what MkDocs rendered
for each page (its HTML, table of contents, title and anchors), keyed by a hash
of all of that, and hands it back instead of converting the same Markdown
again. A page whose Markdown or context changed is rendered as usual; so is
any page whose rendering logged a warning (a broken link keeps being reported).

Used by the plugin under `mkdocs serve` only (`mkdocs build` renders
everything, as before). The plugin keeps one cache for the whole session: a
plugin with ``on_startup`` is kept by MkDocs across rebuilds.
"""

from __future__ import annotations

import hashlib
import logging
import types
from dataclasses import dataclass
from typing import Any


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@dataclass
class _Rendered:
    content: str
    toc: Any
    title: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None


class RenderCache:
    def __init__(self) -> None:
        self.entries: dict[str, _Rendered] = {}
        self.hits = 0
        self.misses = 0
        self._context = ""
        self._pending: dict[str, tuple[str, int]] = {}  # src_uri -> (key, warnings before render)
        self._warnings = _WarningCounter()

    def start_build(self, config, files) -> None:
        """What every page's rendering depends on besides its Markdown: extensions, pages, URLs."""
        digest = hashlib.sha256()
        digest.update(repr((config.markdown_extensions, config.mdx_configs, config.use_directory_urls,
                            config.validation)).encode())
        for file in sorted(files, key=lambda f: f.src_uri):
            digest.update(f"\0{file.src_uri}\0{file.url}\0{file.inclusion}".encode())
        self._context = digest.hexdigest()
        self._pending.clear()
        self._used: set[str] = set()
        self.hits = self.misses = 0
        logger = logging.getLogger("mkdocs")
        if self._warnings not in logger.handlers:
            logger.addHandler(self._warnings)

    def end_build(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self._warnings)
        # Forget pages this build did not have (edited since, or removed): the cache stays one site big.
        self.entries = {k: v for k, v in self.entries.items() if k in self._used}

    def before_render(self, page, markdown: str) -> None:
        """Called with the page's final Markdown: on a hit, the page's render() restores the result."""
        key = hashlib.sha256(f"{self._context}\0{page.file.src_uri}\0{markdown}".encode()).hexdigest()
        self._used.add(key)
        hit = self.entries.get(key)
        if hit is None:
            self.misses += 1
            self._pending[page.file.src_uri] = (key, self._warnings.count)
            return
        self.hits += 1

        def render(page_self, config, files) -> None:
            page_self.content = hit.content
            page_self.toc = hit.toc
            page_self._title_from_render = hit.title
            page_self.present_anchor_ids = set(hit.anchors) if hit.anchors is not None else None
            if hit.links_to_anchors is not None:
                page_self.links_to_anchors = {
                    files.get_file_from_path(uri): dict(links) for uri, links in hit.links_to_anchors.items()
                }

        page.render = types.MethodType(render, page)

    def after_render(self, page) -> None:
        """Keep what MkDocs rendered for a page (unless its rendering logged a warning)."""
        pending = self._pending.pop(page.file.src_uri, None)
        if pending is None:
            return
        key, warnings_before = pending
        if self._warnings.count != warnings_before:
            return
        links = getattr(page, "links_to_anchors", None)
        self.entries[key] = _Rendered(
            content=page.content,
            toc=page.toc,
            title=getattr(page, "_title_from_render", None),
            anchors=set(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            links_to_anchors=({f.src_uri: dict(v) for f, v in links.items()} if links is not None else None),
        )
