"""The eligibility rules engine.

Runs unchanged on CPython 3.11+ and on MicroPython 1.28 (PyScript's
interpreter in the browser), so it keeps to the language both share:
no dataclasses, typing, enum, match, functools or collections; nothing that
relies on a dict's order (MicroPython's dicts keep none: anything ordered is a
list); no ``repr`` of floats or strings in text a person reads (the two
interpreters write them differently); no eval or exec.

It evaluates a *compiled pathway*: plain JSON data that
:func:`certkb.pathway.compile_pathway` makes from ``content/pathways/*.yml``::

    {"id", "title", "jurisdiction",
     "inputs": [{"name", "type": "number"|"boolean"|"choice"|"date"|"list",
                 "label", "hint", "unit", "at_least", "more_than", "at_most",
                 "choices": [{"value", "label"}], "fields": [<input>...],
                 "instead_of", "max_entries"}],
     "requirements": [{"id", "title", "text", "source", "met",
                       "checks": [{"rule": <node>, "text", "unmet", "unknown",
                                   "inputs": [name...],
                                   "quantity": <node>|null, "threshold": number|null}]}],
     "expiry": {"input", "years"}|null,
     "sources": [...], "determination", "next_steps": [...]}

A rule node is a JSON list whose first item names it: ``["num", 4]``,
``["str", "mo_public"]``, ``["bool", true]``, ``["input", name]``,
``["field", name]`` (a field of the list entry being summed), ``["and", [nodes]]``,
``["or", [nodes]]``, ``["not", node]``, ``["cmp", op, a, b]`` (numbers; op is
one of >= > <= < == !=), ``["eq", a, b]`` / ``["ne", a, b]`` (choices),
``["in", a, [values]]``, ``["add", a, b]``, ``["sub", a, b]``,
``["mul", number, a]``, ``["sum", list, value_node, condition_node|null]``.

The entry points: :func:`evaluate` (raises :class:`AnswerError`), :func:`run`
(never raises), :func:`find_problems` (what is wrong with answers: each problem
a ``code``, a ``path`` such as ``("experience", 1, "fte")`` and ``params``;
:func:`message` and :func:`problem_line` make the words from them, in one place),
:func:`check_answers` (the problems as the command line prints them), and
:func:`parse_answers` (the browser form: text to answers, keeping what is usable).

Three-valued logic. An unanswered yes/no question is *unknown*; an unanswered
number is an interval, from its lowest allowed value to its highest, so
``pd_contact_hours + 15 * pd_semester_hours >= 40`` is already met when 45
contact hours are given and the semester hours are not. ``and``/``or``/``not``
follow Kleene's rules. A requirement is ``met`` when all its checks are met,
``unmet`` when any is unmet, and ``unknown`` otherwise.
"""

INF = float("inf")

STATUSES = ("met", "unmet", "unknown")
OVERALL = ("eligible", "not_yet", "incomplete")

DEFAULT_MAX_ENTRIES = 100
_DIGITS = "0123456789"


