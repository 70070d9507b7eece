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

``make serve`` runs ``mkdocs serve --dirty``, and then :class:`Incremental`
goes further: a rebuild reads, renders and writes only the pages an edit
changes (and all of them when the navigation or anything else every page
shows changed), and leaves the site a full build would write.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import types
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.bccache

from . import walk

if TYPE_CHECKING:
    from mkdocs.structure.nav import Navigation


class TemplateCode(jinja2.BytecodeCache):
    """Under ``mkdocs serve``: each template is compiled once a session, not once a rebuild.

    MkDocs makes a new theme environment for every rebuild (and the plugin a new
    one for its page templates), and each compiles again every template it
    renders: about half a second of every rebuild, whatever the size of the
    site. This is Jinja's own bytecode cache, kept in memory: its key is the
    template's name and file, and a checksum of its source, so an edited
    template is compiled again; the environment's compile options are part of
    the key too, so two environments never share code.
    """

    def __init__(self) -> None:
        self.codes: dict[tuple, bytes] = {}

    @staticmethod
    def _options(env: jinja2.Environment) -> tuple:
        return (
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            env.is_async,
            tuple(sorted(env.extensions)),
            repr(env.finalize),
            repr(env.autoescape),
            getattr(env, "newstyle_gettext", None),
            repr(sorted(env.policies.items())),
        )

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get((self._options(bucket.environment), bucket.key))
        if code is not None:
            bucket.bytecode_from_string(code)  # Jinja drops it if the source's checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[(self._options(bucket.environment), bucket.key)] = bucket.bytecode_to_string()


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@dataclass
class _Rendered:
    """What MkDocs made of one page's Markdown: kept by both preview modes, handed back unchanged."""

    content: str
    toc: Any
    title: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None

    @classmethod
    def of(cls, page) -> _Rendered:
        links = getattr(page, "links_to_anchors", None)
        return cls(
            content=page.content,
            toc=page.toc,
            title=getattr(page, "_title_from_render", None),
            anchors=set(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            links_to_anchors=({f.src_uri: dict(v) for f, v in links.items()} if links is not None else None),
        )

    def restore(self, page, files) -> None:
        page.content = self.content
        page.toc = self.toc
        page._title_from_render = self.title
        page.present_anchor_ids = set(self.anchors) if self.anchors is not None else None
        if self.links_to_anchors is not None:
            by_uri = files.src_uris  # keys are src_uris already: get_file_from_path would parse a path each
            page.links_to_anchors = {by_uri.get(uri): dict(links) for uri, links in self.links_to_anchors.items()}


def render_context(config, files) -> str:
    """What every page's rendering depends on besides its Markdown: extensions, pages, their
    addresses and edit links."""
    digest = hashlib.sha256()
    digest.update(
        repr((config.markdown_extensions, config.mdx_configs, config.use_directory_urls, config.validation)).encode()
    )
    for file in sorted(files, key=lambda f: f.src_uri):
        digest.update(f"\0{file.src_uri}\0{file.url}\0{file.inclusion}\0{file.edit_uri}".encode())
    return digest.hexdigest()


class RenderCache:
    def __init__(self) -> None:
        self.entries: dict[str, _Rendered] = {}
        self.hits = 0
        self.misses = 0
        self._context = ""
        self._pending: dict[str, tuple[str, int]] = {}  # src_uri -> (key, warnings before render)
        self._warnings = _WarningCounter()

    def start_build(self, config, files) -> None:
        """A new build: what its pages' rendering depends on besides their Markdown (render_context)."""
        self._context = render_context(config, files)
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
            hit.restore(page_self, files)

        page.render = types.MethodType(render, page)

    def after_render(self, page) -> None:
        """Keep what MkDocs rendered for a page (unless its rendering logged a warning)."""
        pending = self._pending.pop(page.file.src_uri, None)
        if pending is None:
            return
        key, warnings_before = pending
        if self._warnings.count != warnings_before:
            return
        self.entries[key] = _Rendered.of(page)


# --- `make serve`: rebuild only the pages an edit changes -------------------------------------


@dataclass
class _Page:
    """What the last build made of one page: enough to show it in others' navigation and to
    keep its place in the search index, without reading or rendering it again."""

    key: str
    markdown: str
    meta: dict
    rendered: _Rendered
    search: list[dict] = None  # type: ignore[assignment]  # its entries in the search index


# What MkDocs logs at WARNING on every dirty build; strict mode would count it. Its worry (navigation
# and links left stale) is what Incremental takes care of, so under Incremental it is not shown.
_DIRTY_WARNING = "A 'dirty' build is being performed"


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_DIRTY_WARNING)


