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
``["mul", number, a]``, ``["sum", list, value_node, condition_node|null]``,
``["every"|"any"|"count", list, condition|null]``, ``["years", list, condition|null, window|null]``
(dated periods), ``["school_years", list, condition|null, whole field|null]`` (school years named,
each once; part years only may count) and ``["annually", list, condition|null, years list]`` (each
school year of one list has an entry of the other meeting the condition). A school year is
written '2023-24' and is never turned into days.

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
        if -(10**18) < x < 10**18:
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


def parse_school_year(text):
    """The year a school year starts in, for '2023-24' (or '2023–24', with an en dash), else None.

    A school year is named by the two calendar years it spans; the checker never
    gives it days or dates (no source says when one starts or ends).
    """
    if type(text) is not str or len(text) != 7 or text[4] not in ("-", "–"):
        return None
    for i in (0, 1, 2, 3, 5, 6):
        if text[i] not in _DIGITS:
            return None
    first = int(text[0:4])
    if first < 1900 or int(text[5:7]) != (first + 1) % 100:
        return None
    return first


def add_years(ymd, years):
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    y, m, d = ymd
    y += years
    if d > _days_in_month(y, m):
        d = _days_in_month(y, m)
    return (y, m, d)


def day_number(ymd):
    """Days from 1970-01-01 to the date ``(year, month, day)``; integer arithmetic only."""
    y, m, d = ymd
    if m <= 2:
        y -= 1
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def from_day_number(z):
    """The date ``(year, month, day)`` of a :func:`day_number`."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (yoe + era * 400 + (1 if m <= 2 else 0), m, d)


def shift_years(day, years):
    """The day number ``years`` calendar years after (or before) ``day``."""
    return day_number(add_years(from_day_number(day), years))


def years_between(a, b):
    """Calendar years from day ``a`` to day ``b``: whole anniversaries, then the part year's share of its days.

    From 2019-08-15 to 2023-08-15 is exactly 4; to 2024-02-15 it is 4.5 and a little.
    """
    if b <= a:
        return 0
    start = from_day_number(a)
    n = from_day_number(b)[0] - start[0]
    while n > 0 and day_number(add_years(start, n)) > b:
        n -= 1
    base = day_number(add_years(start, n))
    if base == b:
        return n
    following = day_number(add_years(start, n + 1))
    return n + (b - base) / (following - base)


def covered_years(periods):
    """The years covered by ``[start, end)`` day-number periods, each day counted once."""
    ordered = sorted([p for p in periods if p[1] > p[0]])
    total = 0
    run_start = None
    run_end = None
    for start, end in ordered:
        if run_end is not None and start <= run_end:
            if end > run_end:
                run_end = end
            continue
        if run_end is not None:
            total += years_between(run_start, run_end)
        run_start, run_end = start, end
    if run_end is not None:
        total += years_between(run_start, run_end)
    return total


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
    if (
        (low is not None and value < low)
        or (above is not None and value <= above)
        or (high is not None and value > high)
    ):
        problems.append(
            problem("out_of_range", path, {"value": value, "at_least": low, "more_than": above, "at_most": high})
        )


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
            problems.append(
                problem(
                    "unknown_choice", path, {"value": value, "choices": values, "suggestion": suggest(value, values)}
                )
            )
    elif kind == "date":
        if type(value) is not str:
            problems.append(problem("date_not_text", path, {"value": value}))
        elif parse_date(value) is None:
            problems.append(problem("invalid_date", path, {"value": value}))
    elif kind == "school_year":
        if type(value) is not str:
            problems.append(problem("school_year_not_text", path, {"value": value}))
        elif parse_school_year(value) is None:
            problems.append(problem("invalid_school_year", path, {"value": value}))
    elif kind == "list":
        _check_list(spec, value, path, problems)


def _dated(spec):
    """Whether a list's entries are periods: date fields named 'start' and 'end'."""
    kinds = {}
    for f in spec["fields"]:
        kinds[f["name"]] = f["type"]
    return kinds.get("start") == "date" and kinds.get("end") == "date"


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
        bad = len(problems)
        for f in fields:
            v = entry.get(f["name"])
            if v is not None:
                _check_value(f, v, here + (f["name"],), problems)
        start = entry.get("start")
        end = entry.get("end")
        dated = len(problems) == bad and _dated(spec) and type(start) is str and type(end) is str
        if dated and day_number(parse_date(end)) < day_number(parse_date(start)):
            problems.append(problem("end_before_start", here + ("end",), {"value": end, "start": start}))


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
            problems.append(
                problem(
                    "unknown_answer", (), {"key": key, "suggestion": suggest(key, names) if unknown <= 20 else None}
                )
            )
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
        return (
            "unknown value "
            + quote(value)
            + _hint(params["suggestion"])
            + "; choose one of "
            + ", ".join(params["choices"])
        )
    if code == "date_not_text":
        return "should be a date written YYYY-MM-DD, not " + show(value)
    if code == "invalid_date":
        return quote(value) + " is not a valid date; write it as YYYY-MM-DD, e.g. 2024-08-15"
    if code == "school_year_not_text":
        return "should be a school year written like 2023-24, not " + show(value)
    if code == "invalid_school_year":
        return quote(value) + " is not a school year; write the two years it spans, e.g. 2023-24"
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
    if code == "after_as_of":
        return quote(value) + " is after the date the check is made for, " + params["as_of"]
    if code == "end_before_start":
        return quote(value) + " is before the start, " + quote(params["start"])
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


