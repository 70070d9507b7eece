"""The eligibility checker on its page, run by PyScript on MicroPython.

The build compiles this module and the engine to MicroPython bytecode
(``widget.mpy``, ``engine.mpy``; see ``certkb/runtime.py``); PyScript runs a
two-line ``start.py`` that imports it and calls :func:`main`.

The page is rendered at build time (``certkb/checker_page.py`` and
``overrides/kb/checker.md.j2``): the form, the requirement checklist and a
JSON data block holding the compiled pathway, each input with its
``control`` (its answer key, the ids of its control, error slot and focus
target, its widget and options; a list field's with the pathway's ``index``
placeholder where the entry's index goes). The widget reads those; it derives
no id, key or widget itself. This file makes the page live:

* fills the form from the URL fragment (``#experience_years=4&btap=true``,
  read and written by the browser's ``URLSearchParams``, the answers' keys)
  and keeps the fragment in step as the educator answers
  (``history.replaceState``: no history entries, and a fragment is never sent
  to any server);
* re-evaluates with ``engine.py`` (the same engine as the command line) on
  every change, and shows each requirement's status, message and remaining
  amount, the overall status and any problem with an answer, next to its
  field (placed by the problem's ``path``) and in the error summary;
* adds and removes entries of a list question (a repeatable group), and runs
  the "Copy link", "Start again" and "Print summary" buttons.

Two layers: :class:`CheckerState` holds the answers, the list entries, the
problems shown and the result, with their transitions, and touches no
browser (the test suite runs it on CPython); :class:`Checker` draws it into
the page and turns the page's events into transitions. Text from answers and
content is only ever set with ``textContent`` or as an attribute value, never
as HTML. Nothing is stored: the answers live in the page's address only.
"""

import json

try:
    # PyScript's public API. Not ``when``: each call imports pyscript.web (42 KB of Python that
    # MicroPython compiles as the page starts) to look its selector up; the widget has its elements.
    from pyscript import document, window
    from pyscript.ffi import create_proxy

    # pyscript's ``window`` is MicroPython's ``js`` module: its properties are the page's, but a
    # method called on it directly (addEventListener, print) has no ``this``. The Window itself:
    the_window = window.window
except ImportError:  # CPython (tests): only CheckerState and the pure helpers are used
    document = window = the_window = create_proxy = None

try:
    import engine  # in the browser, PyScript puts engine.py next to this file
except ImportError:
    from checker import engine

STATUS_WORDS = {"met": "Met", "unmet": "Not met", "unknown": "Not answered yet"}


def looks_like_answers(fragment):
    """True for '', '#' or a fragment of key=value pairs; False for an in-page anchor (#sources)."""
    body = fragment[1:] if fragment.startswith("#") else fragment
    return body == "" or "=" in body


def overall_words(result):
    """The sentence for the overall status (a requirement the sources disagree on does not count)."""
    unmet = 0
    unknown = 0
    for r in result["requirements"]:
        if r.get("disputed"):
            continue
        if r["status"] == "unmet":
            unmet += 1
        elif r["status"] == "unknown":
            unknown += 1
    status = result["status"]
    if status == "eligible":
        return "You appear to meet every requirement for this upgrade."
    if status == "not_yet":
        text = "Not yet: " + _count(unmet, "requirement is", "requirements are") + " not met"
        if unknown:
            text += ", and " + _count(unknown, "needs", "need") + " more answers"
        return text + "."
    if not unknown:
        return "The checker cannot decide: read the note below."
    return "Not complete: answer the questions for " + _count(unknown, "more requirement", "more requirements") + "."


def recommendation_words(result):
    """The sentence for a chooser's result: the application to submit, the upgrade to work toward,
    or, when the answers point to neither, where to look."""
    if result.get("recommendation"):
        return result["recommendation"]
    return "The checker cannot point to an application yet: read each upgrade's checklist and notes below."


def results_of(result):
    """The pathway results in a result: its own, or each of a chooser's."""
    return result.get("results", [result])


def notices_of(result):
    """Every notice of a result (a chooser's: of each pathway's), each once."""
    out = []
    for r in results_of(result):
        for n in r.get("notices") or []:
            if n["message"] not in [m["message"] for m in out]:
                out.append(n)
    return out


