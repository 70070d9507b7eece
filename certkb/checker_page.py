"""The eligibility checker pages: ``checker/<pathway-id>/`` and the index ``checker/``.

Plain functions, callable without an MkDocs build. Each checker page is
rendered at build time from the compiled pathway (``Content.compiled``)
through ``checker.md.j2``: a real HTML form (labels, hints, units, fieldsets,
an error summary, inline error slots) and the requirement checklist, so the
page reads as a complete checklist without JavaScript. The widget
(``checker/widget.py``, run by PyScript on MicroPython) then makes it live.

Everything staff write is HTML-escaped here (the template's HTML parts are
autoescaped); the compiled pathway goes into the page as a JSON data block
with ``<``, ``>`` and ``&`` escaped, so no content can close the block. The
block also says how each question is drawn (:func:`page_data`: ids, widget,
options), so the widget finds the form without re-deriving any of it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import jinja2

from . import runtime
from .htmlsafe import escape
from .loader import Content
from .templating import common

CHECKERS_INDEX = "checker/index.md"

# Radios for up to this many choices; a drop-down list beyond.
MAX_RADIOS = 6


def script_json(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: it cannot close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# In a list question's <template> entry, the ids and answer keys hold this where the entry's index goes.
INDEX = "__i__"


def control_id(name: str, index: int | str | None = None, field: str | None = None) -> str:
    """The HTML id of an answer's control: ``q-<name>`` or ``q-<list>-<i>-<field>``."""
    if index is None:
        return f"q-{name}"
    return f"q-{name}-{index}-{field}"


def entry_key(name: str, index: int | str, field: str) -> str:
    """The answer key of one field of one list entry, as in the URL fragment."""
    return f"{name}.{index}.{field}"


def _control(spec: dict, key: str, cid: str) -> dict:
    """What the template needs to draw one question."""
    kind = spec["type"]
    if kind in ("boolean", "choice"):
        if kind == "boolean":
            options = [("true", "Yes"), ("false", "No")]
        else:
            options = [(c["value"], c["label"]) for c in spec["choices"]]
        widget = "select" if len(options) > MAX_RADIOS else "radios"
    else:
        options = []
        widget = "text"
    hint = spec.get("hint") or ""
    return {
        "key": key,
        "id": cid,
        "error_id": f"{cid}-error",
        "kind": kind,
        "widget": widget,
        "label": spec["label"],
        "hint": hint,
        "format": {
            "date": "Write the date as YYYY-MM-DD, for example 2024-08-15.",
            "school_year": "Write the school year as the two years it spans, for example 2023-24.",
        }.get(kind, ""),
        "unit": spec.get("unit") or "",
        # A radio's own id; a select's options have none.
        "options": [
            {"value": v, "label": text, **({"id": f"{cid}-{v}"} if widget == "radios" else {})} for v, text in options
        ],
        # What a link to the question (the error summary's) moves the focus to: the first radio of a group.
        "focus_id": f"{cid}-{options[0][0]}" if widget == "radios" else cid,
        "inline": kind == "boolean",
    }


def form_questions(pathway: dict) -> list[dict]:
    """The form's questions in the pathway's order; a list input carries its entry template."""
    out = []
    for spec in pathway["inputs"]:
        name = spec["name"]
        if spec["type"] == "list":
            fields = [
                _control(f, entry_key(name, INDEX, f["name"]), control_id(name, INDEX, f["name"]))
                for f in spec["fields"]
            ]
            out.append(
                {
                    "key": name,
                    "id": control_id(name),
                    "error_id": f"{control_id(name)}-error",
                    "kind": "list",
                    "widget": "list",
                    "label": spec["label"],
                    "hint": spec.get("hint") or "",
                    "fields": fields,
                    "max_entries": spec.get("max_entries"),
                }
            )
        else:
            out.append(_control(spec, name, control_id(name)))
    return out


def _at(value: Any, index: int) -> Any:
    """``value`` (text, or options' dicts) for entry ``index``: INDEX replaced."""
    if isinstance(value, str):
        return value.replace(INDEX, str(index))
    if isinstance(value, list):
        return [{k: _at(v, index) for k, v in o.items()} for o in value]
    return value


