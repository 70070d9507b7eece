"""The MkDocs plugin: content/ YAML in, Material pages out.

Each hook is thin and hands its work to a plain function in :mod:`certkb.loader`
or :mod:`certkb.render`, which tests call without a build.
"""

from __future__ import annotations

import logging
import os
import posixpath
from pathlib import Path

from mkdocs import utils
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import checker_page, freshness, headers, htmlsafe, memo, preview, render, runtime
from .errors import ContentErrors
from .loader import Content, load_content

log = logging.getLogger("mkdocs.plugins.certkb")

# Material's search overlay is a role="dialog" without a name (axe: aria-dialog-name); name it
# as its search field is named.
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_NAMED_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'


def name_search_dialog(page_html: str) -> str:
    return page_html.replace(_SEARCH_DIALOG, _NAMED_SEARCH_DIALOG, 1)


class CertKBConfig(base.Config):
    enabled = c.Type(bool, default=True)
    content_dir = c.Dir(exists=True, default="content")
    """Folder of YAML content, relative to mkdocs.yml."""
    templates = c.ListOfItems(c.Dir(exists=True), default=["overrides/kb"])
    """Template folders, searched in order: put a site's own folder first to override any template."""
    nav = c.Type(bool, default=True)
    """Build the navigation from content (jurisdiction, then topic); the nav in mkdocs.yml follows it."""
    stale_after_months = c.Type(int, default=12)
    """Warn about guides and pathways not reviewed within this many months (a warning strict mode does not count)."""
    csp = c.Type(bool, default=True)
    """Give every page a strict Content Security Policy in a meta tag (see certkb/csp.py), and write the
    same policies with the other security headers as server configuration (see certkb/headers.py)."""