def parse_answers(pathway, answers, from_text=False, as_of=None):
    """(values, problems): the answers that can be used, and the problems (:func:`problem`) of the rest.

    For the browser form: ``from_text`` turns the form's text (also what a
    link's #fragment holds) into answers first (numbers, true/false; '' is
    not answered). The problems are those of :func:`find_problems_as_of`. ``values`` leaves
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
            value = [
                _row_from_text(spec, row) if from_text else (dict(row) if type(row) is dict else row) for row in value
            ]
        elif from_text and spec is not None:
            value = _from_text(spec, value)
        if value is not None or spec is None:
            values[key] = value
    problems = find_problems_as_of(pathway, values, as_of)
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
    """Where names are looked up: the answers, the as-of date, and the list entry being read."""

    def __init__(self, specs, answers, replaced, entry=None, fields=None, as_of=None, notices=None):
        self.specs = specs
        self.answers = answers
        self.replaced = replaced
        self.entry = entry
        self.fields = fields
        self.as_of = as_of  # a day number, or None when no date was given
        self.notices = notices if notices is not None else []  # notices found while evaluating
        self.unsure = []  # [list name, index, fields read unanswered] of entries whose contribution is not known
        self.unread = []  # the entry's unanswered fields that were read
        self.notes = []  # why a check read so far cannot be decided, in words (a partial school year, a missing year)

    def inner(self, entry, fields):
        """The scope of one entry of a list."""
        inner = _Scope(self.specs, self.answers, self.replaced, entry, fields, self.as_of, self.notices)
        inner.notes = self.notes
        return inner

    def input(self, name):
        spec = self.specs[name]
        value = self.answers.get(name)
        if value is None:
            if name in self.replaced:
                return [] if spec["type"] == "list" else (0, 0)
            return _unknown(spec)
        return _value(spec, value)

    def field(self, name):
        spec = self.fields[name]
        value = self.entry.get(name)
        if value is None:
            if name not in self.unread:
                self.unread.append(name)
            return _unknown(spec)
        return _value(spec, value)


def _value(spec, value):
    kind = spec["type"]
    if kind == "number":
        return (value, value)
    if kind == "date":
        return day_number(parse_date(value))
    if kind == "school_year":
        return parse_school_year(value)
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


def _fields_of(spec):
    fields = {}
    for f in spec["fields"]:
        fields[f["name"]] = f
    return fields


def _mark_unsure(scope, name, i, unread):
    for unsure in scope.unsure:
        if unsure[0] == name and unsure[1] == i:
            return
    scope.unsure.append([name, i, unread])


def _sum(node, scope):
    spec = scope.specs[node[1]]
    value_node = node[2]
    cond_node = node[3]
    fields = _fields_of(spec)
    entries = scope.input(node[1])
    if entries is None:
        vlo, vhi = evaluate_node(value_node, scope.inner({}, fields))
        return (0 if vlo >= 0 else -INF, INF if vhi > 0 else 0)
    lo = 0
    hi = 0
    for i in range(len(entries)):
        inner = scope.inner(entries[i], fields)
        counts = True if cond_node is None else evaluate_node(cond_node, inner)
        if counts is False:
            continue
        vlo, vhi = evaluate_node(value_node, inner)
        if counts is None:
            vlo, vhi = min(0, vlo), max(0, vhi)
        if counts is None or vlo != vhi:
            # Kleene logic stops at a deciding part, so the unanswered fields read are the ones that matter.
            _mark_unsure(scope, node[1], i, inner.unread)
        lo = _fix(lo + vlo, -INF)
        hi = _fix(hi + vhi, INF)
    return (lo, hi)


def _quantify(node, scope):
    """``every``/``any`` (yes, no or unknown) and ``count`` (a number) over a list's entries."""
    op = node[0]
    spec = scope.specs[node[1]]
    cond_node = node[2]
    fields = _fields_of(spec)
    entries = scope.input(node[1])
    if entries is None:
        return (0, spec.get("max_entries") or DEFAULT_MAX_ENTRIES) if op == "count" else None
    lo = 0
    hi = 0
    result = op == "every"
    for i in range(len(entries)):
        inner = scope.inner(entries[i], fields)
        holds = True if cond_node is None else evaluate_node(cond_node, inner)
        if holds is None:
            _mark_unsure(scope, node[1], i, inner.unread)
        if op == "count":
            lo += 1 if holds is True else 0
            hi += 0 if holds is False else 1
        elif holds is (op == "any"):
            return holds
        elif holds is None:
            result = None
    return (lo, hi) if op == "count" else result


