"""Render validated content to Markdown pages through Jinja2 templates.

Plain functions, callable without an MkDocs build: ``render_guide`` and
friends return Markdown text; :func:`pages` and :func:`navigation` gather
every generated page (the checker pages come from :mod:`certkb.checker_page`).
The template environment, filters and links are :mod:`certkb.templating`'s.
The MkDocs plugin only wires these into the build.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import jinja2

from . import checker_page, models
from .loader import Content
from .memo import PageMemo
from .pathway import requirement_list
from .templating import PageRenderer, common, indent, long_date, make_env, plain, yaml_string

__all__ = [
    "HOME_CARDS",
    "PageRenderer",
    "abbreviations",
    "common",
    "indent",
    "long_date",
    "make_env",
    "nav_groups",
    "navigation",
    "pages",
    "plain",
    "render_glossary",
    "render_guide",
    "render_home_cards",
    "render_jurisdiction",
    "sources_for",
    "starting_points",
    "with_home_cards",
    "yaml_string",
]


def sources_for(content: Content, ids: Iterable[str]) -> list[models.Source]:
    return [content.sources[i] for i in ids]


def render_guide(content: Content, guide_id: str, env: jinja2.Environment) -> str:
    guide = content.guides[guide_id]
    page = content.guide_page(guide_id)
    requirements: list[dict] = []
    pathway = None
    if guide.pathway:
        pathway = content.pathways[guide.pathway]
        requirements = requirement_list(pathway, content.compiled[guide.pathway])
    chooser = content.choosers[guide.chooser] if guide.chooser else None
    chooser_requirements = [
        (content.pathways[pid], requirement_list(content.pathways[pid], content.compiled[pid]))
        for pid in (chooser.pathways if chooser else [])
    ]
    ctx = common(content, page)
    ctx.update(
        chooser=chooser,
        chooser_requirements=chooser_requirements,
        guide=guide,
        jurisdiction=content.jurisdictions[guide.jurisdiction],
        sources=sources_for(content, guide.sources),
        pathway=pathway,
        requirements=requirements,
        related=[content.guides[g] for g in guide.related],
        source_file=content.files[("guide", guide_id)],
    )
    return env.get_template("guide.md.j2").render(ctx)


def starting_points(content: Content, guides: Iterable[models.Guide]) -> list[dict[str, Any]]:
    """The checkers and choosers ``guides`` show whose file names the certificate one starts from
    (``starts_from``), in the guides' order: what a topic's "start from your certificate" list links to."""
    out: list[dict[str, Any]] = []
    for g in guides:
        target = content.pathways[g.pathway] if g.pathway else content.choosers[g.chooser] if g.chooser else None
        if target is not None and target.starts_from:
            out.append(
                {
                    "certificate": target.starts_from,
                    "title": target.title,
                    "checker": content.checker_page(target.id),
                    "chooser": g.chooser is not None,
                    "guide": g,
                }
            )
    return out


def render_jurisdiction(content: Content, jurisdiction_id: str, env: jinja2.Environment) -> str:
    j = content.jurisdictions[jurisdiction_id]
    page = f"{jurisdiction_id}/index.md"
    ctx = common(content, page)
    topics = [(t, content.guides_in(j.id, t.id)) for t in j.topics]
    starts = {t.id: starting_points(content, guides) for t, guides in topics}
    ctx.update(jurisdiction=j, topics=topics, starts=starts, guide_page=content.guide_page)
    return env.get_template("jurisdiction.md.j2").render(ctx)


HOME_PAGE = "index.md"
HOME_CARDS = "<!-- certkb: jurisdiction cards -->"  # the line of docs/index.md the cards replace


def render_home_cards(content: Content, env: jinja2.Environment) -> str:
    """The home page's cards, one per jurisdiction, in content order (template ``home-cards.md.j2``)."""
    ctx = common(content, HOME_PAGE)
    ctx.update(jurisdictions=list(content.jurisdictions.values()))
    return env.get_template("home-cards.md.j2").render(ctx)