class AnswerError(Exception):
    """The answers cannot be evaluated; ``problems`` holds one line per problem."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


# --- words for people ---------------------------------------------------------------------


def format_number(x):
    """A number as a person reads it: no exponent, at most six decimals.

    Written with integer arithmetic so that CPython and MicroPython (whose
    float printing differs) give the same text.
    """
    if type(x) is bool:
        return "true" if x else "false"
    if type(x) is int:
        # Compare before converting: CPython refuses str() of ints over 4300 digits.
        if -10 ** 18 < x < 10 ** 18:
            return str(x)
        return "a very large negative number" if x < 0 else "a very large number"
    if x != x:
        return "NaN"
    neg = x < 0
    if neg:
        x = -x
    if x >= 1e15:
        if x == INF:
            return "-infinity" if neg else "infinity"
        return "a very large negative number" if neg else "a very large number"
    n = int(x * 1000000 + 0.5)
    text = str(n // 1000000)
    frac = n % 1000000
    if frac:
        digits = str(frac)
        text += "." + ("0" * (6 - len(digits)) + digits).rstrip("0")
    return ("-" if neg and n else "") + text


def quote(text, limit=40):
    out = ""
    for ch in text[:limit]:
        code = ord(ch)
        if ch == "\n":
            out += "\\n"
        elif code < 32 or code == 127 or 0x2028 <= code <= 0x2029:
            out += "?"
        else:
            out += ch
    return "'" + out + ("..." if len(text) > limit else "") + "'"


def show(value):
    """A JSON value, named in a message."""
    if value is None:
        return "null"
    if type(value) is bool or type(value) is int or type(value) is float:
        return format_number(value)
    if type(value) is str:
        return "the text " + quote(value)
    if type(value) is list:
        return "a list"
    if type(value) is dict:
        return "an object"
    return "a value of an unsupported kind"


def _distance(a, b, limit):
    """Edit distance (adjacent swaps count as one), or limit + 1 when larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2 = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d = min(d, prev2[j - 2] + 1)
            cur[j] = d
            if d < best:
                best = d
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


