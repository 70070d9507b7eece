"""The rules language of ``content/pathways/*.yml``.

A rule is one readable condition over a pathway's inputs::

    experience_years >= 4
    pd_contact_hours >= 30 and pd_plan_approved
    pd_contact_hours + 15 * pd_semester_hours >= 40
    experience_years + sum(experience.years where contracted and fte >= 0.5
                           and setting == 'mo_public') >= 4

* numbers, ``'text'`` (a choice's value), ``true``, ``false``, ``['a', 'b']``
* input names; inside ``sum(LIST.FIELD where CONDITION)`` the condition names
  the fields of one entry of the list
* ``annually(LIST where CONDITION for YEARS)``: each school year named in the
  list YEARS has an entry of LIST for that year meeting the condition
* ``school_years(LIST where CONDITION)``: the school years ('2023-24') its
  matching entries name, each once; part years only may count (unknown where they decide)
* ``and``, ``or``, ``not``; ``>=``, ``>``, ``<=``, ``<``, ``==``, ``!=``;
  ``in`` and ``not in`` a list of choices; ``+``, ``-``, and ``*`` by a number
  written in the rule

:func:`compile_rule` parses and type-checks a rule against the inputs and
returns the JSON data :mod:`checker.engine` evaluates (never Python code: the
engine has no eval). Problems raise :class:`RuleError` with the offset in the
rule text and a message in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import did_you_mean

KEYWORDS = ("and", "or", "not", "in", "where", "true", "false", "sum", "between", "as_of", "for")
# Functions over a list's entries; their names are only special before '(' (a field may be called 'years').
LIST_FUNCTIONS = ("sum", "every", "any", "count", "years", "school_years", "annually")
COMPARISONS = (">=", "<=", "==", "!=", ">", "<")
_SYMBOLS = (">=", "<=", "==", "!=", ">", "<", "+", "-", "*", "(", ")", "[", "]", ",", ".")
MAX_RULE_LENGTH = 2000
MAX_NESTING = 30


class RuleError(Exception):
    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass
class Token:
    kind: str  # "num", "str", "name", "op", "end"
    text: str
    pos: int
    value: Any = None


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
            continue
        if ch.isascii() and ch.isdigit():
            j = i
            while j < n and text[j].isascii() and text[j].isdigit():
                j += 1
            if j < n and text[j] == "." and j + 1 < n and text[j + 1].isascii() and text[j + 1].isdigit():
                j += 1
                while j < n and text[j].isascii() and text[j].isdigit():
                    j += 1
                value: Any = float(text[i:j])
            else:
                value = int(text[i:j])
            if j < n and (text[j].isalpha() or text[j] == "_"):
                while j < n and (text[j].isalnum() or text[j] == "_"):
                    j += 1
                raise RuleError(f"'{text[i:j]}' is not a number; a name cannot start with a digit", i)
            tokens.append(Token("num", text[i:j], i, value))
            i = j
            continue
        if ch in "'\"":
            j = text.find(ch, i + 1)
            if j < 0:
                raise RuleError(f"text starting {text[i : i + 12]!r} has no closing {ch}", i)
            tokens.append(Token("str", text[i : j + 1], i, text[i + 1 : j]))
            i = j + 1
            continue
        if ch.isascii() and (ch.isalpha() or ch == "_"):
            j = i
            while j < n and text[j].isascii() and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(Token("name", text[i:j], i))
            i = j
            continue
        for sym in _SYMBOLS:
            if text.startswith(sym, i):
                tokens.append(Token("op", sym, i))
                i += len(sym)
                break
        else:
            hint = " (write 'and', 'or', 'not')" if ch in "&|!" else ""
            hint = " (compare with '==')" if ch == "=" else hint
            hint = f" (write '{text[i + 1]}=')" if text[i : i + 2] in ("=>", "=<") else hint
            raise RuleError(f"unexpected character '{ch}'{hint}", i)
    tokens.append(Token("end", "", n))
    return tokens


# --- syntax ------------------------------------------------------------------------------


@dataclass
class Node:
    kind: str  # num str bool name list and or not cmp in notin add sub mul neg sum
    pos: int
    end: int
    value: Any = None
    children: list[Node] = field(default_factory=list)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def is_(self, text: str) -> bool:
        tok = self.tok
        return tok.kind in ("op", "name") and tok.text == text

    def expect(self, text: str, after: str) -> Token:
        if not self.is_(text):
            raise RuleError(f"expected '{text}' {after}, found {self.describe(self.tok)}", self.tok.pos)
        return self.take()

    @staticmethod
    def describe(tok: Token) -> str:
        return "the end of the rule" if tok.kind == "end" else f"'{tok.text}'"

    def end_of(self, tok: Token) -> int:
        return tok.pos + len(tok.text)

    def parse(self) -> Node:
        node = self.expr()
        if self.tok.kind != "end":
            raise RuleError(f"unexpected {self.describe(self.tok)}; join conditions with 'and' or 'or'", self.tok.pos)
        return node

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise RuleError("the rule is nested too deeply", self.tok.pos)
        try:
            return self.binary("or", self.and_)
        finally:
            self.depth -= 1

    def binary(self, word: str, operand) -> Node:
        first = operand()
        parts = [first]
        while self.is_(word):
            self.take()
            parts.append(operand())
        if len(parts) == 1:
            return first
        return Node(word, first.pos, parts[-1].end, children=parts)

    def and_(self) -> Node:
        return self.binary("and", self.not_)

    def not_(self) -> Node:
        if self.is_("not"):
            tok = self.take()
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise RuleError("the rule is nested too deeply", tok.pos)
            inner = self.not_()
            self.depth -= 1
            return Node("not", tok.pos, inner.end, children=[inner])
        return self.comparison()

    def comparison(self) -> Node:
        left = self.arith()
        tok = self.tok
        if tok.kind == "op" and tok.text in COMPARISONS:
            self.take()
            right = self.arith()
            if self.tok.kind == "op" and self.tok.text in COMPARISONS:
                raise RuleError("compare two things at a time; join comparisons with 'and'", self.tok.pos)
            return Node("cmp", left.pos, right.end, tok.text, [left, right])
        if self.is_("in"):
            self.take()
            choices = self.string_list()
            return Node("in", left.pos, choices.end, None, [left, choices])
        if self.is_("not") and self.tokens[self.i + 1].kind == "name" and self.tokens[self.i + 1].text == "in":
            self.take()
            self.take()
            choices = self.string_list()
            return Node("notin", left.pos, choices.end, None, [left, choices])
        return left

    def string_list(self) -> Node:
        start = self.expect("[", "after 'in'")
        values: list[str] = []
        while not self.is_("]"):
            tok = self.tok
            if tok.kind != "str":
                raise RuleError(
                    f"a list after 'in' holds quoted choices like 'mo_public', not {self.describe(tok)}", tok.pos
                )
            self.take()
            values.append(tok.value)
            if not self.is_("]"):
                self.expect(",", "between the choices")
        end = self.take()
        if not values:
            raise RuleError("the list after 'in' is empty", start.pos)
        return Node("list", start.pos, self.end_of(end), values)

    def arith(self) -> Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self.take().text
            right = self.term()
            node = Node("add" if op == "+" else "sub", node.pos, right.end, None, [node, right])
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.is_("*"):
            self.take()
            right = self.unary()
            node = Node("mul", node.pos, right.end, None, [node, right])
        return node

    def unary(self) -> Node:
        if self.is_("-"):
            tok = self.take()
            inner = self.atom()
            if inner.kind != "num":
                raise RuleError("'-' in front of a name is not supported; subtract instead, e.g. 'a - b'", tok.pos)
            return Node("num", tok.pos, inner.end, -inner.value)
        return self.atom()

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.take()
            if self.tok.kind == "name" and self.tok.text in ("year", "years") and not self._call_follows(1):
                unit = self.take()
                return Node("duration", tok.pos, self.end_of(unit), tok.value)
            return Node("num", tok.pos, self.end_of(tok), tok.value)
        if tok.kind == "str":
            self.take()
            return Node("str", tok.pos, self.end_of(tok), tok.value)
        if tok.kind == "op" and tok.text == "(":
            self.take()
            inner = self.expr()
            close = self.expect(")", "to close the '('")
            inner.pos, inner.end = tok.pos, self.end_of(close)
            return inner
        if tok.kind == "op" and tok.text == "[":
            raise RuleError("a list of choices can only follow 'in'", tok.pos)
        if tok.kind == "name":
            if tok.text in ("true", "false"):
                self.take()
                return Node("bool", tok.pos, self.end_of(tok), tok.text == "true")
            if tok.text == "sum":
                return self.sum_()
            if tok.text in LIST_FUNCTIONS and self._call_follows(1):
                return self.over_list()
            if tok.text == "as_of":
                self.take()
                return Node("as_of", tok.pos, self.end_of(tok))
            if tok.text in KEYWORDS:
                raise RuleError(f"expected a name or a number, found '{tok.text}'", tok.pos)
            self.take()
            if self.is_("("):
                raise RuleError(
                    f"'{tok.text}(...)' is not a function of the rules{did_you_mean(tok.text, LIST_FUNCTIONS)}; "
                    f"the functions are {', '.join(f + '(...)' for f in LIST_FUNCTIONS)}",
                    tok.pos,
                )
            if self.is_("."):
                raise RuleError(
                    f"the fields of '{tok.text}' entries are added up inside sum(...), "
                    f"e.g. sum({tok.text}.FIELD where CONDITION)",
                    tok.pos,
                )
            return Node("name", tok.pos, self.end_of(tok), tok.text)
        raise RuleError(f"expected a name or a number, found {self.describe(tok)}", tok.pos)

    def sum_(self) -> Node:
        start = self.take()
        self.expect("(", "after 'sum'")
        lst = self.tok
        if lst.kind != "name" or lst.text in KEYWORDS:
            raise RuleError(
                "write sum(LIST.FIELD where CONDITION), e.g. sum(experience.years where contracted)", lst.pos
            )
        self.take()
        self.expect(".", f"after '{lst.text}': write sum({lst.text}.FIELD ...)")
        fld = self.tok
        if fld.kind != "name" or fld.text in KEYWORDS:
            raise RuleError(f"expected a field name after '{lst.text}.'", fld.pos)
        self.take()
        cond = None
        if self.is_("where"):
            self.take()
            cond = self.expr()
        close = self.expect(")", "to close sum(")
        children = [
            Node("name", lst.pos, self.end_of(lst), lst.text),
            Node("name", fld.pos, self.end_of(fld), fld.text),
        ]
        if cond is not None:
            children.append(cond)
        return Node("sum", start.pos, self.end_of(close), None, children)

    def over_list(self) -> Node:
        """every(LIST where C), any(LIST where C), count(LIST [where C]),
        years(LIST [where C] [between DATE and DATE])."""
        start = self.take()
        word = start.text
        self.expect("(", f"after '{word}'")
        lst = self.tok
        if lst.kind != "name" or lst.text in KEYWORDS:
            raise RuleError(f"write {word}(LIST where CONDITION), e.g. {word}(experience where contracted)", lst.pos)
        self.take()
        if self.is_("."):
            raise RuleError(
                f"{word}(...) reads whole entries; write {word}({lst.text} where CONDITION), "
                f"naming the fields in the condition",
                self.tok.pos,
            )
        children = [Node("name", lst.pos, self.end_of(lst), lst.text)]
        cond = None
        if self.is_("where"):
            self.take()
            cond = self.expr()
        elif word in ("every", "any"):
            raise RuleError(f"expected 'where' and a condition after {word}({lst.text}", self.tok.pos)
        children.append(cond if cond is not None else Node("none", lst.pos, lst.pos))
        if word == "annually":
            self.expect(
                "for", f"and the list whose school years it covers: annually({lst.text} where CONDITION for LIST"
            )
            other = self.tok
            if other.kind != "name" or other.text in KEYWORDS:
                raise RuleError(f"expected the name of a list after 'for', found {self.describe(other)}", other.pos)
            self.take()
            children.append(Node("name", other.pos, self.end_of(other), other.text))
        elif self.is_("for"):
            raise RuleError("only annually(...) takes 'for LIST'", self.tok.pos)
        if word == "years" and self.is_("between"):
            self.take()
            first = self.arith()
            self.expect("and", "between the two dates of 'between'")
            second = self.arith()
            children += [first, second]
        elif self.is_("between"):
            raise RuleError("only years(...) takes 'between DATE and DATE'", self.tok.pos)
        close = self.expect(")", f"to close {word}(")
        return Node(word, start.pos, self.end_of(close), None, children)

    def _call_follows(self, ahead: int) -> bool:
        nxt = self.tokens[min(self.i + ahead, len(self.tokens) - 1)]
        return nxt.kind == "op" and nxt.text == "("


def parse(text: str) -> Node:
    if len(text) > MAX_RULE_LENGTH:
        raise RuleError(f"the rule is longer than {MAX_RULE_LENGTH} characters; split the requirement into checks")
    if not text.strip():
        raise RuleError("the rule is empty")
    return _Parser(text).parse()


# --- types and compiling -----------------------------------------------------------------


@dataclass
class Compiled:
    rule: list
    inputs: list[str]  # top-level inputs the rule reads, in order
    quantity: list | None = None  # for 'QUANTITY >= NUMBER' rules
    threshold: float | int | None = None
    time: bool = False  # reads the as-of date (directly, or through years(...)): time passing can change it


_TYPE_WORDS = {
    "number": "a number",
    "boolean": "a yes/no answer",
    "choice": "a choice",
    "string": "quoted text",
    "list": "a list",
    "date": "a date",
    "duration": "a number of years",
    "school_year": "a school year",
}


class _Compiler:
    def __init__(self, text: str, inputs: dict[str, Any]):
        self.text = text
        self.inputs = inputs  # name -> spec (attributes: name, type, choices, fields)
        self.used: list[str] = []
        self.time = False

    def src(self, node: Node) -> str:
        text = " ".join(self.text[node.pos : node.end].split())
        return text if len(text) <= 40 else text[:37] + "..."

    def what(self, node: Node, kind: str) -> str:
        src = self.src(node)
        shown = src if kind == "string" else f"'{src}'"  # quoted text shows its own quotes
        return f"{shown} is {_TYPE_WORDS[kind]}"

    def need(self, node: Node, scope, kind: str, why: str):
        rule, got, spec = self.compile(node, scope)
        if got != kind:
            raise RuleError(f"{why}; {self.what(node, got)}", node.pos)
        return rule, spec

    def use(self, name: str) -> None:
        if name not in self.used:
            self.used.append(name)

    def compile(self, node: Node, scope):
        """(engine node, type, spec) for a syntax node; scope is None or (list spec, fields by name)."""
        k = node.kind
        if k == "num":
            return ["num", node.value], "number", None
        if k == "str":
            return ["str", node.value], "string", None
        if k == "bool":
            return ["bool", node.value], "boolean", None
        if k == "name":
            return self.name(node, scope)
        if k in ("and", "or"):
            parts = [self.need(c, scope, "boolean", f"'{k}' joins yes/no conditions")[0] for c in node.children]
            return [k, parts], "boolean", None
        if k == "not":
            inner, _ = self.need(node.children[0], scope, "boolean", "'not' goes in front of a yes/no condition")
            return ["not", inner], "boolean", None
        if k == "cmp":
            return self.comparison(node, scope)
        if k in ("in", "notin"):
            left, kind, spec = self.compile(node.children[0], scope)
            if kind != "choice":
                raise RuleError(
                    f"'in' checks a choice against a list of its values; {self.what(node.children[0], kind)}",
                    node.children[0].pos,
                )
            values = node.children[1].value
            for v in values:
                self.check_choice(spec, v, node.children[1])
            rule = ["in", left, list(values)]
            return (rule if k == "in" else ["not", rule]), "boolean", None
        if k in ("add", "sub"):
            word = "'+' adds" if k == "add" else "'-' subtracts"
            left, right = node.children
            if right.kind == "duration":
                a, _ = self.need(left, scope, "date", f"{word} years to a date, e.g. 'issued_on + 4 years'")
                years = right.value
                if not isinstance(years, int):
                    raise RuleError("add or subtract whole years, e.g. 'issued_on + 4 years'", right.pos)
                return ["shift", a, years if k == "add" else -years], "date", None
            a, ka, _ = self.compile(left, scope)
            if ka == "date":
                raise RuleError(
                    f"{word} years to a date, e.g. 'issued_on + 4 years'; "
                    f"{self.what(right, self.compile(right, scope)[1])}",
                    right.pos,
                )
            if ka != "number":
                raise RuleError(f"{word} numbers; {self.what(left, ka)}", left.pos)
            b, _ = self.need(right, scope, "number", f"{word} numbers")
            return [k, a, b], "number", None
        if k == "mul":
            a, _ = self.need(node.children[0], scope, "number", "'*' multiplies numbers")
            b, _ = self.need(node.children[1], scope, "number", "'*' multiplies numbers")
            if a[0] == "num" and b[0] == "num":
                return ["num", a[1] * b[1]], "number", None
            if a[0] == "num":
                return ["mul", a[1], b], "number", None
            if b[0] == "num":
                return ["mul", b[1], a], "number", None
            raise RuleError("'*' multiplies by a number written in the rule, e.g. '15 * pd_semester_hours'", node.pos)
        if k == "sum":
            return self.sum_(node, scope)
        if k in ("every", "any", "count", "years", "school_years", "annually"):
            return self.over_list(node, scope)
        if k == "as_of":
            self.time = True
            return ["as_of"], "date", None
        if k == "duration":
            raise RuleError(
                f"'{self.src(node)}' is a number of years; add it to a date, e.g. 'issued_on + 4 years'", node.pos
            )
        if k == "list":
            raise RuleError("a list of choices can only follow 'in'", node.pos)
        raise RuleError(f"cannot use '{self.src(node)}' here", node.pos)  # pragma: no cover

    def name(self, node: Node, scope):
        name = node.value
        if scope is not None:
            list_spec, fields = scope
            if name not in fields:
                raise RuleError(
                    f"'{list_spec.name}' entries have no field '{name}'{did_you_mean(name, fields)}; "
                    f"inside sum(...) the condition names the fields of one entry",
                    node.pos,
                )
            spec = fields[name]
            return ["field", name], spec.type, spec
        if name not in self.inputs:
            raise RuleError(f"unknown input '{name}'{did_you_mean(name, self.inputs)}", node.pos)
        spec = self.inputs[name]
        if spec.type == "list":
            raise RuleError(f"'{name}' is a list; add up its entries with sum({name}.FIELD where CONDITION)", node.pos)
        self.use(name)
        return ["input", name], spec.type, spec

    def check_choice(self, spec, value: str, node: Node) -> None:
        values = [c.value for c in spec.choices]
        if value not in values:
            raise RuleError(
                f"'{value}' is not a choice of '{spec.name}'{did_you_mean(value, values)}; "
                f"its choices are {', '.join(values)}",
                node.pos,
            )

    def comparison(self, node: Node, scope):
        op = node.value
        left, right = node.children
        a, ka, sa = self.compile(left, scope)
        b, kb, sb = self.compile(right, scope)
        if op in ("==", "!="):
            if ka == "number" and kb == "number":
                return ["cmp", op, a, b], "boolean", None
            if ka == "date" and kb == "date":
                return ["dcmp", op, a, b], "boolean", None
            if ka == "choice" and kb == "string":
                self.check_choice(sa, b[1], right)
            elif ka == "string" and kb == "choice":
                self.check_choice(sb, a[1], left)
            elif not (ka == "choice" and kb == "choice" and sa is sb):
                if "boolean" in (ka, kb):
                    raise RuleError(
                        f"'{op}' does not compare yes/no answers; write the name alone, or 'not' and the name", node.pos
                    )
                raise RuleError(
                    f"'{op}' compares two numbers or a choice with one of its values; "
                    f"{self.what(left, ka)} and {self.what(right, kb)}",
                    node.pos,
                )
            return ["eq" if op == "==" else "ne", a, b], "boolean", None
        if ka == "date" and kb == "date":
            return ["dcmp", op, a, b], "boolean", None
        if "date" in (ka, kb):
            other, kind = (right, kb) if ka == "date" else (left, ka)
            raise RuleError(
                f"'{op}' compares a date with another date, e.g. 'issued_on + 4 years >= as_of'; "
                f"{self.what(other, kind)}",
                other.pos,
            )
        for side, kind in ((left, ka), (right, kb)):
            if kind != "number":
                raise RuleError(f"'{op}' compares numbers; {self.what(side, kind)}", side.pos)
        return ["cmp", op, a, b], "boolean", None

    def list_input(self, node: Node, what: str):
        """The list input a list function reads, and its fields by name; ``what`` says what the function does."""
        name = node.value
        if name not in self.inputs:
            raise RuleError(f"unknown input '{name}'{did_you_mean(name, self.inputs)}", node.pos)
        spec = self.inputs[name]
        if spec.type != "list":
            raise RuleError(f"{what}; '{name}' is {_TYPE_WORDS[spec.type]}", node.pos)
        self.use(name)
        fields: dict[str, Any] = {}
        for f in spec.fields:
            fields.setdefault(f.name, f)  # a repeated field is reported where the inputs are checked
        return spec, fields

    def over_list(self, node: Node, scope):
        word = node.kind
        if scope is not None:
            raise RuleError(f"{word}(...) cannot be used inside another list function", node.pos)
        spec, fields = self.list_input(node.children[0], f"{word}(...) reads the entries of a list")
        cond_node = node.children[1]
        cond = None
        if cond_node.kind != "none":
            cond, _ = self.need(cond_node, (spec, fields), "boolean", "'where' is followed by a yes/no condition")
        if word in ("every", "any"):
            return [word, spec.name, cond], "boolean", None
        if word == "count":
            return ["count", spec.name, cond], "number", None
        if word == "school_years":
            return self.school_years(node, spec, fields, cond)
        if word == "annually":
            return self.annually(node, spec, fields, cond)
        start = fields.get("start")
        if start is None or start.type != "date":
            raise RuleError(
                f"years(...) adds up the periods of entries with a date field 'start' (and 'end'); "
                f"'{spec.name}' entries have none",
                node.children[0].pos,
            )
        end = fields.get("end")
        if end is not None and end.type != "date":
            raise RuleError(
                f"years(...) reads 'end' as the date a period ends; in '{spec.name}' it is {_TYPE_WORDS[end.type]}",
                node.children[0].pos,
            )
        window = None
        if len(node.children) > 2:
            first, _ = self.need(node.children[2], None, "date", "'between' is followed by two dates")
            second, _ = self.need(node.children[3], None, "date", "'between' is followed by two dates")
            window = [first, second]
        self.time = True  # a period without an end runs to the as-of date
        return ["years", spec.name, cond, window], "number", None

    def school_years(self, node: Node, spec, fields: dict[str, Any], cond):
        """school_years(LIST [where C]): the school years the entries name, each once; a year whose
        entries all say they are part of a year (a yes/no field 'whole_year') only may count."""
        year = fields.get("school_year")
        if year is None or year.type != "school_year":
            raise RuleError(
                f"school_years(...) counts the school years of entries with a field 'school_year' of type "
                f"school_year; '{spec.name}' entries have none",
                node.children[0].pos,
            )
        whole = fields.get("whole_year")
        if whole is not None and whole.type != "boolean":
            raise RuleError(
                f"school_years(...) reads 'whole_year' as yes/no (the entry covers the whole school year); "
                f"in '{spec.name}' it is {_TYPE_WORDS[whole.type]}",
                node.children[0].pos,
            )
        return ["school_years", spec.name, cond, "whole_year" if whole is not None else None], "number", None

    def annually(self, node: Node, spec, fields: dict[str, Any], cond):
        """annually(LIST where C for YEARS): every school year of YEARS has an entry of LIST meeting C."""
        for lst, lst_fields in ((spec, fields), self.list_input(node.children[2], "'for' names a list")):
            year = lst_fields.get("school_year")
            if year is None or year.type != "school_year":
                raise RuleError(
                    f"annually(...) matches entries by their field 'school_year' (of type school_year); "
                    f"'{lst.name}' entries have none",
                    node.children[0].pos if lst is spec else node.children[2].pos,
                )
        return ["annually", spec.name, cond, node.children[2].value], "boolean", None

    def sum_(self, node: Node, scope):
        if scope is not None:
            raise RuleError("sum(...) cannot be used inside another sum(...)", node.pos)
        lst, fld = node.children[0], node.children[1]
        spec, fields = self.list_input(lst, "sum(...) adds up the entries of a list")
        name = spec.name
        inner = (spec, fields)
        value, _ = self.need(fld, inner, "number", "sum(...) adds up a number field")
        cond = None
        if len(node.children) > 2:
            cond, _ = self.need(node.children[2], inner, "boolean", "'where' is followed by a yes/no condition")
        return ["sum", name, value, cond], "number", None


def compile_rule(text: str, inputs: dict[str, Any]) -> Compiled:
    """Parse and type-check one rule; raises RuleError."""
    tree = parse(text)
    compiler = _Compiler(text, inputs)
    rule, kind, _ = compiler.compile(tree, None)
    if kind != "boolean":
        raise RuleError(
            f"a rule must be a yes/no condition, like 'experience_years >= 4'; {compiler.what(tree, kind)}", tree.pos
        )
    out = Compiled(rule, compiler.used, time=compiler.time)
    if rule[0] == "cmp" and rule[1] == ">=" and rule[3][0] == "num":
        out.quantity = rule[2]
        out.threshold = rule[3][1]
    return out