def expiry_words(result, pathway, as_of):
    """'Your ISS classification expires on 2028-08-15.' (or 'expired on', once past)."""
    for r in results_of(result):
        date = r.get("expires_on")
        if not date:
            continue
        spec = _pathway_of(pathway, r["pathway"]).get("expiry") or {}
        called = spec.get("called") or "certificate"
        past = as_of is not None and date < as_of
        return "Your " + called + (" expired on " if past else " expires on ") + date + "."
    return ""


def eligible_from_words(result, pathway):
    """'If nothing else changes, you will meet the remaining requirements on 2026-06-30.'

    When that day is after the certificate expires, the sentence says so and
    points to the notice that quotes the source (``after_expiry``).
    """
    out = []
    for r in results_of(result):
        since = r.get("eligible_from")
        if since:
            which = "" if "results" not in result else " for " + _pathway_of(pathway, r["pathway"])["title"]
            expires = r.get("expires_on")
            if expires and since > expires:
                called = (_pathway_of(pathway, r["pathway"]).get("expiry") or {}).get("called") or "certificate"
                out.append(
                    "If nothing else changes, you would meet the remaining requirements"
                    + which
                    + " on "
                    + since
                    + ", after your "
                    + called
                    + " expires on "
                    + expires
                    + ": read the note below."
                )
            else:
                out.append(
                    "If nothing else changes, you will meet the remaining requirements" + which + " on " + since + "."
                )
    return " ".join(out)


def _pathway_of(data, pid):
    """The compiled pathway ``pid`` of a page's data (a pathway's own, or one of a chooser's)."""
    if "checklists" in data:
        return data["checklists"][pid]
    return data


def today(date):
    """'YYYY-MM-DD' for a JavaScript Date, in the educator's own time zone."""
    return engine.format_date((date.getFullYear(), date.getMonth() + 1, date.getDate()))


def _count(n, one, many):
    return str(n) + " " + (one if n == 1 else many)


def remaining_words(requirement, unit):
    """'Still needed: 2 years', when the message does not already say how much is left."""
    remaining = requirement.get("remaining")
    if remaining is None or remaining <= 0:
        return ""
    amount = engine.format_number(remaining)
    if amount in requirement["message"]:
        return ""
    return "Still needed: " + amount + (" " + unit if unit else "")


# --- the state: answers, entries, problems, result (no browser) ---------------------------------


def _for_entry(control, placeholder, index):
    """A list field's control (from the page's data) for entry ``index``: the placeholder filled in."""
    i = str(index)
    out = {}
    for name in control:
        value = control[name]
        if type(value) is str:
            value = value.replace(placeholder, i)
        elif type(value) is list:  # options: a radio's id holds the placeholder too
            options = []
            for o in value:
                o = {"value": o["value"], "label": o["label"], "id": o.get("id")}
                if o["id"]:
                    o["id"] = o["id"].replace(placeholder, i)
                options.append(o)
            value = options
        out[name] = value
    return out


def _index_in(template, placeholder, key):
    """The entry index ``key`` has where ``template`` has the placeholder ('x.__i__.y', 'x.3.y' -> 3), else None."""
    at = template.find(placeholder)
    if at < 0:
        return None
    before = template[:at]
    after = template[at + len(placeholder) :]
    middle = key[len(before) : len(key) - len(after)] if len(key) > len(before) + len(after) else ""
    if not middle or len(middle) > 4 or not key.startswith(before) or not key.endswith(after):
        return None
    for ch in middle:
        if ch not in "0123456789":
            return None
    return int(middle)


class Question:
    """One place on the form that holds an answer or shows a problem: a control, or a list's group."""

    def __init__(self, spec, control, label, list_name=None, index=None):
        self.spec = spec
        self.key = control["key"]
        self.id = control["id"]
        self.error_id = control["error_id"]
        self.focus_id = control.get("focus_id") or control["id"]
        self.widget = control["widget"]  # "text", "radios", "select" or "list" (a list's group)
        self.options = control.get("options") or []  # [{"value", "label", "id" (radios only)}]
        self.label = label  # as the error summary and the printed answers name it
        self.list_name = list_name  # for a field of a list entry: the list, and the entry's index
        self.index = index

    def holds(self, value):
        """Whether the control can show ``value`` (a radio or select only its options)."""
        if self.widget == "text" or value == "":
            return True
        return any(o["value"] == value for o in self.options)

    def shown(self, value):
        """An answer as the printed summary shows it."""
        for o in self.options:
            if o["value"] == value:
                return o["label"]
        unit = self.spec.get("unit")
        return value + " " + unit if unit and self.spec["type"] == "number" else value