class CertKBPlugin(BasePlugin[CertKBConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.content: Content | None = None
        self.runtime: runtime.Runtime | None = None  # the checker runtime's files, for its pages' <head>
        self.policies = headers.Policies()  # each page's CSP: its meta tag and the server's header
        self.preview: preview.RenderCache | None = None  # under `mkdocs serve`: pages rendered by the last build
        self.incremental: preview.Incremental | None = None  # under `mkdocs serve --dirty` (make serve): pages to build
        self.parsed: dict | None = None  # under `mkdocs serve`: content files read before, by their bytes
        self.memo: memo.PageMemo | None = None  # under `mkdocs serve`: each page's Markdown and what it read
        self.template_code: preview.TemplateCode | None = None  # under `mkdocs serve`: compiled templates

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup makes MkDocs keep this plugin across `serve` rebuilds, and so the cache.
        if command == "serve":
            self.parsed = {}
            self.memo = memo.PageMemo()
            self.template_code = preview.TemplateCode()
            if dirty:
                self.incremental = preview.Incremental()
            else:
                self.preview = preview.RenderCache()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        try:
            self.content = load_content(Path(self.config.content_dir), cache=self.parsed)
        except ContentErrors as exc:
            for error in exc.errors:
                log.error(str(error))
            count = len(exc.errors)
            raise PluginError(
                f"{count} problem{'s' if count != 1 else ''} in the content; nothing was built. "
                "Fix the lines above and build again."
            ) from None
        self.env = render.make_env(self.config.templates, self.template_code)
        if self.incremental is None:  # under `serve --dirty`, pages not built keep their policy
            self.policies = headers.Policies()
        self.abbreviations = render.abbreviations(self.content)  # appended to every page
        self.home_cards = render.render_home_cards(self.content, self.env)  # one per jurisdiction, on the home page
        freshness.warn_due(self.content, today=freshness.today(), stale_after_months=self.config.stale_after_months)
        for warning in self.content.warnings:  # like review reminders: shown, never failing a strict build
            freshness.log.log(freshness.REVIEW_DUE, str(warning))
        if self.config.nav:
            user_nav = [item for item in (config.nav or []) if item not in ("index.md", {"Home": "index.md"})]
            config.nav = [{"Home": "index.md"}, *render.navigation(self.content), *user_nav]
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.content is None:
            return None
        content_root = Path(self.config.content_dir)
        docs_dir = Path(config.docs_dir)
        # Our page templates live in the theme's custom_dir, whose other files MkDocs
        # publishes as static assets; the templates are build inputs, not site files.
        template_dirs = [Path(d).resolve() for d in self.config.templates]
        for file in list(files):
            if file.abs_src_path and any(Path(file.abs_src_path).resolve().is_relative_to(d) for d in template_dirs):
                files.remove(file)
        to_content = Path(os.path.relpath(content_root, docs_dir)).as_posix()  # once, not per page
        if self.memo is not None:
            self.memo.start(self.content, memo.templates_key(self.config.templates))
        for src_uri, markdown, source in render.pages(self.content, self.env, self.memo):
            existing = files.src_uris.get(src_uri)  # generated paths are POSIX src_uris already
            if existing is not None:
                raise PluginError(f"docs/{src_uri} is also generated from content/{source}; remove one of them")
            file = File.generated(config, src_uri, content=markdown)
            # The edit button opens the YAML staff edit, not a generated file.
            file.edit_uri = posixpath.normpath(f"{to_content}/{Path(source).as_posix()}")
            files.append(file)
        # Staff page of review dates; added last so it can link to every other generated page.
        files.append(File.generated(config, freshness.REVIEW_PAGE, content=self._review_page(files)))
        if self.memo is not None:
            self.memo.finish()
        if self.content.pathways:
            # The checker pages' browser runtime (PyScript, MicroPython, the engine), from node_modules/.
            try:
                self.runtime = runtime.add_to_files(files, config)
            except runtime.RuntimeError_ as exc:
                raise PluginError(str(exc)) from None
        return files

    def _review_page(self, files: Files) -> str:
        assert self.content is not None  # on_files makes this page only once the content has loaded
        today, months = freshness.today(), self.config.stale_after_months

        def page_exists(uri: str) -> bool:
            return uri in files.src_uris

        rows = freshness.reviews(self.content, today=today, stale_after_months=months, page_exists=page_exists)

        def make(content) -> str:  # content: the memo's Recorder under serve, the content itself otherwise
            return freshness.render_review_page(
                content, self.env, today=today, stale_after_months=months, page_exists=page_exists, rows=rows
            )

        if self.memo is None:
            return make(self.content)
        # Its rows come from every guide, so it reads them outside the memo's record: the rows and
        # the date are what it shows (an edit of a guide's steps or summary leaves them as they were).
        return self.memo.render(freshness.REVIEW_PAGE, make, inputs=(today, months, rows))

    def on_build_error(self, *, error: Exception) -> None:
        if self.incremental is not None:
            self.incremental.failed()

    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled or self.content is None:
            return None
        if page.file.src_uri == render.HOME_PAGE:
            markdown = render.with_home_cards(markdown, self.home_cards)
        markdown = markdown + "\n" + self.abbreviations + "\n"
        if self.preview is not None:
            self.preview.before_render(page, markdown)
        return markdown

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        # Titles from the nav config (jurisdiction names, topic titles, checker pages' pathway
        # titles) are plain text; Material prints them as HTML on every page.
        if self.config.enabled:
            htmlsafe.escape_nav_titles(nav.items)
            if self.preview is not None:
                self.preview.start_build(config, files)
            if self.incremental is not None:
                self._files = files
                self.incremental.start(
                    config,
                    files,
                    nav,
                    extra_markdown=self._extra_markdown,
                    content_dir=Path(self.config.content_dir),
                    shared=self.runtime.boot if self.runtime else "",
                )
                pages = {f.dest_uri for f in files if f.is_documentation_page()}
                self.policies.by_page = {uri: p for uri, p in self.policies.by_page.items() if uri in pages}
        return nav

    def _extra_markdown(self, src_uri: str) -> str:
        """What on_page_markdown adds to a page's own Markdown."""
        return (self.home_cards if src_uri == render.HOME_PAGE else "") + "\0" + self.abbreviations

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        if self.template_code is not None:  # the theme's templates, compiled once a session
            env.bytecode_cache = self.template_code
        if self.config.enabled and self.incremental is not None:
            self.incremental.decide(files)
        return env

    @event_priority(-50)  # after Material's search plugin has indexed the page
    def on_page_context(self, context, *, page, config: MkDocsConfig, nav):
        if self.config.enabled and self.incremental is not None:
            self.incremental.page_built(page, self._search(config))
        return context

    @staticmethod
    def _search(config: MkDocsConfig):
        return config.plugins.get("material/search") or config.plugins.get("search")

    def on_page_content(self, html: str, *, page, config: MkDocsConfig, files: Files) -> str | None:
        # Front-matter titles and descriptions are plain text (generated from content); Material
        # prints them as HTML in <title>, <meta content>, the header and every page's navigation.
        if self.config.enabled:
            htmlsafe.escape_meta(page.meta)
            if self.preview is not None:
                self.preview.after_render(page)
            if self.incremental is not None:
                self.incremental.rendered(page)
        return None

    def on_template_context(self, context, *, template_name: str, config: MkDocsConfig):
        # MkDocs gives error pages (404.html) root-absolute links ("/assets/...") unless site_url
        # is set, which breaks them under a sub-path. Like every other page, use links relative
        # to the page: 404.html sits at the site root, so they resolve wherever the site is hosted.
        if self.config.enabled and utils.is_error_template(template_name) and not config.site_url:
            context["base_url"] = "."
        return context

    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        # Checker pages start their runtime once painted (no-op on other pages).
        output = checker_page.start_runtime_early(output, page.url, self.runtime)
        output = name_search_dialog(output)
        if not self.config.csp:
            return output
        return self.policies.apply(output, page.file.dest_uri)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
        # Theme pages that are not Markdown pages (404.html) get the same policy.
        if not self.config.enabled or not template_name.endswith(".html"):
            return None
        output_content = name_search_dialog(output_content)
        return self.policies.apply(output_content, template_name) if self.config.csp else output_content

    @event_priority(-50)  # after the search plugin has written its index, so the preview's replaces it
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and self.incremental is not None:
            # The whole site's search index; no page that is gone (before the headers list the files).
            self.incremental.finish(config, self._files, self._search(config))
            assert self.memo is not None  # on_startup makes one whenever it makes self.incremental
            log.info(
                f"Live preview: {len(self.incremental.built)} page(s) built, "
                f"{len(self.incremental.saved) - len(self.incremental.built)} unchanged and kept; "
                f"{len(self.memo.rendered)} generated from content again, {self.memo.kept} unchanged"
            )
        # The same policies, with the headers a meta tag cannot carry, as nginx and _headers files.
        if self.config.enabled and self.config.csp:
            for problem in headers.write(Path(config.site_dir), self.policies, headers.base_path(config.site_url)):
                log.warning(problem)
        if self.preview is not None:
            self.preview.end_build()
            log.info(f"Live preview: {self.preview.misses} page(s) rendered, {self.preview.hits} unchanged and reused")
