"""The eligibility checker on its page, run by PyScript on MicroPython.

The build compiles this module and the engine to MicroPython bytecode
(``widget.mpy``, ``engine.mpy``; see ``certkb/runtime.py``); PyScript runs a
two-line ``start.py`` that imports it and calls :func:`main`.

The page is rendered at build time (``certkb/checker_page.py`` and
``overrides/kb/checker.md.j2``): the form, the requirement checklist and a
JSON data block holding the compiled pathway. This file makes it live:

* fills the form from the URL fragment (``#experience_years=4&btap=true``,
  URLSearchParams syntax, the answers' JSON keys) and keeps the fragment in
  step as the educator answers (``history.replaceState``: no history entries,
  and a fragment is never sent to any server);
* re-evaluates with ``engine.py`` (the same engine as the command line) on
  every change, and shows each requirement's status, message and remaining
  amount, the overall status and any problem with an answer, next to its
  field and in the error summary;
* adds and removes entries of a list question (a repeatable group), and runs
  the "Copy link", "Start again" and "Print summary" buttons.

Text from answers and content is only ever set with ``textContent`` or as an
attribute value, never as HTML. Nothing is stored: the answers live in the
page's address only.

The helpers above ``class Checker`` are pure Python (no browser), so the test
suite imports this module on CPython to check them.
"""

import json

try:
    import js
    from jsffi import create_proxy
except ImportError:  # CPython (tests): only the pure helpers are used
    js = None

    def create_proxy(func):
        return func


try:
    import engine  # in the browser, PyScript puts engine.py next to this file
except ImportError:
    from checker import engine

STATUS_WORDS = {"met": "Met", "unmet": "Not met", "unknown": "Not answered yet"}

# --- the URL fragment (application/x-www-form-urlencoded, as URLSearchParams reads and writes it) ---

_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._"
_HEX = "0123456789ABCDEFabcdef"


def encode_component(text):
    """``text`` encoded as URLSearchParams.toString() encodes it."""
    out = []
    for b in text.encode("utf-8"):
        c = chr(b)
        if c in _UNRESERVED:
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append("%" + "%02X" % b)
    return "".join(out)


def _utf8(data):
    try:
        return bytes(data).decode("utf-8")
    except Exception:  # invalid UTF-8: like the browser, show U+FFFD for what cannot be read
        return "".join(chr(b) if b < 128 else "\ufffd" for b in data)


def decode_component(text):
    """``text`` decoded as URLSearchParams decodes it ('+' is a space; a stray '%' stays)."""
    data = bytearray()
    raw = text.replace("+", " ").encode("utf-8")
    i = 0
    n = len(raw)
    while i < n:
        b = raw[i]
        if b == 37 and i + 2 < n + 0 and chr(raw[i + 1]) in _HEX and chr(raw[i + 2]) in _HEX:
            data.append(int(chr(raw[i + 1]) + chr(raw[i + 2]), 16))
            i += 3
        else:
            data.append(b)
            i += 1
    return _utf8(data)


def parse_fragment(fragment):
    """The (key, value) pairs of a fragment, in order; a leading '#' is ignored."""
    if fragment.startswith("#"):
        fragment = fragment[1:]
    pairs = []
    for part in fragment.split("&"):
        if not part:
            continue
        eq = part.find("=")
        if eq < 0:
            pairs.append((decode_component(part), ""))
        else:
            pairs.append((decode_component(part[:eq]), decode_component(part[eq + 1:])))
    return pairs


def make_fragment(pairs):
    """The fragment (without '#') for (key, value) pairs; empty values are left out."""
    return "&".join(encode_component(k) + "=" + encode_component(v) for k, v in pairs if v != "")


def looks_like_answers(fragment):
    """True for '', '#' or a fragment of key=value pairs; False for an in-page anchor (#sources)."""
    body = fragment[1:] if fragment.startswith("#") else fragment
    return body == "" or "=" in body


# --- the form's questions, from the compiled pathway ---------------------------------------


def control_id(name, index=None, field=None):
    """The id the page gives an answer's control (see certkb/checker_page.py)."""
    if index is None:
        return "q-" + name
    return "q-" + name + "-" + str(index) + "-" + field


def entry_key(name, index, field):
    """The answer key of one field of one list entry, as in the URL fragment."""
    return name + "." + str(index) + "." + field