class CheckerState:
    """What the checker holds, apart from the page: answers, list entries, problems, result.

    ``answers`` maps the key of each control on the form to its text ('' is
    unanswered and not kept); ``pending`` holds the fragment's answers the form
    cannot hold (unknown keys, values no option has), which still count and
    stay in the link. A problem is shown once its answer is ``revealed``
    (given in the fragment, or its field left after a change).
    """

    def __init__(self, pathway, as_of=None):
        self.pathway = pathway  # a pathway, or a chooser (with "recommend" and its pathways in "checklists")
        self.chooser = "recommend" in pathway
        self.as_of = as_of  # the day the check is made for: today, in the browser
        self.placeholder = pathway["index"]
        self.specs = {}
        for spec in pathway["inputs"]:
            self.specs[spec["name"]] = spec
        self.counts = {}  # list name -> number of entries on the form
        for spec in pathway["inputs"]:
            if spec["type"] == "list":
                self.counts[spec["name"]] = 1  # the page is drawn with one entry per list
        self.answers = {}
        self.pending = []
        self.revealed = []
        self.errors = []  # [(key, [messages])] in the form's order; key '' for problems of no question
        self.result = None
        self._lay_out()

    # -- the questions on the form --

    def _lay_out(self):
        """The questions for the current number of entries, in the form's order."""
        self.questions = []  # every control, in page order
        self.groups = {}  # list name -> the Question of its group (where problems of the whole list show)
        self.by_key = {}
        self.entry_keys = {}  # (list name, index, field) -> key
        for spec in self.pathway["inputs"]:
            name = spec["name"]
            if spec["type"] != "list":
                self._add(Question(spec, spec["control"], spec["label"]))
                continue
            group = Question(spec, spec["control"], spec["label"])
            self.groups[name] = group
            self.by_key[group.key] = group
            for i in range(self.counts[name]):
                for f in spec["fields"]:
                    q = Question(
                        f,
                        _for_entry(f["control"], self.placeholder, i),
                        spec["label"] + ", entry " + str(i + 1) + ": " + f["label"],
                        name,
                        i,
                    )
                    self.entry_keys[(name, i, f["name"])] = q.key
                    self._add(q)

    def _add(self, q):
        self.questions.append(q)
        self.by_key[q.key] = q

    def most(self, name):
        return self.specs[name].get("max_entries") or engine.DEFAULT_MAX_ENTRIES

    def entry_of(self, key):
        """(list name, index, field name) for the key of a list entry's field (any index), else None."""
        for name in self.counts:
            for f in self.specs[name]["fields"]:
                index = _index_in(f["control"]["key"], self.placeholder, key)
                if index is not None:
                    return (name, index, f["name"])
        return None

    def first_of_entry(self, name, index):
        """The first question of entry ``index`` of list ``name``."""
        return self.by_key[self.entry_keys[(name, index, self.specs[name]["fields"][0]["name"])]]

    # -- transitions --

    def load(self, pairs):
        """Take the answers of a fragment ((key, text) pairs): as many entries as they describe."""
        for name in self.counts:
            count = 0
            for key, _value in pairs:
                entry = self.entry_of(key)
                if entry and entry[0] == name and entry[1] + 1 > count:
                    count = entry[1] + 1
            self.counts[name] = min(max(1, count), self.most(name))
        self._lay_out()
        self.answers = {}
        self.pending = []
        seen = []
        for key, value in pairs:
            if key in seen:
                continue
            seen.append(key)
            q = self.by_key.get(key)
            if q is None or q.widget == "list" or not q.holds(value):
                self.pending.append((key, value))
            elif value != "":
                self.answers[key] = value
        self.revealed = [key for key, value in pairs]

    def set_answer(self, key, value, reveal=False):
        """The control of ``key`` now holds ``value``; with ``reveal``, its problems show."""
        q = self.by_key.get(key)
        if q is None or q.widget == "list":
            return
        if q.widget == "text":
            value = value.strip()
        self.pending = [(k, v) for k, v in self.pending if k != key]
        if value == "":
            self.answers.pop(key, None)
        else:
            self.answers[key] = value
        if reveal and key not in self.revealed:
            self.revealed.append(key)

    def add_entry(self, name):
        """One more (empty) entry of list ``name``: its index, or None at the most allowed."""
        count = self.counts[name]
        if count >= self.most(name):
            return None
        self.counts[name] = count + 1
        self._lay_out()
        return count

    def _renumbered(self, key, name, removed):
        """``key`` once entry ``removed`` of list ``name`` is gone: None if it was in it."""
        entry = self.entry_of(key)
        if not entry or entry[0] != name or entry[1] < removed:
            return key
        if entry[1] == removed:
            return None
        for f in self.specs[name]["fields"]:
            if f["name"] == entry[2]:
                return _for_entry(f["control"], self.placeholder, entry[1] - 1)["key"]
        return key

    def remove_entry(self, name, index):
        """Entry ``index`` of list ``name`` removed; the later ones move up."""
        answers = {}
        for key in self.answers:
            new = self._renumbered(key, name, index)
            if new is not None:
                answers[new] = self.answers[key]
        revealed = []
        for key in self.revealed:
            new = self._renumbered(key, name, index)
            if new is not None:
                revealed.append(new)
        self.answers = answers
        self.revealed = revealed
        self.counts[name] = max(0, self.counts[name] - 1)
        self._lay_out()

    def start_again(self):
        self.load([])
        self.revealed = []

    # -- what follows from the answers --

    def pairs(self):
        """The form's answers: (key, text) pairs in the form's order."""
        return [(q.key, self.answers[q.key]) for q in self.questions if q.key in self.answers]

    def link_pairs(self):
        """What the link (the fragment) holds: the form's answers, then those it cannot hold."""
        return self.pairs() + self.pending

    def engine_answers(self):
        """The text answers the engine reads (``from_text=True``); a list is a list of entries."""
        answers = {}
        for key, value in self.link_pairs():
            entry = self.entry_of(key)
            if entry is None:
                answers[key] = value
                continue
            name, index, field = entry
            entries = answers.get(name)
            if type(entries) is not list:
                entries = answers[name] = []
            while len(entries) <= index:
                entries.append({})
            entries[index][field] = value
        return answers

    def key_of(self, path):
        """The key of the question a problem's path names ('' for none on the form)."""
        if len(path) == 1:
            return path[0] if path[0] in self.by_key else ""
        if len(path) == 3:
            return self.entry_keys.get((path[0], path[1], path[2]), "")
        return ""

    def evaluate(self):
        """Evaluate the answers: sets ``result`` and ``errors`` (the problems shown)."""
        values, problems = engine.parse_answers(self.pathway, self.engine_answers(), True, self.as_of)
        if self.chooser:
            self.result = engine.choose(self.pathway, self.pathway["checklists"], values, self.as_of)
        else:
            self.result = engine.evaluate(self.pathway, values, self.as_of)
        self.errors = self._place(problems)
        return self.result

    def _place(self, problems):
        by_key = {}
        order = []
        for p in problems:
            key = self.key_of(p["path"])
            if key and p["code"] == "both_given" and key not in self.revealed:
                self.revealed.append(key)  # the educator has just given the other answer
            if key and key not in self.revealed:
                continue
            if key not in by_key:
                by_key[key] = []
                order.append(key)
            by_key[key].append(engine.message(p))
        # A key whose problem is fixed is no longer revealed: the next mistake shows when the field is left.
        self.revealed = [k for k in self.revealed if k in by_key]
        # In the order of the form; problems about no one question first, a list's just before its entries.
        place = {"": -1}
        for i in range(len(self.questions)):
            place[self.questions[i].key] = i
        for name in self.groups:
            first = self.entry_keys.get((name, 0, self.specs[name]["fields"][0]["name"]))
            place[self.groups[name].key] = place.get(first, 0) - 0.5
        order.sort(key=lambda k: place.get(k, len(place)))
        return [(k, by_key[k]) for k in order]

    def unit_of(self, requirement):
        """The unit a requirement's remaining amount is in (its first input's that has one)."""
        checks = requirement["checks"] + [c for route in requirement.get("routes") or [] for c in route["checks"]]
        for check in checks:
            for name in check["inputs"]:
                unit = self.specs.get(name, {}).get("unit")
                if unit:
                    return unit
        return ""