def with_home_cards(markdown: str, cards: str) -> str:
    """The home page's Markdown with its cards line replaced by ``cards``."""
    return "\n".join(cards.rstrip("\n") if line.strip() == HOME_CARDS else line for line in markdown.split("\n"))


def render_glossary(content: Content, env: jinja2.Environment) -> str:
    ctx = common(content, "glossary.md")
    terms = sorted(content.glossary.values(), key=lambda t: t.term.lower())
    ctx.update(terms=terms)
    return env.get_template("glossary.md.j2").render(ctx)


def abbreviations(content: Content) -> str:
    """Markdown abbreviation definitions (the `abbr` extension) for every glossary term."""
    # The definition becomes a title="" attribute, which Markdown escapes; it is not Markdown,
    # so plain() would leave its backslashes and entities in the tooltip.
    return "".join(f"\n*[{t.term}]: {t.definition}" for t in content.glossary.values())


def pages(content: Content, env: jinja2.Environment, memo: PageMemo | None = None) -> list[tuple[str, str, str]]:
    """Every generated page: (docs-relative path, Markdown, content file it comes from).

    With ``memo`` (the live preview), a page whose reads of the content are unchanged since the
    last build keeps its Markdown (:mod:`certkb.memo`).
    """
    made = memo.render if memo is not None else (lambda page, make: make(content))
    out: list[tuple[str, str, str]] = []
    for jid in content.jurisdictions:
        page = f"{jid}/index.md"
        make_jurisdiction = functools.partial(render_jurisdiction, jurisdiction_id=jid, env=env)
        out.append((page, made(page, make_jurisdiction), "jurisdictions.yml"))
    for gid in content.guides:
        page = content.guide_page(gid)
        make_guide = functools.partial(render_guide, guide_id=gid, env=env)
        out.append((page, made(page, make_guide), content.files[("guide", gid)]))
    out.append(("glossary.md", made("glossary.md", lambda c: render_glossary(c, env)), "glossary.yml"))
    out += checker_page.pages(content, env, made)  # the eligibility checkers and their index
    return out


# At most this many entries at one level of a topic's navigation. Material lists every entry of the
# open section on each of its pages (navigation.prune collapses only the other sections), so a topic
# of N guides would put N links on each of its N pages: a build that grows as N squared. A longer
# topic is split into consecutive groups named after their first and last guides, which collapse like
# any section; every guide stays in the navigation, and the jurisdiction's page lists them all.
NAV_GROUP = 30


def nav_groups(entries: list[Any], titles: list[str], size: int = NAV_GROUP) -> list[Any]:
    """``entries`` (in order), as they are when at most ``size``; otherwise in groups of consecutive
    entries, ``{"First title – Last title": [...]}``, nested until no level has more than ``size``."""
    if len(entries) <= size:
        return list(entries)
    span = size
    while -(-len(entries) // span) > size:
        span *= size
    out: list[Any] = []
    for start in range(0, len(entries), span):
        part, names = entries[start : start + span], titles[start : start + span]
        label = names[0] if len(names) == 1 else f"{names[0]} – {names[-1]}"
        out.append({label: nav_groups(part, names, size)})
    return out


def navigation(content: Content) -> list[Any]:
    """MkDocs nav entries: by jurisdiction, then topic, guides in their order (long topics in
    groups: :func:`nav_groups`)."""
    nav: list[Any] = []
    for j in content.jurisdictions.values():
        children: list[Any] = [f"{j.id}/index.md"]
        for topic in j.topics:
            guides = content.guides_in(j.id, topic.id)
            if guides:
                children.append(
                    {topic.title: nav_groups([content.guide_page(g.id) for g in guides], [g.title for g in guides])}
                )
        nav.append({j.name: children})
    nav += checker_page.navigation(content)
    nav.append({"Glossary": "glossary.md"})
    return nav