class Incremental:
    """`mkdocs serve --dirty` (what `make serve` runs): each rebuild writes only the pages it changes.

    MkDocs' dirty build skips reading, rendering and writing every page whose
    ``file.is_modified()`` is false, keeps the site folder, and warns that
    navigation and links may be left wrong. This class answers ``is_modified()``
    for every page so that nothing is left wrong:

    * Every generated page's Markdown is the content's as it is now (made again
      when anything it read of the content changed: :mod:`certkb.memo`), so
      anything one page shows of another (a guide's title
      in a link, a fact, a glossary term, a summary on the jurisdiction's page,
      a review date) is in that page's Markdown. A page is rendered again when
      its Markdown, or what its rendering depends on (the Markdown extensions,
      the set of pages and their addresses, its edit link), changed: the *page key*.
    * Everything else every page shows is the *site key*: the configuration
      file, the theme's override templates, the files in the content folder
      that pages include (content/README.md), the checker runtime's files,
      and the navigation as every page prints it (each entry's title, address,
      icon, subtitle and status, in order; the previous/next links come from
      it). When the site key changes, every page is built again.
    * Pages not built keep their title, table of contents, anchors and search
      entries from the build that wrote them, so the navigation, link checks
      and the search index are those of a full build; pages that are gone are
      deleted from the site folder. :meth:`finish` writes the search index of
      the whole site (Material's own writes only the pages of the last run).

    After a failed build nothing is trusted: the next build starts from an
    empty site folder and builds everything.
    """

    def __init__(self) -> None:
        self.saved: dict[str, _Page] = {}
        self.site_key: str | None = None
        self.outputs: set[str] = set()  # site files the last build left, relative to site_dir
        self.built: list[str] = []  # pages built by the last build, in build order
        self._keys: dict[str, str] = {}
        self._build: set[str] = set()
        self._deciding = False
        self._nav: Navigation | None = None
        self._base_key = ""
        self._search_mark = 0
        self._pending: dict[str, _Page] = {}
        logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyWarning())

    # The plugin calls these in build order.

    def start(self, config, files, nav, *, extra_markdown, content_dir: Path, shared: str = "") -> None:
        """on_nav: the page keys, and which pages are read and rendered again.

        ``shared``: anything else the plugin puts on pages that no file of the site holds
        (boot.js's text, inline on checker pages); part of the site key.
        """
        from mkdocs.utils import clean_directory

        if self.site_key is None:  # first build, or the last one failed: start from nothing
            clean_directory(config.site_dir)
            self.saved.clear()
            self.outputs.clear()
        shared_context = render_context(config, files)
        base = hashlib.sha256()
        if config.config_file_path and os.path.isfile(config.config_file_path):
            base.update(Path(config.config_file_path).read_bytes())
        for folder in [config.theme.custom_dir] if config.theme.custom_dir else []:
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    base.update(f"\0{path}\0".encode() + path.read_bytes())
        for name in _included_files(content_dir):  # what pages include (snippets), not the YAML the pages come from
            with open(name, "rb") as included:
                base.update(f"\0{name}\0".encode() + included.read())
        for file in files:
            if not file.is_documentation_page() and file.generated_by:
                base.update(f"\0{file.src_uri}\0{file.url}".encode())  # the checker runtime's files
        base.update(f"\0{shared}\0{shared_context}".encode())
        self._base_key = base.hexdigest()
        self._keys = {}
        for file in _pages(files):
            key = hashlib.sha256(
                f"{shared_context}\0{file.src_uri}\0{file.content_string}\0{extra_markdown(file.src_uri)}".encode()
            ).hexdigest()
            self._keys[file.src_uri] = key
            file.is_modified = functools.partial(self._is_modified, file.src_uri)
        self._build = {uri for uri, key in self._keys.items() if uri not in self.saved or self.saved[uri].key != key}
        self._deciding = False
        self._nav = nav
        self._pending.clear()
        self.built = []

    def _is_modified(self, src_uri: str) -> bool:
        return src_uri in self._build

    def rendered(self, page) -> None:
        """on_page_content: a page read and rendered in this build."""
        self._pending[page.file.src_uri] = _Page(
            key=self._keys[page.file.src_uri], markdown=page.markdown, meta=dict(page.meta), rendered=_Rendered.of(page)
        )

    def decide(self, files) -> None:
        """on_env, once every page to read has been read: the others get what their last build
        gave them; if anything every page shows changed, every page is built."""
        for file in _pages(files):
            page = file.page
            if page is None or file.src_uri in self._pending:
                continue
            saved = self.saved[file.src_uri]
            page.markdown = saved.markdown
            page.meta = dict(saved.meta)
            saved.rendered.restore(page, files)
        assert self._nav is not None  # start() (on_nav) comes first, each build
        site_key = hashlib.sha256(f"{self._base_key}\0{nav_signature(self._nav.items)!r}".encode()).hexdigest()
        if site_key != self.site_key:
            self._build = set(self._keys)
        self._next_site_key = site_key
        self._search_mark = 0

    def page_built(self, page, search_plugin) -> None:
        """on_page_context (after Material's search plugin has indexed the page): its entries."""
        uri = page.file.src_uri
        self.built.append(uri)
        entries = search_plugin.search_index.entries if search_plugin is not None else []
        mine = entries[self._search_mark :]
        self._search_mark = len(entries)
        if uri not in self._pending:  # built again only for the navigation: as it was read last time
            old = self.saved[uri]
            self._pending[uri] = _Page(**{**vars(old), "key": self._keys[uri]})
        self._pending[uri].search = [dict(e) for e in mine]

    def finish(self, config, files, search_plugin) -> None:
        """on_post_build: the whole site's search index, no page that is gone, and the state kept."""
        site = Path(config.site_dir)
        pages = _pages(files)
        for uri, page in self._pending.items():
            self.saved[uri] = page
        self.saved = {f.src_uri: self.saved[f.src_uri] for f in pages if f.src_uri in self.saved}
        if search_plugin is not None and search_plugin.config.enabled:
            index = search_plugin.search_index
            index.entries = [e for f in pages for e in (self.saved[f.src_uri].search or [])]
            (site / "search" / "search_index.json").write_bytes(index.generate_search_index(None).encode("utf-8"))
            search_plugin.search_index_prev = None  # it would only grow, and we keep each page's entries
        outputs = {f.dest_uri for f in files}
        for gone in sorted(self.outputs - outputs):
            path = site / gone
            if path.is_file():
                path.unlink()
            parent = path.parent
            while parent != site and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        self.outputs = outputs
        self.site_key = self._next_site_key

    def failed(self) -> None:
        """on_build_error: trust nothing of this build; the next one builds everything."""
        self.site_key = None
        self.saved.clear()


def _included_files(folder: Path) -> list[str]:
    """The files under ``folder`` that are not YAML, sorted (what ``sorted(folder.rglob("*"))``
    keeps of them, as text). The folder holds every guide: a Path and a stat call for each were
    most of :meth:`Incremental.start` at 2,000 guides (0.084 s of CPU; 0.030 s without them)."""
    return sorted(walk.files_under(folder, lambda name: os.path.splitext(name)[1] not in (".yml", ".yaml")))


def _pages(files) -> list:
    """Every Markdown page, in the order MkDocs builds them (drafts too: `serve` builds them)."""
    return [f for f in files if f.is_documentation_page()]


def nav_signature(items) -> list:
    """The navigation as every page prints it: titles, addresses, icon, subtitle and status, in order."""
    out: list = []
    for item in items:
        if getattr(item, "is_page", False):
            meta = item.meta or {}
            out.append(
                ("page", str(item.title), item.url, *(str(meta.get(k, "")) for k in ("icon", "subtitle", "status")))
            )
        elif getattr(item, "is_section", False):
            out.append(("section", str(item.title), nav_signature(item.children)))
        else:
            out.append(("link", str(item.title), item.url))
    return out