# --- the page -------------------------------------------------------------------------------


class Checker:
    """One checker form on the page: draws a CheckerState and turns events into its transitions."""

    def __init__(self, root):
        self.root = root
        self.state = CheckerState(json.loads(root.querySelector(".checker-data").textContent), today(window.Date.new()))
        self.form = root.querySelector(".checker-form")
        self.summary = root.querySelector(".checker-errors")
        self.summary_list = root.querySelector(".checker-errors-list")
        self.status = root.querySelector("[data-checker-status]")
        self.expiry = root.querySelector(".checker-expiry")
        self.copied = root.querySelector(".checker-copied")
        self.eligible_from = root.querySelector(".checker-eligible-from")
        self.notices = root.querySelector(".checker-notices")
        self.checklists = []  # one per pathway shown: its section, its status line and its requirements
        pathways = self.state.pathway["checklists"] if self.state.chooser else None
        for section in root.querySelectorAll("[data-pathway-id]"):
            pid = section.getAttribute("data-pathway-id")
            pathway = pathways[pid] if pathways else self.state.pathway
            items = []
            for r in pathway["requirements"]:
                li = section.querySelector('[data-requirement-id="' + r["id"] + '"]')
                items.append(
                    {
                        "li": li,
                        "badge": li.querySelector(".checker-badge"),
                        "message": li.querySelector(".checker-message"),
                        "remaining": li.querySelector(".checker-remaining"),
                        "unit": self.state.unit_of(r),
                        "shown": None,
                    }
                )
            self.checklists.append(
                {"id": pid, "status": section.querySelector("[data-pathway-status]"), "items": items, "shown": None}
            )
        self.shown = {}  # what each part of the result shows now, so unchanged parts are not redrawn
        self.errors_shown = []  # the page is drawn with no problem shown
        self.fragment = None
        self.status_shown = None
        self.words_shown = None
        self.address = window.location.pathname + window.location.search  # the page, without a fragment
        self.proxies = []  # what JavaScript calls back, kept alive

    # -- the URL fragment, read and written by the browser's URLSearchParams --

    def read_fragment(self, fragment):
        """The (key, value) pairs of a fragment, in order; a leading '#' is ignored."""
        params = window.URLSearchParams.new(fragment[1:] if fragment.startswith("#") else fragment)
        pairs = []

        def add(value, key, *rest):
            pairs.append((key, value))

        proxy = create_proxy(add)  # called before forEach returns; then no longer needed
        params.forEach(proxy)
        return pairs

    def make_fragment(self, pairs):
        """The fragment (without '#') for (key, value) pairs; empty values are left out."""
        params = window.URLSearchParams.new()
        for key, value in pairs:
            if value != "":
                params.append(key, value)
        return params.toString()

    # -- drawing the form --

    def _element(self, element_id):
        return document.getElementById(element_id)

    def read_control(self, q):
        if q.widget == "radios":
            for o in q.options:
                radio = self._element(o["id"])
                if radio is not None and radio.checked:
                    return o["value"]
            return ""
        element = self._element(q.id)
        return element.value if element is not None else ""

    def write_control(self, q, value):
        if q.widget == "radios":
            for o in q.options:
                radio = self._element(o["id"])
                if radio is not None:
                    radio.checked = o["value"] == value
        else:
            element = self._element(q.id)
            if element is not None:
                element.value = value

    def write_form(self):
        for q in self.state.questions:
            self.write_control(q, self.state.answers.get(q.key, ""))

    def _append_entry(self, name, box, template, i):
        """Add entry ``i`` of list ``name``: a copy of the page's <template>, numbered."""
        placeholder = self.state.placeholder
        node = template.content.cloneNode(True)
        attrs = ("id", "for", "name", "aria-describedby", "data-key", "data-entry", "data-index")
        for el in node.querySelectorAll("[" + "],[".join(attrs) + "]"):
            for attr in attrs:
                v = el.getAttribute(attr)
                if v and placeholder in v:
                    el.setAttribute(attr, v.replace(placeholder, str(i)))
        for el in node.querySelectorAll("[data-entry-number]"):
            el.textContent = str(i + 1)
        remove = node.querySelector('[data-action="remove"]')
        if remove:
            remove.textContent = "Remove entry " + str(i + 1)
        box.appendChild(node)

    def _template(self, name):
        return self.root.querySelector('[data-entry-template="' + name + '"]')

    def _entries_drawn(self, name):
        count = self.state.counts[name]
        add = self.root.querySelector('[data-action="add"][data-list="' + name + '"]')
        if add:
            add.textContent = "Add another entry" if count else "Add an entry"
            add.hidden = count >= self.state.most(name)

    def draw_entries(self, name):
        """Draw the entries of list ``name`` afresh, as many as the state has."""
        box = self.root.querySelector('[data-entries="' + name + '"]')
        template = self._template(name)
        box.replaceChildren()
        for i in range(self.state.counts[name]):
            self._append_entry(name, box, template, i)
        self._entries_drawn(name)

    def draw_all(self, drawn):
        """Redraw the lists whose number of entries changed (``drawn``: name -> entries on the page) and the form."""
        for name in self.state.counts:
            if drawn.get(name) != self.state.counts[name]:
                self.draw_entries(name)
        self.write_form()

    def announce(self, name, text):
        box = self._element(self.state.groups[name].id)
        status = box.querySelector(".checker-list-status") if box else None
        if status:
            status.textContent = text

    def focus(self, element_id):
        element = self._element(element_id)
        if element:
            element.focus()

    # -- evaluating and showing the result --

    def update(self):
        """Evaluate, and show the result, the problems and the new fragment."""
        self.state.evaluate()
        self.show_errors()
        self.show_result(self.state.result)
        self.sync_fragment()

    def show_errors(self):
        state = self.state.errors
        if state == self.errors_shown:
            return
        self.errors_shown = state
        by_key = {}
        for key, messages in state:
            by_key[key] = messages
        for key in self.state.by_key:
            q = self.state.by_key[key]
            error = self._element(q.error_id)
            if error is None:
                continue
            messages = by_key.get(key)
            if messages:
                error.textContent = " ".join(messages)
                error.hidden = False
            elif not error.hidden:
                error.textContent = ""
                error.hidden = True
            field = self._element(q.id)  # a group's <fieldset>, or a control inside its field
            if field is not None and q.widget not in ("radios", "list"):
                field = field.closest(".checker-field")
            if field is not None:
                field.classList.toggle("checker-field--error", bool(messages))
            self._describe(q, bool(messages))
        self.summary_list.replaceChildren()
        for key, messages in state:
            for message in messages:
                li = document.createElement("li")
                if key:
                    q = self.state.by_key[key]
                    a = document.createElement("a")
                    a.href = "#" + q.focus_id
                    a.setAttribute("data-focus", q.focus_id)
                    a.textContent = q.label + ": " + message
                    li.appendChild(a)
                else:
                    li.textContent = message
                self.summary_list.appendChild(li)
        self.summary.hidden = not state

    def _describe(self, q, invalid):
        """aria-describedby and aria-invalid of a control: its hint, unit and (when shown) its error."""
        control = self._element(q.id)
        if control is None:
            return
        ids = [i for i in (control.getAttribute("aria-describedby") or "").split() if i != q.error_id]
        if invalid:
            ids.append(q.error_id)
        if ids:
            control.setAttribute("aria-describedby", " ".join(ids))
        else:
            control.removeAttribute("aria-describedby")
        if invalid:
            control.setAttribute("aria-invalid", "true")
        else:
            control.removeAttribute("aria-invalid")

    def _text(self, part, element, text):
        """Set the text of the result's ``part`` (its ``element``), hidden when empty."""
        if self.shown.get(part) == text:
            return
        self.shown[part] = text
        element.textContent = text
        element.hidden = not text

    def show_result(self, result):
        if self.state.chooser:
            status = "recommended" if result["recommended"] else "incomplete"
            words = recommendation_words(result)
            self.status.setAttribute("data-checker-recommended", result["recommended"] or "")
        else:
            status = result["status"]
            words = overall_words(result)
        if status != self.status_shown:
            self.status_shown = status
            self.status.setAttribute("data-checker-status", status)
        if words != self.words_shown:
            self.words_shown = words
            self.status.textContent = words
        by_id = {}
        for r in results_of(result):
            by_id[r["pathway"]] = r
        for checklist in self.checklists:
            r = by_id[checklist["id"]]
            if checklist["status"] is not None and checklist["shown"] != r["status"]:
                checklist["shown"] = r["status"]
                checklist["status"].setAttribute("data-pathway-status", r["status"])
                checklist["status"].textContent = overall_words(r)
            self.show_requirements(checklist["items"], r)
        self._text("expiry", self.expiry, expiry_words(result, self.state.pathway, self.state.as_of))
        self._text("eligible_from", self.eligible_from, eligible_from_words(result, self.state.pathway))
        self.show_notices(notices_of(result))

    def show_notices(self, notices):
        key = "\n".join([n["id"] + ":" + n["message"] for n in notices])
        if self.shown.get("notices") == key:
            return
        self.shown["notices"] = key
        self.notices.replaceChildren()
        for n in notices:
            li = document.createElement("li")
            li.setAttribute("data-notice-id", n["id"])
            li.textContent = n["message"]
            self.notices.appendChild(li)
        self.notices.hidden = not notices

    def show_requirements(self, items, result):
        for item, r in zip(items, result["requirements"]):
            shown = (r["status"], r["message"], r["remaining"])
            if shown == item["shown"]:
                continue
            item["shown"] = shown
            item["li"].setAttribute("data-requirement-status", r["status"])
            if r["remaining"] is None:
                item["li"].removeAttribute("data-remaining")
            else:
                item["li"].setAttribute("data-remaining", engine.format_number(r["remaining"]))
            item["badge"].textContent = STATUS_WORDS[r["status"]]
            item["message"].textContent = r["message"]
            more = remaining_words(r, item["unit"])
            item["remaining"].textContent = more
            item["remaining"].hidden = not more

    def sync_fragment(self):
        fragment = self.make_fragment(self.state.link_pairs())
        if fragment == self.fragment:
            return
        url = self.address + ("#" + fragment if fragment else "")
        if self.fragment is not None or url != self.address + window.location.hash:
            window.history.replaceState(window.history.state, "", url)
        self.fragment = fragment

    def share_url(self):
        fragment = self.make_fragment(self.state.link_pairs())
        return window.location.origin + self.address + ("#" + fragment if fragment else "")

    # -- buttons --

    def add_entry(self, name):
        index = self.state.add_entry(name)
        if index is None:
            return
        self._append_entry(name, self.root.querySelector('[data-entries="' + name + '"]'), self._template(name), index)
        self._entries_drawn(name)
        self.announce(name, "Entry " + str(index + 1) + " added.")
        self.focus(self.state.first_of_entry(name, index).focus_id)
        self.update()

    def remove_entry(self, name, index):
        self.state.remove_entry(name, index)
        self.draw_entries(name)
        self.write_form()
        self.announce(name, "Entry " + str(index + 1) + " removed.")
        count = self.state.counts[name]
        if count:
            self.focus(self.state.first_of_entry(name, min(index, count - 1)).focus_id)
        else:
            self.root.querySelector('[data-action="add"][data-list="' + name + '"]').focus()
        self.update()

    def copy_link(self):
        url = self.share_url()
        self.copied.textContent = ""

        def done(_=None):
            self.copied.textContent = "Link copied. Anyone you send it to sees these answers."

        def failed(_=None):
            self.copied.textContent = "Your browser did not let the page copy. Copy the link from the address bar."

        clipboard = window.navigator.clipboard
        if clipboard is None:
            failed()
            return
        done_proxy = create_proxy(done)
        failed_proxy = create_proxy(failed)
        self.proxies += [done_proxy, failed_proxy]
        clipboard.writeText(url).then(done_proxy, failed_proxy)

    def start_again(self):
        drawn = dict(self.state.counts)
        self.state.start_again()
        self.draw_all(drawn)
        self.copied.textContent = ""
        self.update()
        if self.state.questions:
            self.focus(self.state.questions[0].focus_id)

    def print_summary(self):
        self.before_print()
        the_window.print()

    def before_print(self, _=None):
        """Fill the print-only part: the answers, the date and the link to them."""
        box = self.root.querySelector(".checker-answers")
        box.replaceChildren()
        for key, value in self.state.pairs():
            q = self.state.by_key[key]
            dt = document.createElement("dt")
            dt.textContent = q.label
            dd = document.createElement("dd")
            dd.textContent = q.shown(value)
            box.appendChild(dt)
            box.appendChild(dd)
        if not box.firstChild:
            dd = document.createElement("dd")
            dd.textContent = "No answers given."
            box.appendChild(dd)
        self.root.querySelector(".checker-printed-on").textContent = window.Date.new().toLocaleDateString(
            window.undefined, window.JSON.parse('{"dateStyle": "long"}')
        )
        self.root.querySelector(".checker-print-link").textContent = "Link to these answers: " + self.share_url()

    # -- events --

    def on_input(self, event):
        key = event.target.getAttribute("data-key")
        q = self.state.by_key.get(key) if key is not None else None
        if q is None:
            return
        self.state.set_answer(key, self.read_control(q), reveal=event.type == "change")
        self.update()

    def on_click(self, event):
        link = event.target.closest("[data-focus]")
        if link:
            event.preventDefault()  # keep the answers in the fragment: do not follow '#id'
            self.focus(link.getAttribute("data-focus"))
            return
        button = event.target.closest("[data-action]")
        if button is None:
            return
        action = button.getAttribute("data-action")
        if action == "add":
            self.add_entry(button.getAttribute("data-list"))
        elif action == "remove":
            self.remove_entry(button.getAttribute("data-list"), int(button.getAttribute("data-index") or "0"))
        elif action == "copy":
            self.copy_link()
        elif action == "reset":
            self.start_again()
        elif action == "print":
            self.print_summary()

    def on_submit(self, event):
        event.preventDefault()  # there is nothing to send: Enter must not submit the form

    def on_hashchange(self, event=None):
        fragment = window.location.hash
        if not looks_like_answers(fragment):
            return
        pairs = self.read_fragment(fragment)
        if self.make_fragment(pairs) == self.fragment:
            return
        drawn = dict(self.state.counts)
        self.state.load(pairs)
        self.draw_all(drawn)
        self.update()

    def _listen(self, target, kind, handler):
        def guarded(event):
            try:
                handler(event)
            except Exception as exc:  # a bug: say so in the page and in the console
                self.broken(exc)

        proxy = create_proxy(guarded)
        self.proxies.append(proxy)
        target.addEventListener(kind, proxy)

    def broken(self, exc):
        window.console.error("checker: " + type(exc).__name__ + ": " + str(exc))
        self.status.textContent = (
            "Something went wrong in the checker. Reload the page: your answers are kept in its address."
        )

    def mount(self):
        # What was typed while the checker was starting stays, unless the fragment answers it.
        typed = [(q.key, self.read_control(q)) for q in self.state.questions]
        fragment = window.location.hash
        pairs = self.read_fragment(fragment) if looks_like_answers(fragment) else []
        drawn = dict(self.state.counts)
        self.state.load(pairs)
        given = [key for key, value in pairs]
        for key, value in typed:
            if key not in given and value != "":
                self.state.set_answer(key, value)
        self.draw_all(drawn)
        self._listen(self.form, "input", self.on_input)
        self._listen(self.form, "change", self.on_input)
        self._listen(self.form, "submit", self.on_submit)
        self._listen(self.root, "click", self.on_click)
        self._listen(the_window, "hashchange", self.on_hashchange)
        self._listen(the_window, "beforeprint", self.before_print)
        self.update()
        self.root.setAttribute("data-checker-ready", "")