def suggest(word, choices):
    """The choice closest to ``word`` (a likely typo of it), or None."""
    if type(word) is not str or not word or len(word) > 100:
        return None
    low = word.lower()
    limit = max(1, (len(word) * 2) // 5)
    best = None
    best_d = limit + 1
    for choice in choices:
        d = _distance(low, choice.lower(), limit)
        if d < best_d:
            best, best_d = choice, d
    return best


def did_you_mean(word, choices):
    return _hint(suggest(word, choices))


def _hint(suggestion):
    return " (did you mean '" + suggestion + "'?)" if suggestion else ""


# --- dates (MicroPython has no datetime) ----------------------------------------------------


def _leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _days_in_month(y, m):
    if m == 2:
        return 29 if _leap(y) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def parse_date(text):
    """(year, month, day) for a 'YYYY-MM-DD' calendar date, else None."""
    if type(text) is not str or len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    for i in (0, 1, 2, 3, 5, 6, 8, 9):
        if text[i] not in _DIGITS:
            return None
    y, m, d = int(text[0:4]), int(text[5:7]), int(text[8:10])
    if y < 1900 or m < 1 or m > 12 or d < 1 or d > _days_in_month(y, m):
        return None
    return (y, m, d)


def format_date(ymd):
    y, m, d = ymd
    return str(y) + "-" + ("0" if m < 10 else "") + str(m) + "-" + ("0" if d < 10 else "") + str(d)


def add_years(ymd, years):
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    y, m, d = ymd
    y += years
    if d > _days_in_month(y, m):
        d = _days_in_month(y, m)
    return (y, m, d)


# --- checking answers -----------------------------------------------------------------------


def _range_words(spec):
    """'at least 0 and at most 60', from an input's (or a problem's) 'at_least', 'more_than', 'at_most'."""
    parts = []
    if spec.get("at_least") is not None:
        parts.append("at least " + format_number(spec["at_least"]))
    if spec.get("more_than") is not None:
        parts.append("more than " + format_number(spec["more_than"]))
    if spec.get("at_most") is not None:
        parts.append("at most " + format_number(spec["at_most"]))
    return " and ".join(parts)


def problem(code, path, params=None):
    """One problem with the answers: what is wrong (``code``), where (``path``) and the details.

    ``path`` is a tuple naming the answer, ``("experience_years",)`` or
    ``("experience", 1, "fte")``; ``()`` is the answers as a whole. The words
    for people are made from these by :func:`message`, and nowhere else.
    """
    return {"code": code, "path": path, "params": params or {}}


def _check_number(spec, value, path, problems):
    if type(value) is not int and type(value) is not float:
        problems.append(problem("not_a_number", path, {"value": value}))
        return
    if type(value) is float and (value != value or value == INF or value == -INF):
        problems.append(problem("not_an_ordinary_number", path, {"value": value}))
        return
    low = spec.get("at_least")
    above = spec.get("more_than")
    high = spec.get("at_most")
    if (low is not None and value < low) or (above is not None and value <= above) or (
        high is not None and value > high
    ):
        problems.append(problem("out_of_range", path, {
            "value": value, "at_least": low, "more_than": above, "at_most": high}))


def _choice_values(spec):
    return [c["value"] for c in spec["choices"]]


def _check_value(spec, value, path, problems):
    kind = spec["type"]
    if kind == "number":
        _check_number(spec, value, path, problems)
    elif kind == "boolean":
        if type(value) is not bool:
            problems.append(problem("not_true_or_false", path, {"value": value}))
    elif kind == "choice":
        values = _choice_values(spec)
        if type(value) is not str:
            problems.append(problem("choice_not_text", path, {"value": value, "choices": values}))
        elif value not in values:
            problems.append(problem("unknown_choice", path, {
                "value": value, "choices": values, "suggestion": suggest(value, values)}))
    elif kind == "date":
        if type(value) is not str:
            problems.append(problem("date_not_text", path, {"value": value}))
        elif parse_date(value) is None:
            problems.append(problem("invalid_date", path, {"value": value}))
    elif kind == "list":
        _check_list(spec, value, path, problems)


def _check_list(spec, value, path, problems):
    if type(value) is not list:
        problems.append(problem("not_a_list", path, {"value": value}))
        return
    most = spec.get("max_entries") or DEFAULT_MAX_ENTRIES
    if len(value) > most:
        problems.append(problem("too_many_entries", path, {"count": len(value), "most": most}))
        return
    fields = spec["fields"]
    names = [f["name"] for f in fields]
    for i in range(len(value)):
        entry = value[i]
        here = path + (i,)
        if type(entry) is not dict:
            problems.append(problem("entry_not_an_object", here, {"value": entry, "fields": names}))
            continue
        for key in sorted([str(k) for k in entry]):
            if key not in names:
                problems.append(problem("unknown_field", here, {"field": key, "suggestion": suggest(key, names)}))
        for f in fields:
            v = entry.get(f["name"])
            if v is not None:
                _check_value(f, v, here + (f["name"],), problems)


def find_problems(pathway, answers):
    """Every problem with ``answers``, as :func:`problem` dicts, in the order they are reported."""
    if type(answers) is not dict:
        return [problem("answers_not_an_object", (), {"value": answers})]
    problems = []
    inputs = pathway["inputs"]
    names = [spec["name"] for spec in inputs]
    unknown = 0
    for key in sorted([str(k) for k in answers]):
        if key not in names:
            unknown += 1  # suggestions for the first few only: a flood of keys is not a typo
            problems.append(problem("unknown_answer", (), {
                "key": key, "suggestion": suggest(key, names) if unknown <= 20 else None}))
    for spec in inputs:
        value = answers.get(spec["name"])
        if value is None:
            continue
        _check_value(spec, value, (spec["name"],), problems)
        other = spec.get("instead_of")
        if other and answers.get(other) is not None:
            # About both answers; shown at this one, the later question.
            problems.append(problem("both_given", (spec["name"],), {"other": other}))
    return problems


def where(path):
    """A path as the command line names the answer: 'experience[1].fte'."""
    out = ""
    for part in path:
        if type(part) is int:
            out += "[" + str(part) + "]"
        else:
            out += ("." if out else "") + part
    return out


def message(p):
    """The words for one problem (the command line's, after 'where: ')."""
    code = p["code"]
    params = p["params"]
    value = params.get("value")
    if code == "not_a_number":
        return "should be a number, not " + show(value)
    if code == "not_an_ordinary_number":
        return "should be an ordinary number, not " + show(value)
    if code == "out_of_range":
        return "must be " + _range_words(params) + " (got " + format_number(value) + ")"
    if code == "not_true_or_false":
        return "should be true or false, not " + show(value)
    if code == "choice_not_text":
        return "should be one of " + ", ".join(params["choices"]) + "; not " + show(value)
    if code == "unknown_choice":
        return ("unknown value " + quote(value) + _hint(params["suggestion"])
                + "; choose one of " + ", ".join(params["choices"]))
    if code == "date_not_text":
        return "should be a date written YYYY-MM-DD, not " + show(value)
    if code == "invalid_date":
        return quote(value) + " is not a valid date; write it as YYYY-MM-DD, e.g. 2024-08-15"
    if code == "not_a_list":
        return "should be a list of entries, not " + show(value)
    if code == "too_many_entries":
        return "has " + str(params["count"]) + " entries; at most " + str(params["most"]) + " are allowed"
    if code == "entry_not_an_object":
        return "should be an object with the fields " + ", ".join(params["fields"]) + "; not " + show(value)
    if code == "unknown_field":
        return "unknown field " + quote(params["field"]) + _hint(params["suggestion"])
    if code == "unknown_answer":
        return "unknown answer " + quote(params["key"]) + _hint(params["suggestion"])
    if code == "both_given":
        return "give either '" + params["other"] + "' or '" + p["path"][0] + "', not both"
    if code == "answers_not_an_object":
        return "the answers should be a JSON object of 'question: answer' pairs, not " + show(value)
    raise ValueError("unknown problem code '" + str(code) + "'")


# Problems whose words name the answers they are about: no 'where: ' before them.
_NAMED_IN_MESSAGE = ("both_given",)


def problem_line(p):
    """One problem as the command line prints it: 'where: message'."""
    at = "" if p["code"] in _NAMED_IN_MESSAGE else where(p["path"])
    return at + ": " + message(p) if at else message(p)


def check_answers(pathway, answers):
    """Every problem with ``answers`` (one line each, naming the field), or []."""
    return [problem_line(p) for p in find_problems(pathway, answers)]


def _number_from_text(text):
    """A number typed in a form ('4', '3.5', '-1'); other text is returned as it is, for its message."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if body == "" or body == "." or body.count(".") > 1:
        return text
    for ch in body:
        if ch != "." and ch not in _DIGITS:
            return text
    if len(body) > 300:
        # Far past any bound; int() would raise on CPython (over 4300 digits) where
        # MicroPython would not, and float() would call it infinity.
        return -1e300 if text[:1] == "-" else 1e300
    return float(text) if "." in body else int(text)


def _from_text(spec, text):
    """A form's text as the answer JSON would give it; '' is not answered."""
    if type(text) is not str:
        return text
    text = text.strip()
    if text == "":
        return None
    kind = spec["type"]
    if kind == "number":
        return _number_from_text(text)
    if kind == "boolean" and (text == "true" or text == "false"):
        return text == "true"
    return text


def parse_answers(pathway, answers, from_text=False):
    """(values, problems): the answers that can be used, and the problems (:func:`problem`) of the rest.

    For the browser form: ``from_text`` turns the form's text (also what a
    link's #fragment holds) into answers first (numbers, true/false; '' is
    not answered). The problems are those of :func:`find_problems`. ``values`` leaves
    out every answer with a problem, so the rest can still be evaluated.
    """
    if type(answers) is not dict:
        return {}, find_problems(pathway, answers)
    specs = {}
    for spec in pathway["inputs"]:
        specs[spec["name"]] = spec
    values = {}
    for key in answers:
        value = answers[key]
        spec = specs.get(key)
        if spec is not None and spec["type"] == "list" and type(value) is list:
            # A copy: leaving out a bad field must not change the caller's answers.
            value = [_row_from_text(spec, row) if from_text else (dict(row) if type(row) is dict else row)
                     for row in value]
        elif from_text and spec is not None:
            value = _from_text(spec, value)
        if value is not None or spec is None:
            values[key] = value
    problems = find_problems(pathway, values)
    for p in problems:
        _drop(values, specs, p)
    for key in list(values):
        if key not in specs:
            del values[key]
    return values, problems


def _row_from_text(spec, row):
    if type(row) is not dict:
        return row
    entry = {}
    for key in row:
        value = row[key]
        for f in spec["fields"]:
            if f["name"] == key:
                value = _from_text(f, value)
        if value is not None and value != "":
            entry[key] = value
    return entry


def _drop(values, specs, p):
    """Leave out the answer a problem is about."""
    path = p["path"]
    if not path:
        return  # unknown answers are left out by parse_answers
    name = path[0]
    if len(path) == 1:
        values.pop(name, None)
        if p["code"] == "both_given":
            values.pop(p["params"]["other"], None)
        return
    entries = values.get(name)
    entry = entries[path[1]]
    if len(path) > 2:
        entry.pop(path[2], None)
    elif type(entry) is dict:  # unknown fields: keep the ones the list has
        names = [f["name"] for f in specs[name]["fields"]]
        for key in list(entry):
            if key not in names:
                del entry[key]
    else:
        entries[path[1]] = {}


# --- evaluating -----------------------------------------------------------------------------


def _unknown(spec):
    kind = spec["type"]
    if kind != "number":
        return None
    low = spec.get("at_least")
    if low is None:
        low = spec.get("more_than")
    high = spec.get("at_most")
    return (-INF if low is None else low, INF if high is None else high)


def _fix(x, fallback):
    return fallback if x != x else x


class _Scope:
    """Where names are looked up: the answers, and the list entry being summed."""

    def __init__(self, specs, answers, replaced, entry=None, fields=None):
        self.specs = specs
        self.answers = answers
        self.replaced = replaced
        self.entry = entry
        self.fields = fields
        self.unsure = []  # [list name, index, fields read unanswered] of entries whose contribution is not known
        self.unread = []  # the entry's unanswered fields that were read

    def input(self, name):
        spec = self.specs[name]
        value = self.answers.get(name)
        if value is None:
            if name in self.replaced:
                return [] if spec["type"] == "list" else (0, 0)
            return _unknown(spec)
        if spec["type"] == "number":
            return (value, value)
        return value

    def field(self, name):
        spec = self.fields[name]
        value = self.entry.get(name)
        if value is None:
            if name not in self.unread:
                self.unread.append(name)
            return _unknown(spec)
        if spec["type"] == "number":
            return (value, value)
        return value


def _compare(op, a, b):
    alo, ahi = a
    blo, bhi = b
    if op == ">=":
        return True if alo >= bhi else (False if ahi < blo else None)
    if op == ">":
        return True if alo > bhi else (False if ahi <= blo else None)
    if op == "<=":
        return _compare(">=", b, a)
    if op == "<":
        return _compare(">", b, a)
    if alo == ahi and blo == bhi and alo == blo:
        same = True
    elif ahi < blo or bhi < alo:
        same = False
    else:
        return None
    return same if op == "==" else not same


def _sum(node, scope):
    spec = scope.specs[node[1]]
    value_node = node[2]
    cond_node = node[3]
    fields = {}
    for f in spec["fields"]:
        fields[f["name"]] = f
    entries = scope.input(node[1])
    if entries is None:
        vlo, vhi = evaluate_node(value_node, _Scope(scope.specs, scope.answers, scope.replaced, {}, fields))
        return (0 if vlo >= 0 else -INF, INF if vhi > 0 else 0)
    lo = 0
    hi = 0
    for i in range(len(entries)):
        inner = _Scope(scope.specs, scope.answers, scope.replaced, entries[i], fields)
        counts = True if cond_node is None else evaluate_node(cond_node, inner)
        if counts is False:
            continue
        vlo, vhi = evaluate_node(value_node, inner)
        if counts is None:
            vlo, vhi = min(0, vlo), max(0, vhi)
        if counts is None or vlo != vhi:
            # Kleene logic stops at a deciding part, so the unanswered fields read are the ones that matter.
            for unsure in scope.unsure:
                if unsure[0] == node[1] and unsure[1] == i:
                    break
            else:
                scope.unsure.append([node[1], i, inner.unread])
        lo = _fix(lo + vlo, -INF)
        hi = _fix(hi + vhi, INF)
    return (lo, hi)


def evaluate_node(node, scope):
    """The value of a compiled rule node: True/False/None, a (low, high) pair, text or a list."""
    op = node[0]
    if op == "num" or op == "str" or op == "bool":
        return (node[1], node[1]) if op == "num" else node[1]
    if op == "input":
        return scope.input(node[1])
    if op == "field":
        return scope.field(node[1])
    if op == "and" or op == "or":
        decisive = op == "or"
        result = not decisive
        for part in node[1]:
            value = evaluate_node(part, scope)
            if value is decisive:
                return decisive
            if value is None:
                result = None
        return result
    if op == "not":
        value = evaluate_node(node[1], scope)
        return None if value is None else not value
    if op == "cmp":
        return _compare(node[1], evaluate_node(node[2], scope), evaluate_node(node[3], scope))
    if op == "eq" or op == "ne":
        a = evaluate_node(node[1], scope)
        b = evaluate_node(node[2], scope)
        if a is None or b is None:
            return None
        return (a == b) if op == "eq" else (a != b)
    if op == "in":
        a = evaluate_node(node[1], scope)
        return None if a is None else a in node[2]
    if op == "add" or op == "sub":
        alo, ahi = evaluate_node(node[1], scope)
        blo, bhi = evaluate_node(node[2], scope)
        if op == "add":
            return (_fix(alo + blo, -INF), _fix(ahi + bhi, INF))
        return (_fix(alo - bhi, -INF), _fix(ahi - blo, INF))
    if op == "mul":
        k = node[1]
        lo, hi = evaluate_node(node[2], scope)
        if k == 0:
            return (0, 0)
        if k > 0:
            return (k * lo, k * hi)
        return (k * hi, k * lo)
    if op == "sum":
        return _sum(node, scope)
    raise ValueError("unknown rule node '" + str(op) + "'")


def _round_up_millionths(x):
    """x (> 0) to six decimals, never down to 0; an int when whole."""
    n = int(x * 1000000 + 0.5)
    if n < 1:
        n = 1
    if n % 1000000 == 0:
        return n // 1000000
    return n / 1000000


def _fill(template, values):
    for key in ("remaining", "value", "threshold"):
        if key in values:
            template = template.replace("{" + key + "}", values[key])
    return template


def _span(pair):
    lo, hi = pair
    if lo == hi:
        return format_number(lo)
    return format_number(lo) + " to " + format_number(hi)


def _answered(answers, name):
    return answers.get(name) is not None


def _missing(check, scope):
    """Labels of the questions a check still needs answered."""
    specs = scope.specs
    answers = scope.answers
    names = check["inputs"]
    parts = []
    done = []
    for name in names:
        if name in done or _answered(answers, name) or name in scope.replaced:
            continue
        label = specs[name]["label"]
        for other in names:
            if other != name and other not in done and (
                specs[name].get("instead_of") == other or specs[other].get("instead_of") == name
            ):
                label += ", or " + specs[other]["label"][:1].lower() + specs[other]["label"][1:]
                done.append(other)
        parts.append(label)
    lists = []
    for unsure in scope.unsure:
        if unsure[0] not in lists:
            lists.append(unsure[0])
    for name in lists:
        groups = []  # [what is missing, [entry numbers]]: entries missing the same are named together
        for unsure in scope.unsure:
            if unsure[0] != name:
                continue
            missing = ", ".join([f["label"] for f in specs[name]["fields"] if f["name"] in unsure[2]])
            if not missing:
                continue
            for group in groups:
                if group[0] == missing:
                    group[1].append(str(unsure[1] + 1))
                    break
            else:
                groups.append([missing, [str(unsure[1] + 1)]])
        for missing, numbers in groups:
            which = "entry " + numbers[0] if len(numbers) == 1 else (
                "entries " + ", ".join(numbers[:-1]) + " and " + numbers[-1])
            parts.append(specs[name]["label"] + ", " + which + ": " + missing)
    return parts


def _evaluate_check(check, scope):
    scope.unsure = []
    status = evaluate_node(check["rule"], scope)
    values = {}
    remaining = None
    if check.get("quantity") is not None:
        amount = evaluate_node(check["quantity"], scope)
        threshold = check["threshold"]
        values["threshold"] = format_number(threshold)
        values["value"] = _span(amount)
        if status is True:
            remaining = 0
        elif status is False:
            remaining = _round_up_millionths(threshold - amount[1])
        if remaining is not None:
            values["remaining"] = format_number(remaining)
    if status is True:
        return "met", "", remaining
    if status is False:
        return "unmet", _fill(check["unmet"], values), remaining
    if check.get("unknown"):
        return "unknown", _fill(check["unknown"], values), remaining
    return "unknown", None, remaining


def evaluate_requirement(requirement, scope):
    unmet = []
    unknown = []
    missing = []
    undecided = False
    remaining = None
    seen_quantity = False
    for check in requirement["checks"]:
        status, message, rem = _evaluate_check(check, scope)
        if check.get("quantity") is not None and not seen_quantity:
            seen_quantity = True
            remaining = rem
        if status == "unmet":
            unmet.append(message)
        elif status == "unknown":
            undecided = True
            if message is not None:
                unknown.append(message)
            else:
                for part in _missing(check, scope):
                    if part not in missing:
                        missing.append(part)
    if missing:
        unknown.append("Not answered yet: " + "; ".join(missing) + ".")
    elif undecided and not unknown:
        unknown.append("Not answered yet.")
    if unmet:
        status = "unmet"
    elif undecided:
        status = "unknown"
    else:
        status = "met"
    message = requirement["met"] if status == "met" else " ".join(unmet + unknown)
    return {"id": requirement["id"], "status": status, "message": message, "remaining": remaining}


def _replaced(inputs, answers):
    """Inputs that count as 'none' because the alternative given instead was answered."""
    out = []
    for spec in inputs:
        other = spec.get("instead_of")
        if not other:
            continue
        if _answered(answers, spec["name"]):
            out.append(other)
        if _answered(answers, other):
            out.append(spec["name"])
    return out


def evaluate(pathway, answers):
    """The result for ``answers``; raises AnswerError when they cannot be evaluated."""
    problems = check_answers(pathway, answers)
    if problems:
        raise AnswerError(problems)
    specs = {}
    for spec in pathway["inputs"]:
        specs[spec["name"]] = spec
    scope = _Scope(specs, answers, _replaced(pathway["inputs"], answers))
    results = []
    any_unmet = False
    any_unknown = False
    for requirement in pathway["requirements"]:
        r = evaluate_requirement(requirement, scope)
        results.append(r)
        any_unmet = any_unmet or r["status"] == "unmet"
        any_unknown = any_unknown or r["status"] == "unknown"
    if any_unmet:
        overall = "not_yet"
    elif any_unknown:
        overall = "incomplete"
    else:
        overall = "eligible"
    result = {
        "pathway": pathway["id"],
        "title": pathway["title"],
        "status": overall,
        "requirements": results,
        "sources": pathway["sources"],
        "determination": pathway["determination"],
        "next_steps": pathway["next_steps"],
    }
    expiry = pathway.get("expiry")
    if expiry:
        issued = answers.get(expiry["input"])
        if issued is not None:
            result["expires_on"] = format_date(add_years(parse_date(issued), expiry["years"]))
    return result


def run(pathway, answers):
    """{"result": ...} or {"problems": [...]}: never raises for any JSON answers."""
    try:
        return {"result": evaluate(pathway, answers)}
    except AnswerError as exc:
        return {"problems": exc.problems}
