"""The MkDocs plugin: content/ YAML in, Material pages out.

Each hook is thin and hands its work to a plain function in :mod:`certkb.loader`
or :mod:`certkb.render`, which tests call without a build.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from . import render
from .errors import ContentErrors
from .loader import Content, load_content

log = logging.getLogger("mkdocs.plugins.certkb")


class CertKBConfig(base.Config):
    enabled = c.Type(bool, default=True)
    content_dir = c.Dir(exists=True, default="content")
    """Folder of YAML content, relative to mkdocs.yml."""
    templates = c.ListOfItems(c.Dir(exists=True), default=["overrides/kb"])
    """Template folders, searched in order: put a site's own folder first to override any template."""
    nav = c.Type(bool, default=True)
    """Build the navigation from content (jurisdiction, then topic); the nav in mkdocs.yml follows it."""


class CertKBPlugin(BasePlugin[CertKBConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.content: Content | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        try:
            self.content = load_content(Path(self.config.content_dir))
        except ContentErrors as exc:
            for error in exc.errors:
                log.error(str(error))
            count = len(exc.errors)
            raise PluginError(
                f"{count} problem{'s' if count != 1 else ''} in the content; nothing was built. Fix the lines above and build again."
            ) from None
        self.env = render.make_env(self.config.templates)
        if self.config.nav:
            user_nav = [item for item in (config.nav or []) if item not in ("index.md", {"Home": "index.md"})]
            config.nav = [{"Home": "index.md"}, *render.navigation(self.content), *user_nav]
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.content is None:
            return None
        content_root = Path(self.config.content_dir)
        docs_dir = Path(config.docs_dir)
        for src_uri, markdown, source in render.pages(self.content, self.env):
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                raise PluginError(f"docs/{src_uri} is also generated from content/{source}; remove one of them")
            file = File.generated(config, src_uri, content=markdown)
            # The edit button opens the YAML staff edit, not a generated file.
            file.edit_uri = Path(os.path.relpath(content_root / source, docs_dir)).as_posix()
            files.append(file)
        return files

    def on_page_markdown(self, markdown: str, *, page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled or self.content is None:
            return None
        return markdown + "\n" + render.abbreviations(self.content) + "\n"