def start(root):
    checker = Checker(root)
    try:
        checker.mount()
    except Exception as exc:
        checker.broken(exc)
        raise
    return checker


_HELD = []  # what JavaScript holds on to: the mounted checker and the observer's handler


def _complete_root():
    """The page's checker root, once the browser has read all of it (else None)."""
    root = document.querySelector("[data-checker]:not([data-checker-ready])")
    if root is not None and (root.nextSibling is not None or document.readyState != "loading"):
        return root
    return None


def main():
    """Mount the checker as soon as the browser has read all of its part of the page.

    PyScript starts from the top of the page and may run this while the
    browser is still reading it. The root is complete once something follows
    it; until then a MutationObserver waits for that (it is told before the
    theme's script runs), and DOMContentLoaded is the last word.
    """
    root = _complete_root()
    if root is not None:
        _HELD.append(start(root))
        return
    if document.readyState != "loading":
        return  # a page without a checker
    state = {"done": False}

    def check(*args):
        if state["done"]:
            return
        root = _complete_root()
        if root is None and document.readyState == "loading":
            return
        state["done"] = True
        observer.disconnect()
        if root is not None:
            _HELD.append(start(root))

    proxy = create_proxy(check)
    _HELD.append(proxy)
    observer = window.MutationObserver.new(proxy)
    observer.observe(document, window.JSON.parse('{"childList": true, "subtree": true}'))
    document.addEventListener("DOMContentLoaded", proxy)