def split_entry_key(key):
    """(list name, index, field) for an entry key such as 'experience.0.years', else None."""
    parts = key.split(".")
    if len(parts) != 3 or not parts[1] or len(parts[1]) > 4:
        return None
    for ch in parts[1]:
        if ch not in "0123456789":
            return None
    return (parts[0], int(parts[1]), parts[2])


def error_key(field):
    """The answer key an engine error names: 'experience[1].years' -> 'experience.1.years'."""
    if not field:
        return ""
    field = str(field)
    open_at = field.find("[")
    if open_at > 0 and field.find("].") > open_at:
        close = field.find("].")
        return field[:open_at] + "." + field[open_at + 1:close] + "." + field[close + 2:]
    return field


def widget_for(spec):
    """How the page draws a question: 'text', 'radios' or 'select' (as checker_page.py does)."""
    kind = spec["type"]
    if kind == "boolean":
        return "radios"
    if kind == "choice":
        return "select" if len(spec["choices"]) > 6 else "radios"
    return "text"


def options_of(spec):
    if spec["type"] == "boolean":
        return [("true", "Yes"), ("false", "No")]
    if spec["type"] == "choice":
        return [(c["value"], c["label"]) for c in spec["choices"]]
    return []


def entries_in(pairs, name):
    """How many entries of list ``name`` the (key, value) pairs describe (highest index + 1)."""
    count = 0
    for key, value in pairs:
        parts = split_entry_key(key)
        if parts and parts[0] == name and parts[1] + 1 > count:
            count = parts[1] + 1
    return count


def engine_answers(pathway, pairs):
    """The text answers the engine reads (``from_text=True``): one string per key, '' = unanswered.

    Top-level questions keep their names; a list becomes a list of entries,
    each a dict of its fields' strings.
    """
    answers = {}
    lists = {}
    for spec in pathway["inputs"]:
        if spec["type"] == "list":
            lists[spec["name"]] = spec
    for key, value in pairs:
        parts = split_entry_key(key)
        if parts and parts[0] in lists:
            entries = answers.get(parts[0])
            if entries is None:
                entries = answers[parts[0]] = []
            while len(entries) <= parts[1]:
                entries.append({})
            entries[parts[1]][parts[2]] = value
        else:
            answers[key] = value
    return answers


def format_value(spec, value):
    """An answer as the printed summary shows it."""
    for v, label in options_of(spec):
        if v == value:
            return label
    unit = spec.get("unit")
    return value + " " + unit if unit and spec["type"] == "number" else value


def overall_words(result):
    """The sentence for the overall status."""
    unmet = 0
    unknown = 0
    for r in result["requirements"]:
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
    return "Not complete: answer the questions for " + _count(unknown, "more requirement", "more requirements") + "."


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


# --- the page --------------------------------------------------------------------------------


