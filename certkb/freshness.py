"""Freshness: which guides and pathways are due for review.

Every guide and pathway has ``last_reviewed``. A page not reviewed within
``stale_after_months`` (plugin option, default 12) is *due*: the build prints
a warning naming the file and line to update, and the staff page
``staff/review-dates.md`` lists every page, oldest review first.

Plain functions: tests pass ``today`` in; the plugin only calls them.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import jinja2

from . import models
from .loader import Content
from .templating import PageRenderer

REVIEW_PAGE = "staff/review-dates.md"

# A review that is due must be *seen* but must never fail the build. mkdocs.yml sets
# `strict: true`, and strict mode counts every record of level WARNING or above that
# reaches the 'mkdocs' logger (mkdocs.commands.build.build attaches a CountHandler set
# to WARNING) and aborts the build if there are any: an old page elsewhere would then
# block an urgent fix. So we log at REVIEW_DUE, between INFO and WARNING: the strict-mode
# counter ignores it, MkDocs' console handler (INFO and up) prints it, and the filter
# below names the record "WARNING" so it prints as `WARNING -  ...`, in yellow, like
# any other warning. (Like INFO messages, it is hidden by `mkdocs build --quiet`.)
# We do not call logging.addLevelName(REVIEW_DUE, "WARNING"): that would also remap
# the name "WARNING" to 25 for every logger in the process.
REVIEW_DUE = logging.INFO + 5


class _ShowAsWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == REVIEW_DUE:
            record.levelname = "WARNING"
        return True


log = logging.getLogger("mkdocs.plugins.certkb.freshness")
log.addFilter(_ShowAsWarning())


def today() -> _dt.date:
    """Today's date; the date of SOURCE_DATE_EPOCH when set (reproducible builds, tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC).date()
    return _dt.date.today()


def months_before(day: _dt.date, months: int) -> _dt.date:
    """The same day ``months`` calendar months earlier (the last day of a shorter month)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    next_month = _dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - _dt.timedelta(days=1)).day
    return _dt.date(year, month, min(day.day, last_day))


@dataclass(frozen=True)
class Review:
    kind: str  # "guide" or "pathway"
    id: str
    title: str
    last_reviewed: _dt.date
    sources: tuple[models.Source, ...]
    file: str  # relative to the content folder, e.g. "guides/missouri/apply.yml"
    page: str | None  # docs-relative page that shows it, where there is one
    due: bool


def _pathway_sources(pathway) -> list[str]:
    """A pathway's own sources, then any its rules cite, without repeats."""
    ids = list(getattr(pathway, "sources", []) or [])
    for rule in getattr(pathway, "requirements", None) or getattr(pathway, "rules", None) or []:
        ident = getattr(rule, "source", None)
        if isinstance(ident, str):
            ids.append(ident)
    return list(dict.fromkeys(ids))


def reviews(
    content: Content,
    *,
    today: _dt.date,
    stale_after_months: int,
    page_exists: Callable[[str], bool] | None = None,
    only_due: bool = False,
) -> list[Review]:
    """Every guide and pathway, oldest review first; ``due`` when older than the limit.

    ``page_exists(docs_path)`` says whether a checker page is in the build; without
    it a pathway links to the guide that shows its requirements. ``only_due``: the
    due ones only (the build's reminders), without making a row for every other one.
    """
    cutoff = months_before(today, stale_after_months)
    out: list[Review] = []

    def sources(ids) -> tuple[models.Source, ...]:
        return tuple(content.sources[i] for i in ids if i in content.sources)

    for gid, guide in content.guides.items():
        due = guide.last_reviewed < cutoff
        if only_due and not due:
            continue
        out.append(
            Review(
                "guide",
                gid,
                guide.title,
                guide.last_reviewed,
                sources(guide.sources),
                str(content.files[("guide", gid)]),
                content.guide_page(gid),
                due,
            )
        )
    for pid, pathway in content.pathways.items():
        due = pathway.last_reviewed < cutoff
        if only_due and not due:
            continue
        page: str | None  # its checker page; else the guide that shows it, if any
        page = content.checker_page(pid)
        if page_exists is None or not page_exists(page):
            shown_in = [g for g in content.guides.values() if g.pathway == pid]
            page = content.guide_page(shown_in[0].id) if shown_in else None
        out.append(
            Review(
                "pathway",
                pid,
                pathway.title,
                pathway.last_reviewed,
                sources(_pathway_sources(pathway)),
                str(content.files[("pathway", pid)]),
                page,
                due,
            )
        )
    return sorted(out, key=lambda r: (r.last_reviewed, r.kind, r.title.lower(), r.id))


def due_messages(content: Content, *, today: _dt.date, stale_after_months: int) -> list[str]:
    """One ``file:line:col: message`` per page due for review, pointing at its last_reviewed."""
    messages = []
    for r in reviews(content, today=today, stale_after_months=stale_after_months, only_due=True):
        shown, line, col = content.where(r.kind, r.id, ("last_reviewed",))  # as loaded: no second read
        what = "guide" if r.kind == "guide" else "upgrade pathway"
        messages.append(
            f"{shown}:{line}:{col}: this {what} was last reviewed on {r.last_reviewed.isoformat()}, "
            f"more than {stale_after_months} months ago; check it against its sources, then set "
            f"last_reviewed to the date you checked"
        )
    return messages


def warn_due(content: Content, *, today: _dt.date, stale_after_months: int) -> list[str]:
    """Print each due review as a warning that strict mode does not count (see REVIEW_DUE)."""
    messages = due_messages(content, today=today, stale_after_months=stale_after_months)
    for message in messages:
        log.log(REVIEW_DUE, message)
    if messages:
        log.log(
            REVIEW_DUE,
            f"{len(messages)} page{'s are' if len(messages) != 1 else ' is'} due for review; "
            f"see the 'Review dates' page for staff. This does not stop the build.",
        )
    return messages


def render_review_page(
    content: Content,
    env: jinja2.Environment,
    *,
    today: _dt.date,
    stale_after_months: int,
    page_exists: Callable[[str], bool] | None = None,
    rows: list[Review] | None = None,
) -> str:
    """The staff page listing every guide and pathway by review date (template ``review.md.j2``).

    ``rows``: :func:`reviews` of the content with the same arguments, when the caller has them.
    """
    if rows is None:
        rows = reviews(content, today=today, stale_after_months=stale_after_months, page_exists=page_exists)
    renderer = PageRenderer(content, REVIEW_PAGE)
    return env.get_template("review.md.j2").render(
        content=content,
        rows=rows,
        due=[r for r in rows if r.due],
        today=today,
        cutoff=months_before(today, stale_after_months),
        stale_after_months=stale_after_months,
        link=renderer.link,
    )