def _notice(notices, ident, message, extra=None):
    """Add a notice ({"id", "message"} and any ``extra`` keys) to ``notices``, once."""
    for n in notices:
        if n["id"] == ident and n["message"] == message:
            return
    notice = {"id": ident, "message": message}
    if extra:
        for key in extra:
            notice[key] = extra[key]
    notices.append(notice)


def _years(node, scope):
    """Years covered by the dated periods (``start`` to ``end``) of a list's matching entries.

    ``["years", list, condition|null, [window start, window end]|null]``. A day
    covered by several entries counts once. ``end`` is the last day of a period;
    an entry without ``end`` runs to the as-of date, and nothing after the as-of
    date counts. A window runs from its first date up to, not including, its second. An entry without
    ``start`` counts its ``years`` field in full (when the list has one and no
    window applies): the checker then assumes it did not overlap the others, and
    says so in a notice.
    """
    name = node[1]
    spec = scope.specs[name]
    cond_node = node[2]
    fields = _fields_of(spec)
    entries = scope.input(name)
    as_of = scope.as_of
    window = None
    if node[3] is not None:
        window = (evaluate_node(node[3][0], scope), evaluate_node(node[3][1], scope))
    if entries is None:
        return (0, INF)
    sure = []  # periods that count
    maybe = []  # periods that may count
    extra_lo = 0  # undated entries, counted in full
    extra_hi = 0
    undated = 0
    counted = 0
    for i in range(len(entries)):
        entry = entries[i]
        inner = scope.inner(entry, fields)
        counts = True if cond_node is None else evaluate_node(cond_node, inner)
        if counts is False:
            continue
        counted += 1
        start = entry.get("start")
        if start is None:
            amount = entry.get("years") if "years" in fields else None
            if amount is None or window is not None:
                if "start" not in inner.unread:
                    inner.unread.append("start")
                _mark_unsure(scope, name, i, inner.unread)
                extra_hi = INF
                continue
            undated += 1
            extra_hi += amount
            if counts is True:
                extra_lo += amount
            else:
                _mark_unsure(scope, name, i, inner.unread)
            continue
        # Periods are [first day, day after the last): an end date is the last day held.
        begin = day_number(parse_date(start))
        end = entry.get("end")
        end = day_number(parse_date(end)) + 1 if end is not None else (None if as_of is None else as_of + 1)
        if end is None:  # still held, and no as-of date to stop at
            _mark_unsure(scope, name, i, inner.unread)
            extra_hi = INF
            continue
        if as_of is not None and end > as_of + 1:
            end = as_of + 1
        known = counts is True
        if window is not None:
            if window[0] is None or window[1] is None:
                known = False  # where the window lies is not known yet
            else:
                begin = max(begin, window[0])
                end = min(end, window[1])
        if not known:
            _mark_unsure(scope, name, i, inner.unread)
        (sure if known else maybe).append((begin, end))
    if undated and counted > 1:
        _notice(
            scope.notices,
            "undated_periods",
            spec["label"] + ": entries without a start date count in full; the checker assumes "
            "they did not overlap with each other or with the dated entries.",
            {"input": name},
        )
    lo = covered_years(sure) + extra_lo
    hi = covered_years(sure + maybe) + extra_hi
    return (lo, _fix(hi, INF))