class Checker:
    """One checker form on the page, made live."""

    def __init__(self, root):
        self.root = root
        self.doc = js.document
        self.pathway = json.loads(root.querySelector(".checker-data").textContent)
        self.specs = {}
        for spec in self.pathway["inputs"]:
            self.specs[spec["name"]] = spec
        self.form = root.querySelector(".checker-form")
        self.summary = root.querySelector(".checker-errors")
        self.summary_list = root.querySelector(".checker-errors-list")
        self.status = root.querySelector("[data-checker-status]")
        self.expiry = root.querySelector(".checker-expiry")
        self.copied = root.querySelector(".checker-copied")
        self.requirements = []
        for r in self.pathway["requirements"]:
            li = root.querySelector('[data-requirement-id="' + r["id"] + '"]')
            self.requirements.append({
                "li": li,
                "badge": li.querySelector(".checker-badge"),
                "message": li.querySelector(".checker-message"),
                "remaining": li.querySelector(".checker-remaining"),
                "unit": self._unit_of(r),
                "shown": None,
            })
        self.counts = {}  # list name -> number of entries on the page
        self.controls = []  # [key, spec, widget, element or [radios]] in page order
        self.fields = {}  # key -> (field element, error element, control id, id to focus)
        self.labels = {}  # key -> the question's label, as the error summary names it
        self.pending = []  # fragment answers the form cannot hold (unknown keys, values no option has)
        self.revealed = []  # keys whose problems are shown
        self.errors_shown = []  # the page is drawn with no problem shown
        self.fragment = None
        self.status_shown = None
        self.words_shown = None
        self.address = js.window.location.pathname + js.window.location.search  # the page, without a fragment
        self.expiry_shown = None
        self.proxies = []
        self.listening = []  # (target, event type, handler)

    # -- finding the controls --

    def _unit_of(self, requirement):
        for check in requirement["checks"]:
            for name in check["inputs"]:
                unit = self.specs.get(name, {}).get("unit")
                if unit:
                    return unit
        return ""

    def _bind(self, key, spec, cid):
        widget = widget_for(spec)
        if widget == "radios":
            element = [(v, self.doc.getElementById(cid + "-" + v)) for v, label in options_of(spec)]
            focus_id = cid + "-" + options_of(spec)[0][0]
            field = self.doc.getElementById(cid)
        else:
            element = self.doc.getElementById(cid)
            focus_id = cid
            field = element.closest(".checker-field")
        self.controls.append([key, spec, widget, element])
        self.fields[key] = (field, self.doc.getElementById(cid + "-error"), cid, focus_id)
        parts = split_entry_key(key)
        if parts:
            self.labels[key] = self.specs[parts[0]]["label"] + ", entry " + str(parts[1] + 1) + ": " + spec["label"]
        else:
            self.labels[key] = spec["label"]

    def _collect_controls(self):
        self.controls = []
        self.fields = {}
        for spec in self.pathway["inputs"]:
            name = spec["name"]
            if spec["type"] == "list":
                self.fields[name] = (self.doc.getElementById(control_id(name)),
                                     self.doc.getElementById(control_id(name) + "-error"), control_id(name),
                                     control_id(name))
                self.labels[name] = spec["label"]
                for i in range(self.counts.get(name, 0)):
                    for f in spec["fields"]:
                        self._bind(entry_key(name, i, f["name"]), f, control_id(name, i, f["name"]))
            else:
                self._bind(name, spec, control_id(name))

    # -- reading and writing answers --

    def read(self):
        """The form's answers: (key, text) pairs in page order, unanswered ones left out."""
        pairs = []
        for key, spec, widget, element in self.controls:
            if widget == "radios":
                value = ""
                for v, radio in element:
                    if radio.checked:
                        value = v
                        break
            else:
                value = element.value.strip()
            if value != "":
                pairs.append((key, value))
        return pairs

    def _set(self, control, value):
        key, spec, widget, element = control
        if widget == "radios":
            found = False
            for v, radio in element:
                radio.checked = v == value
                found = found or v == value
            return found or value == ""
        if widget == "select":
            element.value = value
            return element.value == value
        element.value = value
        return True

    def fill(self, pairs, clear=True):
        """Put fragment answers into the form; what the form cannot hold is kept in ``pending``.

        With ``clear``, every other control is emptied; without, what the form
        already holds stays (answers typed while the checker was starting).
        """
        for spec in self.pathway["inputs"]:
            if spec["type"] == "list":
                count = max(1, entries_in(pairs, spec["name"]))
                if count != self.counts.get(spec["name"]):
                    self._set_entries(spec["name"], count, [])
        self._collect_controls()
        by_key = {}
        for control in self.controls:
            by_key[control[0]] = control
        self.pending = []
        seen = []
        if clear:
            for control in self.controls:
                self._set(control, "")
        for key, value in pairs:
            control = by_key.get(key)
            if key in seen:
                continue
            seen.append(key)
            if control is None or not self._set(control, value):
                self.pending.append((key, value))
        self.revealed = [key for key, value in pairs]

    # -- list entries --

    def _entries(self, name):
        return self.root.querySelector('[data-entries="' + name + '"]')

    def _most(self, name):
        return self.specs[name].get("max_entries") or engine.DEFAULT_MAX_ENTRIES

    def _append_entry(self, name, box, template, i):
        """Add entry ``i`` of list ``name``: a copy of the page's <template>, numbered."""
        node = template.content.cloneNode(True)
        for el in node.querySelectorAll("[id],[for],[name],[aria-describedby],[data-key],[data-entry],[data-index]"):
            for attr in ("id", "for", "name", "aria-describedby", "data-key", "data-entry", "data-index"):
                v = el.getAttribute(attr)
                if v and "__i__" in v:
                    el.setAttribute(attr, v.replace("__i__", str(i)))
        for el in node.querySelectorAll("[data-entry-number]"):
            el.textContent = str(i + 1)
        remove = node.querySelector('[data-action="remove"]')
        if remove:
            remove.textContent = "Remove entry " + str(i + 1)
        box.appendChild(node)

    def _entries_drawn(self, name, count):
        self.counts[name] = count
        add = self.root.querySelector('[data-action="add"][data-list="' + name + '"]')
        if add:
            add.textContent = "Add another entry" if count else "Add an entry"
            add.hidden = count >= self._most(name)

    def _set_entries(self, name, count, values):
        """Draw ``count`` entries of list ``name`` (values: (key, text) pairs to put back)."""
        count = min(count, self._most(name))
        box = self._entries(name)
        template = self.root.querySelector('[data-entry-template="' + name + '"]')
        box.replaceChildren()
        for i in range(count):
            self._append_entry(name, box, template, i)
        self._entries_drawn(name, count)
        if values:
            self._collect_controls()
            by_key = {}
            for control in self.controls:
                by_key[control[0]] = control
            for key, value in values:
                if key in by_key:
                    self._set(by_key[key], value)

    def _renumbered(self, pairs, name, removed):
        """The answers with entry ``removed`` of list ``name`` gone and later entries moved up."""
        out = []
        for key, value in pairs:
            parts = split_entry_key(key)
            if parts and parts[0] == name:
                if parts[1] == removed:
                    continue
                if parts[1] > removed:
                    key = entry_key(name, parts[1] - 1, parts[2])
            out.append((key, value))
        return out

    def add_entry(self, name):
        count = self.counts.get(name, 0) + 1
        if count > self._most(name):
            return
        template = self.root.querySelector('[data-entry-template="' + name + '"]')
        self._append_entry(name, self._entries(name), template, count - 1)
        self._entries_drawn(name, count)
        self._collect_controls()
        self.announce(name, "Entry " + str(count) + " added.")
        spec = self.specs[name]
        first = self.doc.getElementById(self.fields[entry_key(name, count - 1, spec["fields"][0]["name"])][3])
        if first:
            first.focus()
        self.update()

    def remove_entry(self, name, index):
        pairs = self._renumbered(self.read(), name, index)
        self.revealed = [k for k, v in self._renumbered([(k, "") for k in self.revealed], name, index)]
        count = max(0, self.counts.get(name, 0) - 1)
        self._set_entries(name, count, pairs)
        self._collect_controls()
        self.announce(name, "Entry " + str(index + 1) + " removed.")
        spec = self.specs[name]
        if count:
            target = self.fields[entry_key(name, min(index, count - 1), spec["fields"][0]["name"])][3]
            self.doc.getElementById(target).focus()
        else:
            self.root.querySelector('[data-action="add"][data-list="' + name + '"]').focus()
        self.update()

    def announce(self, name, text):
        box = self.doc.getElementById(control_id(name))
        status = box.querySelector(".checker-list-status") if box else None
        if status:
            status.textContent = text

    # -- evaluating and showing the result --

    def evaluate(self, pairs):
        answers = engine_answers(self.pathway, pairs + self.pending)
        values, errors = engine.parse_answers(self.pathway, answers, True)
        return engine.evaluate(self.pathway, values), errors

    def update(self, reveal=None):
        """Read the form, evaluate, and show the result, the problems and the new fragment."""
        pairs = self.read()
        result, errors = self.evaluate(pairs)
        if reveal and reveal not in self.revealed:
            self.revealed.append(reveal)
        self.show_errors(errors)
        self.show_result(result)
        self.sync_fragment(pairs + self.pending)

    def show_errors(self, errors):
        by_key = {}
        order = []
        for field, message in errors:
            key = error_key(field)
            if not key and message.startswith("give either '"):
                key = message.split("'")[3]  # "give either 'a' or 'b', not both": shown at b, the later question
                if key not in self.revealed:
                    self.revealed.append(key)
            if key not in self.fields:
                key = ""
            if key and key not in self.revealed:
                continue
            if key not in by_key:
                by_key[key] = []
                order.append(key)
            by_key[key].append(message)
        # A key whose problem is fixed is no longer revealed: the next mistake shows when the field is left.
        self.revealed = [k for k in self.revealed if k in by_key]
        # The summary lists problems in the order of the form; those about no one question first.
        place = {"": -1}
        for i in range(len(self.controls)):
            place[self.controls[i][0]] = i
        for name in self.specs:
            if self.specs[name]["type"] == "list" and name in self.fields:
                place[name] = place.get(entry_key(name, 0, self.specs[name]["fields"][0]["name"]), 0) - 0.5
        order.sort(key=lambda k: place.get(k, len(place)))
        state = [(k, by_key[k]) for k in order]
        if state == self.errors_shown:
            return
        self.errors_shown = state
        for key in self.fields:
            field, error, cid, focus_id = self.fields[key]
            messages = by_key.get(key)
            if error is None:
                continue
            if messages:
                error.textContent = " ".join(messages)
                error.hidden = False
            elif not error.hidden:
                error.textContent = ""
                error.hidden = True
            if field is not None:
                field.classList.toggle("checker-field--error", bool(messages))
            self._describe(key, cid, bool(messages))
        self.summary_list.replaceChildren()
        for key in order:
            for message in by_key[key]:
                li = self.doc.createElement("li")
                if key:
                    a = self.doc.createElement("a")
                    a.href = "#" + self.fields[key][3]
                    a.setAttribute("data-focus", self.fields[key][3])
                    a.textContent = self.labels.get(key, key) + ": " + message
                    li.appendChild(a)
                else:
                    li.textContent = message
                self.summary_list.appendChild(li)
        self.summary.hidden = not order

    def _describe(self, key, cid, invalid):
        """aria-describedby and aria-invalid of a control: its hint, unit and (when shown) its error."""
        control = self.doc.getElementById(cid)
        if control is None:
            return
        ids = [i for i in (control.getAttribute("aria-describedby") or "").split() if i != cid + "-error"]
        if invalid:
            ids.append(cid + "-error")
        if ids:
            control.setAttribute("aria-describedby", " ".join(ids))
        else:
            control.removeAttribute("aria-describedby")
        if invalid:
            control.setAttribute("aria-invalid", "true")
        else:
            control.removeAttribute("aria-invalid")

    def show_result(self, result):
        if result["status"] != self.status_shown:
            self.status_shown = result["status"]
            self.status.setAttribute("data-checker-status", result["status"])
        words = overall_words(result)
        if words != self.words_shown:
            self.words_shown = words
            self.status.textContent = words
        for item, r in zip(self.requirements, result["requirements"]):
            state = (r["status"], r["message"], r["remaining"])
            if state == item["shown"]:
                continue
            item["shown"] = state
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
        expiry = result.get("expires_on")
        if expiry != self.expiry_shown:
            self.expiry_shown = expiry
            self.expiry.textContent = ("Your certificate expires on " + expiry + ".") if expiry else ""
            self.expiry.hidden = not expiry

    def sync_fragment(self, pairs):
        fragment = make_fragment(pairs)
        if fragment == self.fragment:
            return
        url = self.address + ("#" + fragment if fragment else "")
        if self.fragment is not None or url != self.address + js.window.location.hash:
            js.window.history.replaceState(js.window.history.state, "", url)
        self.fragment = fragment

    def share_url(self):
        fragment = make_fragment(self.read() + self.pending)
        return js.window.location.origin + self.address + ("#" + fragment if fragment else "")

    # -- buttons --

    def copy_link(self):
        url = self.share_url()
        self.copied.textContent = ""

        def done(_=None):
            self.copied.textContent = "Link copied. Anyone you send it to sees these answers."

        def failed(_=None):
            self.copied.textContent = "Your browser did not let the page copy. Copy the link from the address bar."

        clipboard = js.navigator.clipboard
        if clipboard is None:
            failed()
            return
        done_proxy = create_proxy(done)
        failed_proxy = create_proxy(failed)
        self.proxies += [done_proxy, failed_proxy]
        clipboard.writeText(url).then(done_proxy, failed_proxy)

    def start_again(self):
        self.pending = []
        self.revealed = []
        self.fill([])
        self.copied.textContent = ""
        self.update()
        first = self.controls[0] if self.controls else None
        if first:
            self.doc.getElementById(self.fields[first[0]][3]).focus()

    def print_summary(self):
        self.before_print()
        js.window.print()

    def before_print(self, _=None):
        """Fill the print-only part: the answers, the date and the link to them."""
        box = self.root.querySelector(".checker-answers")
        box.replaceChildren()
        labels = {}
        for spec in self.pathway["inputs"]:
            labels[spec["name"]] = spec
        for key, value in self.read():
            parts = split_entry_key(key)
            if parts:
                spec = None
                for f in self.specs[parts[0]]["fields"]:
                    if f["name"] == parts[2]:
                        spec = f
                label = self.specs[parts[0]]["label"] + ", entry " + str(parts[1] + 1) + ": " + spec["label"]
            else:
                spec = labels[key]
                label = spec["label"]
            dt = self.doc.createElement("dt")
            dt.textContent = label
            dd = self.doc.createElement("dd")
            dd.textContent = format_value(spec, value)
            box.appendChild(dt)
            box.appendChild(dd)
        if not box.firstChild:
            dd = self.doc.createElement("dd")
            dd.textContent = "No answers given."
            box.appendChild(dd)
        self.root.querySelector(".checker-printed-on").textContent = js.Date.new().toLocaleDateString(js.undefined, js.JSON.parse('{"dateStyle": "long"}'))
        self.root.querySelector(".checker-print-link").textContent = "Link to these answers: " + self.share_url()

    # -- events --

    def on_input(self, event):
        target = event.target
        key = target.getAttribute("data-key")
        if key is None:
            return
        if self.pending:
            self.pending = [(k, v) for k, v in self.pending if k != key]
        self.update(reveal=key if event.type == "change" else None)

    def on_click(self, event):
        link = event.target.closest("[data-focus]")
        if link:
            event.preventDefault()  # keep the answers in the fragment: do not follow '#id'
            control = self.doc.getElementById(link.getAttribute("data-focus"))
            if control:
                control.focus()
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
        fragment = js.window.location.hash
        if not looks_like_answers(fragment) or make_fragment(parse_fragment(fragment)) == self.fragment:
            return
        self.fill(parse_fragment(fragment))
        self.update()

    def _listen(self, target, kind, handler):
        def guarded(event=None):
            try:
                handler(event)
            except Exception as exc:  # a bug: say so in the page and in the console
                self.broken(exc)

        proxy = create_proxy(guarded)
        self.proxies.append(proxy)
        self.listening.append((target, kind, proxy))
        target.addEventListener(kind, proxy)

    def unmount(self):
        """Stop listening: the page has replaced this checker (Material's instant navigation)."""
        for target, kind, proxy in self.listening:
            target.removeEventListener(kind, proxy)
        self.listening = []

    def broken(self, exc):
        js.console.error("checker: " + type(exc).__name__ + ": " + str(exc))
        self.status.textContent = (
            "Something went wrong in the checker. Reload the page: your answers are kept in its address."
        )

    def mount(self):
        # Entries: the page is drawn with one entry per list; start from its numbering scheme.
        for spec in self.pathway["inputs"]:
            if spec["type"] == "list":
                self.counts[spec["name"]] = 1
        fragment = js.window.location.hash
        pairs = parse_fragment(fragment) if looks_like_answers(fragment) else []
        self.fill(pairs, clear=False)
        self._listen(self.form, "input", self.on_input)
        self._listen(self.form, "change", self.on_input)
        self._listen(self.form, "submit", self.on_submit)
        self._listen(self.root, "click", self.on_click)
        self._listen(js.window, "hashchange", self.on_hashchange)
        self._listen(js.window, "beforeprint", self.before_print)
        self.update()
        self.root.setAttribute("data-checker-ready", "")


