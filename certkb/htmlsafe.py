"""Text that MkDocs and Material print into pages as HTML, escaped once.

MkDocs treats a page's title as HTML (a title taken from a heading keeps its
entities), and Material prints ``page.meta.title``, ``page.meta.description``
and the navigation's section titles into the page without escaping them: in
``<title>``, in ``<meta name="description" content="...">``, in the header
and in the navigation of every page. Our titles and descriptions come from
content staff write as plain text (a guide's title and summary, a pathway's
title, a jurisdiction's name, a topic's title), so a ``<`` or a ``"`` in one of
them would become markup on every page of the site. These functions escape
that text once, where MkDocs hands it to the theme.

``tests/test_injection.py`` builds the site with HTML and script payloads in
every such field and checks that none of them becomes markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import markupsafe
from markupsafe import Markup


def escape(text: str) -> Markup:
    """``text`` as HTML, for an element or a "-quoted attribute: certkb's one escaping function.

    markupsafe escapes & < > " and '; the quote is written ``&quot;`` and the
    apostrophe kept as typed (every attribute we and Material write is quoted
    with "), so titles and a policy's 'self' read as typed in the page source.
    """
    return Markup(str(markupsafe.escape(text)).replace("&#34;", "&quot;").replace("&#39;", "'"))


# Front-matter keys Material prints as HTML (title: <title>, header, nav, search;
# description: <meta content>; subtitle: nav).
HTML_META_KEYS = ("title", "description", "subtitle")


def escape_meta(meta: dict[str, Any]) -> None:
    """Escape, in place, the front-matter values the theme prints as HTML.

    The result is a :class:`markupsafe.Markup`, so the few places where
    Material does escape a title (``page.title | e`` in the footer's
    aria-label) leave it as it is instead of escaping it twice.
    """
    for key in HTML_META_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and not isinstance(value, Markup):
            meta[key] = escape(value)


def escape_nav_titles(items: Iterable[Any]) -> None:
    """Escape, in place, the titles the navigation config gives (sections, links, titled pages).

    A page listed without a title in the nav takes it from its front matter or
    heading later; :func:`escape_meta` covers the front matter, and a heading's
    text is already HTML. Only titles set from the nav config (an instance
    attribute of the page at this point) are escaped here.
    """
    for item in items:
        title = vars(item).get("title") if getattr(item, "is_page", False) else getattr(item, "title", None)
        if isinstance(title, str) and not isinstance(title, Markup):
            item.title = escape(title)
        escape_nav_titles(getattr(item, "children", None) or [])


_HEAD_RE = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)
_CHARSET_RE = re.compile(r"\s*<meta\s+charset\s*=\s*[\"']?[A-Za-z0-9_-]+[\"']?\s*/?>", re.IGNORECASE)


def insert_at_head_top(page_html: str, markup: str) -> str:
    """``markup`` as the first thing in ``<head>`` after ``<meta charset>``.

    The charset stays first because browsers look for it in the first 1024
    bytes. A page without a ``<head>`` is returned unchanged.
    """
    head = _HEAD_RE.search(page_html)
    if head is None:
        return page_html
    at = head.end()
    charset = _CHARSET_RE.match(page_html, at)
    if charset is not None:
        at = charset.end()
    return page_html[:at] + "\n    " + markup + page_html[at:]