def _school_years(node, scope):
    """School years named by the matching entries of a list: ``["school_years", list, condition|null,
    whole field|null]``.

    Each school year counts once, however many entries name it. A year counts as
    a whole one when an entry that counts says so in its ``whole`` field (or the
    list has no such field); a year whose entries are all part years is only in
    the upper figure, so where it would decide the result is unknown, and the
    check says "DESE decides how a partial school year counts" with both figures.
    No school year is ever turned into days.
    """
    name = node[1]
    spec = scope.specs[name]
    cond_node = node[2]
    whole_field = node[3]
    fields = _fields_of(spec)
    entries = scope.input(name)
    if entries is None:
        return (0, spec.get("max_entries") or DEFAULT_MAX_ENTRIES)
    state = {}  # first year -> 2 whole, 1 partial, 0 may count
    extra = 0  # entries whose school year is not given yet
    for i in range(len(entries)):
        entry = entries[i]
        inner = scope.inner(entry, fields)
        counts = True if cond_node is None else evaluate_node(cond_node, inner)
        if counts is False:
            continue
        year = entry.get("school_year")
        whole = True if whole_field is None else entry.get(whole_field)
        if whole is None and whole_field not in inner.unread:
            inner.unread.append(whole_field)
        if year is None:
            if "school_year" not in inner.unread:
                inner.unread.append("school_year")
            _mark_unsure(scope, name, i, inner.unread)
            extra += 1
            continue
        first = parse_school_year(year)
        if counts is None or whole is None:
            _mark_unsure(scope, name, i, inner.unread)
            here = 0
        else:
            here = 2 if whole else 1
        if state.get(first) is None or state[first] < here:
            state[first] = here
    whole_years = 0
    partial = 0
    for first in state:
        if state[first] == 2:
            whole_years += 1
        elif state[first] == 1:
            partial += 1
    if partial:
        _note(scope, _partial_words(spec["label"], whole_years, whole_years + partial))
    return (whole_years, len(state) + extra)


def _note(scope, words):
    if words not in scope.notes:
        scope.notes.append(words)


def school_year_name(first):
    """'2023-24' for the school year that starts in 2023."""
    last = (first + 1) % 100
    return str(first) + "-" + ("0" if last < 10 else "") + str(last)


def _annually(node, scope):
    """Every school year of one list has an entry in another that meets a condition:
    ``["annually", list, condition|null, years list]`` ("30 contact hours ... annually").

    Met when each school year named in the years list has an entry in the list for
    the same school year that meets the condition; unmet when a year's entries all
    fall short; unknown while a year has no entry (the note names the years), and
    when the years are given only as a total (the note asks for them one by one).
    """
    name = node[1]
    cond_node = node[2]
    other = node[3]
    spec = scope.specs[name]
    if other in scope.replaced:
        _note(
            scope,
            spec["label"]
            + ": give "
            + scope.specs[other]["label"][:1].lower()
            + scope.specs[other]["label"][1:]
            + ", instead of a total, so that each year can be checked.",
        )
        return None
    held = scope.input(other)
    entries = scope.input(name)
    if held is None or entries is None:
        return None
    years = {}
    result = True
    for i in range(len(held)):
        first = parse_school_year(held[i].get("school_year"))
        if first is None:
            _mark_unsure(scope, other, i, ["school_year"])
            result = None
        else:
            years[first] = True
    fields = _fields_of(spec)
    found = {}  # first year -> True (an entry meets it), False (entries all fall short), None (not decided)
    for i in range(len(entries)):
        first = parse_school_year(entries[i].get("school_year"))
        inner = scope.inner(entries[i], fields)
        if first is None:
            if "school_year" not in inner.unread:
                inner.unread.append("school_year")
            _mark_unsure(scope, name, i, inner.unread)
            continue
        if first not in years:
            continue
        holds = True if cond_node is None else evaluate_node(cond_node, inner)
        if holds is None:
            _mark_unsure(scope, name, i, inner.unread)
        before = found.get(first, False)
        found[first] = (
            True if (before is True or holds is True) else (None if (before is None or holds is None) else False)
        )
    missing = []
    for first in sorted(list(years)):
        if first not in found:
            missing.append(school_year_name(first))
            if result is True:
                result = None
        elif found[first] is False:
            result = False
        elif found[first] is None and result is True:
            result = None
    if missing and result is not False:
        _note(scope, spec["label"] + ": no entry yet for " + ", ".join(missing) + ".")
    return result