def entry_fields(question: dict, index: int) -> list[dict]:
    """A list question's fields for entry ``index`` (the template draws the first entry with it)."""
    return [{k: _at(v, index) for k, v in f.items()} for f in question["fields"]]


# What the widget reads of a drawn question (checker/widget.py): it derives none of it itself.
_WIDGET_KEYS = ("key", "id", "error_id", "focus_id", "widget", "options")


def page_data(compiled: dict, questions: list[dict]) -> dict:
    """The page's data block: the compiled pathway, each input with its ``control``.

    A control is how the page draws the question: its answer key, the ids of
    its control, error slot and focus target, its widget (``text``,
    ``radios``, ``select`` or ``list``) and options (value, label; a radio's id).
    A list field's key and ids hold ``index`` (``INDEX``) where the entry's
    index goes. The engine ignores ``control``; the compiled pathway itself
    (what the command line runs) is not changed.
    """
    drawn = {q["key"]: q for q in questions}

    def control(q: dict) -> dict:
        return {k: q[k] for k in _WIDGET_KEYS if k in q}

    inputs = []
    for spec in compiled["inputs"]:
        q = drawn[spec["name"]]
        item = dict(spec, control=control(q))
        if spec["type"] == "list":
            item["fields"] = [dict(f, control=control(fq)) for f, fq in zip(spec["fields"], q["fields"], strict=True)]
        inputs.append(item)
    return {**compiled, "inputs": inputs, "index": INDEX}


def checker_context(content: Content, pathway_id: str, compiled: dict) -> dict[str, Any]:
    """What checker.md.j2 needs for the page of a pathway, or of a chooser (``compiled`` has ``recommend``).

    A chooser's page asks the questions of all its pathways once and shows each
    pathway's checklist (``checklists``); a pathway's page shows its own.
    """
    page = content.checker_page(pathway_id)
    chooser = "recommend" in compiled
    checklists = [content.compiled[pid] for pid in compiled["pathways"]] if chooser else [compiled]
    questions = form_questions(compiled)
    data = page_data(compiled, questions)
    if chooser:
        data["checklists"] = {p["id"]: p for p in checklists}  # what engine.choose evaluates
    sources: dict[str, Any] = {}
    for p in checklists:
        for source in p["sources"]:
            sources.setdefault(source["id"], source)
    shows = (lambda g: g.chooser == pathway_id) if chooser else (lambda g: g.pathway == pathway_id)
    return {
        "page": page,
        "pathway": compiled,
        "chooser": chooser,
        "checklists": checklists,
        "item": (content.choosers if chooser else content.pathways)[pathway_id],
        "questions": questions,
        "entry_fields": entry_fields,
        "index": INDEX,
        "data": script_json(data),
        "guides": [g for g in content.guides.values() if shows(g)],
        "sources": sources,
        "all_sources": list(sources.values()),
    }


def render_checker(content: Content, pathway_id: str, compiled: dict, env: jinja2.Environment) -> str:
    """The Markdown (with the widget's HTML) of one checker page."""
    page = checker_context(content, pathway_id, compiled)
    ctx = common(content, page["page"])
    ctx.update(page)
    return env.get_template("checker.md.j2").render(ctx)


def _render_pathway_checker(content: Content, pathway_id: str, env: jinja2.Environment) -> str:
    return render_checker(content, pathway_id, content.compiled[pathway_id], env)


def _render_chooser_checker(content: Content, chooser_id: str, env: jinja2.Environment) -> str:
    return render_checker(content, chooser_id, content.compiled_choosers[chooser_id], env)


def render_checkers(content: Content, env: jinja2.Environment) -> str:
    """The index of every checker, by jurisdiction."""
    ctx = common(content, CHECKERS_INDEX)
    groups = [(content.jurisdictions[jid], items) for jid, items in _by_jurisdiction(content).items()]
    ctx.update(groups=groups, checker_page=content.checker_page)
    return env.get_template("checkers.md.j2").render(ctx)