def start(root):
    # A page that replaces its content without a reload (Material's instant navigation) runs
    # this script again for the new page: let go of checkers no longer in the page.
    for held in _HELD:
        if hasattr(held, "unmount") and held.listening and not held.root.isConnected:
            held.unmount()
    checker = Checker(root)
    try:
        checker.mount()
    except Exception as exc:
        checker.broken(exc)
        raise
    return checker


_HELD = []  # what JavaScript holds on to: the mounted checkers and their handlers


def _complete_root():
    """The page's checker root, once the browser has read all of it (else None)."""
    root = js.document.querySelector("[data-checker]:not([data-checker-ready])")
    if root is not None and (root.nextSibling is not None or js.document.readyState != "loading"):
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
    if js.document.readyState != "loading":
        return  # a page without a checker
    state = {"done": False}

    def check(*args):
        if state["done"]:
            return
        root = _complete_root()
        if root is None and js.document.readyState == "loading":
            return
        state["done"] = True
        observer.disconnect()
        if root is not None:
            _HELD.append(start(root))

    proxy = create_proxy(check)
    _HELD.append(proxy)
    observer = js.MutationObserver.new(proxy)
    observer.observe(js.document, js.JSON.parse('{"childList": true, "subtree": true}'))
    js.document.addEventListener("DOMContentLoaded", proxy)