def _date_compare(op, a, b):
    if a is None or b is None:
        return None
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == "<":
        return a < b
    return (a == b) if op == "==" else (a != b)


def evaluate_node(node, scope):
    """The value of a compiled rule node: True/False/None, a (low, high) pair, text, a day number or a list."""
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
    if op == "every" or op == "any" or op == "count":
        return _quantify(node, scope)
    if op == "years":
        return _years(node, scope)
    if op == "school_years":
        return _school_years(node, scope)
    if op == "annually":
        return _annually(node, scope)
    if op == "as_of":
        return scope.as_of
    if op == "shift":
        day = evaluate_node(node[1], scope)
        return None if day is None else shift_years(day, node[2])
    if op == "dcmp":
        return _date_compare(node[1], evaluate_node(node[2], scope), evaluate_node(node[3], scope))
    raise ValueError("unknown rule node '" + str(op) + "'")


def _round_up_millionths(x):
    """x (> 0) to six decimals, never down to 0; an int when whole."""
    n = int(x * 1000000 + 0.5)
    if n < 1:
        n = 1
    if n % 1000000 == 0:
        return n // 1000000
    return n / 1000000


PLACEHOLDERS = ("remaining", "value", "threshold", "routes", "expires_on", "as_of", "eligible_from")


def _fill(template, values):
    for key in PLACEHOLDERS:
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
            if (
                other != name
                and other not in done
                and (specs[name].get("instead_of") == other or specs[other].get("instead_of") == name)
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
            which = (
                "entry " + numbers[0]
                if len(numbers) == 1
                else ("entries " + ", ".join(numbers[:-1]) + " and " + numbers[-1])
            )
            parts.append(specs[name]["label"] + ", " + which + ": " + missing)
    return parts


def _evaluate_check(check, scope):
    scope.unsure = []
    scope.notes = []
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
    if scope.notes:
        return "unknown", " ".join(scope.notes), remaining
    return "unknown", None, remaining


def _partial_words(label, whole, upper):
    """'DESE decides how a partial school year counts. Positions: 3 whole school years, 4 with the partial one.'"""
    more = upper - whole
    return (
        "DESE decides how a partial school year counts. "
        + label
        + ": "
        + _count(whole, "whole school year", "whole school years")
        + ", "
        + str(upper)
        + (" with the partial one." if more == 1 else " with the " + str(more) + " partial ones.")
    )


def _count(n, one, many):
    return str(n) + " " + (one if n == 1 else many)


def _evaluate_checks(checks, scope):
    """{status, unmet: [messages], unknown: [messages], missing: [labels], remaining, distance}.

    ``distance`` is how far from met the checks are: 0 when met, the first
    quantity's remaining share of its threshold, or 1 for anything else.
    """
    unmet = []
    unknown = []
    missing = []
    undecided = False
    remaining = None
    distance = None
    seen_quantity = False
    for check in checks:
        status, message, rem = _evaluate_check(check, scope)
        if check.get("quantity") is not None and not seen_quantity:
            seen_quantity = True
            remaining = rem
            if rem is not None and check["threshold"] > 0:
                distance = rem / check["threshold"]
        if status == "unmet":
            unmet.append(message)
        elif status == "unknown":
            undecided = True
            if message is not None:
                unknown.append(message)
            if message is None or (scope.notes and not check.get("unknown")):
                for part in _missing(check, scope):
                    if part not in missing:
                        missing.append(part)
    if unmet:
        status = "unmet"
    elif undecided:
        status = "unknown"
    else:
        status = "met"
        distance = 0
    if distance is None or (status == "unmet" and distance <= 0):
        distance = 1
    return {
        "status": status,
        "unmet": unmet,
        "unknown": unknown,
        "missing": missing,
        "undecided": undecided,
        "remaining": remaining,
        "distance": distance,
    }


def _unknown_message(parts):
    missing = []
    for part in parts["missing"]:
        if part not in missing:
            missing.append(part)
    out = list(parts["unknown"])
    if missing:
        out.append("Not answered yet: " + "; ".join(missing) + ".")
    elif not out:
        out.append("Not answered yet.")
    return " ".join(out)


def _evaluate_routes(requirement, scope):
    """A requirement met by any one of its routes; each route says what it still needs."""
    routes = []
    for k in range(len(requirement["routes"])):
        route = requirement["routes"][k]
        parts = _evaluate_checks(route["checks"], scope)
        if parts["status"] == "met":
            message = ""
        elif parts["status"] == "unmet":
            message = " ".join(parts["unmet"])
        else:
            message = _unknown_message(parts)
        routes.append(
            [
                parts["distance"],
                k,
                parts,
                {
                    "id": route["id"],
                    "title": route["title"],
                    "status": parts["status"],
                    "message": message,
                    "remaining": parts["remaining"],
                },
            ]
        )
    routes = sorted(routes, key=lambda r: (r[0], r[1]))  # the nearest route first; ties in the file's order
    statuses = [r[3]["status"] for r in routes]
    if "met" in statuses:
        status = "met"
    elif "unknown" in statuses:
        status = "unknown"
    else:
        status = "unmet"
    nearest = routes[0][3]
    if status == "unmet":
        listed = ", or ".join([r[3]["message"] for r in routes])
        message = _fill(requirement.get("unmet") or "{routes}", {"routes": listed})
    elif status == "unknown":
        merged = {"unknown": [], "missing": []}
        for r in routes:
            if r[3]["status"] == "unknown":
                merged["unknown"] += r[2]["unknown"]
                merged["missing"] += r[2]["missing"]
        message = _unknown_message(merged)
    else:
        message = requirement["met"]
    remaining = {"met": 0, "unmet": nearest["remaining"], "unknown": None}[status]
    return status, message, remaining, [r[3] for r in routes]


def evaluate_requirement(requirement, scope):
    routes = None
    if requirement.get("routes"):
        status, message, remaining, routes = _evaluate_routes(requirement, scope)
    else:
        parts = _evaluate_checks(requirement["checks"], scope)
        status = parts["status"]
        remaining = parts["remaining"]
        if status == "met":
            message = requirement["met"]
        elif status == "unmet" and not parts["undecided"]:
            message = " ".join(parts["unmet"])
        elif status == "unmet":  # what is missing, then what is still to answer
            message = " ".join(parts["unmet"]) + " " + _unknown_message(parts)
        else:
            message = _unknown_message(parts)
    if status == "unmet":
        # The answers reach the requirement only in a way the source gives no rule for.
        for case in requirement.get("undecided") or []:
            scope.unsure = []
            if evaluate_node(case["rule"], scope) is True:
                status, message, remaining = "unknown", case["message"], None
                break
    result = {"id": requirement["id"], "status": status, "message": message, "remaining": remaining}
    if routes is not None:
        result["routes"] = routes
    if requirement.get("disputed"):
        result["disputed"] = True
    return result


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


def _as_of_day(as_of):
    if as_of is None:
        return None
    ymd = parse_date(as_of)
    if ymd is None:
        raise ValueError("the as-of date must be written YYYY-MM-DD, not " + show(as_of))
    return day_number(ymd)


def find_problems_as_of(pathway, answers, as_of=None):
    """:func:`find_problems`, and the dates that cannot be after the as-of date: a certificate's
    issue date (``expiry``; a chooser lists its pathways' as ``expiries``)."""
    problems = find_problems(pathway, answers)
    day = _as_of_day(as_of)
    if day is None or type(answers) is not dict:
        return problems
    expiries = [pathway["expiry"]] if pathway.get("expiry") else (pathway.get("expiries") or [])
    done = []
    for expiry in expiries:
        name = expiry["input"]
        issued = answers.get(name)
        if name not in done and parse_date(issued) is not None and day_number(parse_date(issued)) > day:
            problems.append(problem("after_as_of", (name,), {"value": issued, "as_of": as_of}))
        done.append(name)
    return problems


def _overall(results):
    """``not_yet`` when a requirement is unmet, ``incomplete`` when one is unknown, else ``eligible``.

    A requirement only one source states (``disputed``) never makes the result
    ``not_yet`` on its own, but while it is not met the result is not
    ``eligible`` either: it is ``incomplete``, and its note says to ask DESE.
    """
    any_unmet = False
    any_unknown = False
    for r in results:
        if r.get("disputed"):
            any_unknown = any_unknown or r["status"] != "met"
            continue
        any_unmet = any_unmet or r["status"] == "unmet"
        any_unknown = any_unknown or r["status"] == "unknown"
    if any_unmet:
        return "not_yet"
    return "incomplete" if any_unknown else "eligible"


def _scope(pathway, answers, day, notices):
    specs = {}
    for spec in pathway["inputs"]:
        specs[spec["name"]] = spec
    return _Scope(specs, answers, _replaced(pathway["inputs"], answers), as_of=day, notices=notices)


def _requirements(pathway, answers, day, notices):
    scope = _scope(pathway, answers, day, notices)
    return [evaluate_requirement(requirement, scope) for requirement in pathway["requirements"]]


def _reads_time(requirement):
    """Whether time passing alone can meet the requirement (its rules read the as-of date)."""
    return requirement.get("time") is True


def _eligible_from(pathway, answers, day, results):
    """The first day every requirement is met if nothing but time changes, or None.

    Only when every requirement not met yet is unmet (not unknown) and reads
    the as-of date; never when any other requirement is unmet or unknown.
    """
    if day is None:
        return None
    for k in range(len(results)):
        r = results[k]
        if r.get("disputed") or r["status"] == "met":
            continue
        if r["status"] != "unmet" or not _reads_time(pathway["requirements"][k]):
            return None

    def eligible(d):
        return _overall(_requirements(pathway, answers, d, [])) == "eligible"

    low = day
    high = shift_years(day, MAX_YEARS_AHEAD)
    if not eligible(high):
        return None
    while high - low > 1:  # the first eligible day: eligible(high), not eligible(low)
        middle = (low + high) // 2
        if eligible(middle):
            high = middle
        else:
            low = middle
    return format_date(from_day_number(high))


MAX_YEARS_AHEAD = 20


def evaluate(pathway, answers, as_of=None):
    """The result for ``answers`` on the day ``as_of`` ('YYYY-MM-DD', or None: rules that need
    the date stay unknown); raises AnswerError when the answers cannot be evaluated."""
    problems = [problem_line(p) for p in find_problems_as_of(pathway, answers, as_of)]
    if problems:
        raise AnswerError(problems)
    day = _as_of_day(as_of)
    notices = []
    scope = _scope(pathway, answers, day, notices)  # one scope: the requirements', then the notices'
    results = [evaluate_requirement(requirement, scope) for requirement in pathway["requirements"]]
    overall = _overall(results)
    result = {
        "pathway": pathway["id"],
        "title": pathway["title"],
        "status": overall,
        "requirements": results,
        "sources": pathway["sources"],
        "determination": pathway["determination"],
        "next_steps": pathway["next_steps"],
    }
    if as_of is not None:
        result["as_of"] = as_of
    for k in range(len(results)):
        r = results[k]
        if r.get("disputed") and r["status"] != "met":
            _notice(
                notices,
                "disputed_requirement",
                pathway["requirements"][k]["disputed"]["note"],
                {"requirement": r["id"]},
            )
    expiry = pathway.get("expiry")
    if expiry:
        issued = answers.get(expiry["input"])
        if issued is not None:
            expires = add_years(parse_date(issued), expiry["years"])
            result["expires_on"] = format_date(expires)
            if day is not None and day_number(expires) < day and expiry.get("expired"):
                notices.insert(
                    0,
                    {
                        "id": "certificate_expired",
                        "message": _fill(expiry["expired"], {"expires_on": format_date(expires), "as_of": as_of}),
                    },
                )
                if overall == "eligible":
                    result["status"] = "incomplete"  # the checker cannot say what follows an expired certificate
    for notice in pathway.get("notices") or []:
        if evaluate_node(notice["rule"], scope) is True:
            _notice(notices, notice["id"], notice["message"])
    if result["status"] == "not_yet":
        since = _eligible_from(pathway, answers, day, results)
        if since is not None:
            result["eligible_from"] = since
            if result.get("expires_on") and since > result["expires_on"]:
                _notice(notices, "after_expiry", _after_expiry(expiry, since, result["expires_on"]))
    result["notices"] = notices
    return result


def _after_expiry(expiry, since, expires_on):
    """The notice for an eligible-from date after the certificate expires: the pathway's words
    (``expiry.after``, quoting the source), or plain ones that promise nothing."""
    values = {"eligible_from": since, "expires_on": expires_on}
    if expiry.get("after"):
        return _fill(expiry["after"], values)
    called = expiry.get("called") or "certificate"
    return _fill(
        "If nothing else changes, you would meet the remaining requirements on {eligible_from}: after your "
        + called
        + " expires on {expires_on}. The checker does not say what happens after it expires: ask DESE.",
        values,
    )


def run(pathway, answers, as_of=None):
    """{"result": ...} or {"problems": [...]}: never raises for any JSON answers."""
    try:
        return {"result": evaluate(pathway, answers, as_of)}
    except AnswerError as exc:
        return {"problems": exc.problems}


# --- choosing between pathways --------------------------------------------------------------


def choose(chooser, pathways, answers, as_of=None):
    """One set of answers against several pathways, and which one the source says to apply for.

    ``chooser``: {"id", "title", "pathways": [id...], "inputs", "recommend": [{"action",
    "pathway", "when": [condition...], "text"}...]}; a condition is {"pathway", "status":
    [overall...]}, {"pathway", "requirement", "status": [met|unmet|unknown...]} or {"rule": node}
    over the chooser's questions (holds only when met). The first ``recommend`` entry whose
    every condition holds is the recommendation: ``recommended`` is its pathway when its
    action is "submit", ``working_toward`` when it is "work_toward"; ``{remaining}`` in its
    text lists that pathway's requirements not met yet.
    ``pathways``: compiled pathways by id. Raises AnswerError (each problem once).
    """
    if type(answers) is not dict:
        raise AnswerError([problem_line(problem("answers_not_an_object", (), {"value": answers}))])
    names = []
    for pid in chooser["pathways"]:
        for spec in pathways[pid]["inputs"]:
            if spec["name"] not in names:
                names.append(spec["name"])
    problems = []
    unknown = 0
    for key in sorted([str(k) for k in answers]):
        if key not in names:
            unknown += 1
            problems.append(
                problem_line(
                    problem(
                        "unknown_answer", (), {"key": key, "suggestion": suggest(key, names) if unknown <= 20 else None}
                    )
                )
            )
    for pid in chooser["pathways"]:
        own = {}
        for spec in pathways[pid]["inputs"]:
            if spec["name"] in answers:
                own[spec["name"]] = answers[spec["name"]]
        for line in [problem_line(p) for p in find_problems_as_of(pathways[pid], own, as_of)]:
            if line not in problems:
                problems.append(line)
    if problems:
        raise AnswerError(problems)
    results = []
    by_id = {}
    for pid in chooser["pathways"]:
        own = {}
        for spec in pathways[pid]["inputs"]:
            if spec["name"] in answers:
                own[spec["name"]] = answers[spec["name"]]
        r = evaluate(pathways[pid], own, as_of)
        results.append(r)
        by_id[pid] = r
    scope = _scope(chooser, answers, _as_of_day(as_of), [])
    chosen = None
    for rec in chooser["recommend"]:
        holds = True
        for cond in rec["when"]:
            if not _when_holds(cond, by_id, scope):
                holds = False
                break
        if holds:
            chosen = rec
            break
    action = None if chosen is None else (chosen.get("action") or "submit")
    pid = chosen.get("pathway") if chosen is not None else None
    text = None
    if chosen is not None:
        text = _fill(chosen["text"], {"remaining": _not_met_titles(pathways[pid], by_id[pid]) if pid else ""})
    out = {
        "chooser": chooser["id"],
        "title": chooser["title"],
        "action": action,
        "recommended": pid if action == "submit" else None,
        "working_toward": pid if action == "work_toward" else None,
        "recommendation": text,
        "results": results,
    }
    if as_of is not None:
        out["as_of"] = as_of
    return out


def _when_holds(cond, results, scope):
    """One condition of a chooser's recommendation: a rule over the answers (holds only when met),
    or a pathway's overall status, or one of its requirements' status, among those listed."""
    if cond.get("rule") is not None:
        scope.unsure = []
        return evaluate_node(cond["rule"], scope) is True
    result = results[cond["pathway"]]
    if cond.get("requirement") is None:
        return result["status"] in cond["status"]
    for r in result["requirements"]:
        if r["id"] == cond["requirement"]:
            return r["status"] in cond["status"]
    return False


def _not_met_titles(pathway, result):
    """'mentoring; leader evaluation': the titles of a pathway's requirements not met yet."""
    titles = []
    for k in range(len(result["requirements"])):
        if result["requirements"][k]["status"] != "met":
            title = pathway["requirements"][k]["title"]
            if len(title) > 1 and title[1:2].islower():
                title = title[:1].lower() + title[1:]
            titles.append(title)
    return "; ".join(titles)