def _by_jurisdiction(content: Content) -> dict[str, list[Any]]:
    """The pathways and choosers of each jurisdiction (in jurisdictions.yml's order), choosers first."""
    out: dict[str, list[Any]] = {}
    for jid in content.jurisdictions:
        items = [c for c in content.choosers.values() if c.jurisdiction == jid]
        items += [p for p in content.pathways.values() if p.jurisdiction == jid]
        if items:
            out[jid] = items
    return out


def pages(
    content: Content, env: jinja2.Environment, made: Callable[[str, Callable[[Content], str]], str]
) -> list[tuple[str, str, str]]:
    """The checker pages and their index: (docs-relative path, Markdown, content file).

    ``made(page, make)``: the page's Markdown, as :func:`certkb.render.pages` makes each page
    (``make(content)``, or under the live preview :meth:`certkb.memo.PageMemo.render`).
    """
    if not content.pathways:
        return []
    out = []
    for pid in content.compiled:  # compiled once, by the loader
        page = content.checker_page(pid)
        out.append(
            (
                page,
                made(page, functools.partial(_render_pathway_checker, pathway_id=pid, env=env)),
                content.files[("pathway", pid)],
            )
        )
    for cid in content.compiled_choosers:
        page = content.checker_page(cid)
        out.append(
            (
                page,
                made(page, functools.partial(_render_chooser_checker, chooser_id=cid, env=env)),
                content.files[("chooser", cid)],
            )
        )
    out.append((CHECKERS_INDEX, made(CHECKERS_INDEX, lambda c: render_checkers(c, env)), "pathways"))
    return out


def navigation(content: Content) -> list[Any]:
    """The "Eligibility checkers" nav section, by jurisdiction (empty when there are no pathways)."""
    if not content.pathways:
        return []
    groups = [
        {content.jurisdictions[jid].name: [{item.title: content.checker_page(item.id)} for item in items]}
        for jid, items in _by_jurisdiction(content).items()
    ]
    return [{"Eligibility checkers": [CHECKERS_INDEX, *groups]}]


def start_runtime_early(page_html: str, page_url: str, rt: runtime.Runtime | None) -> str:
    """A checker page that paints first, then starts its checker.

    At the end of ``<head>``, after the theme's stylesheets, so nothing of the
    runtime is fetched before them:

    * the widget's ``<script type="mpy">``, whose ``config`` attribute is
      PyScript's configuration (:func:`certkb.runtime.pyscript_config`: our own
      MicroPython, the engine's and the widget's bytecode, no unused plugins),
      ``data-pyscript`` PyScript's entry module and ``data-preload`` every file
      on the way to a running checker (:func:`certkb.runtime.preloads`);
    * ``docs/assets/checker/boot.js``, inline (:func:`certkb.runtime.boot_script`),
      as an async module script: it blocks neither parsing nor painting, and
      waits for no request of its own; once the page's stylesheets have arrived it asks for
      every runtime file at once (low-priority preload links), and once a frame
      has been drawn it starts PyScript. (The widget mounts once the page's
      checker has been read.)

    Every runtime URL names its file's content (see :mod:`certkb.runtime`). Pages
    without a checker are returned unchanged.
    """
    if "data-checker=" not in page_html or rt is None or "</head>" not in page_html:
        return page_html
    root = runtime.page_root(page_url)
    config = json.dumps(runtime.pyscript_config(root, rt.files), separators=(",", ":"))
    preload = json.dumps([[kind, root + path] for kind, path in runtime.preloads(rt.files)], separators=(",", ":"))
    # The widget's script targets itself: PyScript then adds no output element (it would
    # append one to <body>).
    tags = [
        f'<script type="mpy" id="checker-widget" target="checker-widget" src="{escape(root + rt.start())}" '
        f'config="{escape(config)}" data-pyscript="{escape(root + rt.pyscript_entry())}" '
        f'data-preload="{escape(preload)}"></script>',
        f'<script type="module" async>{rt.boot}</script>',
    ]
    head_end = page_html.index("</head>")
    return page_html[:head_end] + "  " + "\n    ".join(tags) + "\n  " + page_html[head_end:]
