"""The pathway file's model: what staff may write in ``content/pathways/<id>.yml``.

The pydantic models say which fields a pathway file has (the loader validates
with them and the editors' JSON Schema is generated from them);
:mod:`certkb.pathway.checks` checks what a model cannot.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Any, Literal, Protocol

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from ..models import Id, LongText, Markdown, PlainText, Strict

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


def _name_ok(value: str) -> str:
    if not re.match(NAME_PATTERN, value):
        raise ValueError(
            f"'{value[:40]}' is not a valid name; use lower-case letters, digits and '_', "
            f"starting with a letter (rules and answers write it)"
        )
    return value


Name = Annotated[
    str,
    StringConstraints(max_length=40),
    AfterValidator(_name_ok),
    Field(
        description="Lower-case letters, digits and '_', starting with a letter: the name rules and answers use.",
        json_schema_extra={"pattern": NAME_PATTERN},
    ),
]
RuleText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000),
    Field(description="A yes/no condition over the inputs, e.g. 'experience_years >= 4'. See content/README.md."),
]
Message = Annotated[
    PlainText,
    Field(
        description="Shown to the educator. "
        "May use {remaining}, {value} and {threshold} in a 'quantity >= number' rule."
    ),
]
Status = Literal["met", "unmet", "unknown"]
Overall = Literal["eligible", "not_yet", "incomplete"]

PLACEHOLDERS = ("remaining", "value", "threshold")
RESERVED_NAMES = ("as_of",)  # words of the rules language that an input cannot be named


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"should be a number, not {'true' if value else 'false'}")
    return value


class Choice(Strict):
    value: Id = Field(description="What answers and rules write, e.g. 'mo_public'.")
    label: PlainText = Field(description="What the educator sees.")


class EntryField(Strict):
    """One field of each entry of a list input."""

    name: Name
    type: Literal["number", "boolean", "choice", "date", "school_year"] = Field(
        description="What the answer is; 'school_year' is a school year written like 2023-24 (list fields only)."
    )
    label: PlainText = Field(description="A short name for the question, shown on the form and in messages.")
    hint: PlainText | None = Field(default=None, description="One line of help shown under the question.")
    unit: PlainText | None = Field(default=None, description="For numbers: what is counted, e.g. 'years'.")
    at_least: float | None = Field(default=None, description="For numbers: the smallest allowed answer.")
    more_than: float | None = Field(default=None, description="For numbers: answers must be larger than this.")
    at_most: float | None = Field(default=None, description="For numbers: the largest allowed answer.")
    choices: list[Choice] = Field(default_factory=list, description="For choices: the allowed values, in order.")

    _numbers = field_validator("at_least", "more_than", "at_most", mode="before")(_no_bool)


class Input(EntryField):
    """One question of the checker; its ``name`` is the key in the answers."""

    # Pydantic lets a model redefine a field it inherits; mypy sees an override that widens the type.
    # The code never takes an Input for an EntryField (it takes "Input | EntryField" and tells them
    # apart), so the wider Literal is sound where it is used.
    type: Literal["number", "boolean", "choice", "date", "list"]  # type: ignore[assignment]
    fields: list[EntryField] = Field(default_factory=list, description="For lists: the fields of each entry.")
    instead_of: Name | None = Field(
        default=None,
        description="Another input this one replaces: answers may give one of the two, never both; "
        "the one not given then counts as none.",
    )
    max_entries: int | None = Field(default=None, ge=1, le=1000, description="For lists: the most entries allowed.")


class Check(Strict):
    rule: RuleText
    unmet: Message = Field(description="What is missing when the rule is not met.")
    unknown: Message | None = Field(
        default=None, description="Shown while the rule cannot be decided; by default, the questions still unanswered."
    )


class _HasChecks(Protocol):
    """The fields a :class:`_Checked` model declares (read-only: the models are frozen)."""

    @property
    def rule(self) -> str | None: ...
    @property
    def unmet(self) -> str | None: ...
    @property
    def unknown(self) -> str | None: ...
    @property
    def checks(self) -> list[Check]: ...


class _Checked:
    """A rule with its messages, or several checks: what a requirement and a route both have
    (each declares the fields 'rule', 'unmet', 'unknown' and 'checks')."""

    def all_checks(self: _HasChecks) -> list[Check]:
        if self.rule is not None:
            return [Check(rule=self.rule, unmet=self.unmet or "Not met.", unknown=self.unknown)]
        return list(self.checks)


class Route(_Checked, Strict):
    """One way to meet a requirement that can be met in several ways."""

    id: Name = Field(description="Names the route in results, e.g. 'micro_credentials'.")
    title: PlainText = Field(description="The route in a few words, e.g. 'The fifteen MLDS micro-credentials'.")
    rule: RuleText | None = Field(default=None, description="The condition; or use 'checks' for several.")
    unmet: Message | None = Field(default=None, description="With 'rule': what this route still needs.")
    unknown: Message | None = None
    checks: list[Check] = Field(default_factory=list, description="Several conditions, each with its own message.")


class Undecided(Strict):
    """Answers the source gives no rule for: the requirement is unknown, not unmet."""

    rule: RuleText = Field(description="When this holds and the requirement would be unmet, it is unknown instead.")
    message: LongText = Field(description="Why the checker cannot decide, and who does.")


class Disagreement(Strict):
    """Another source that does not state this requirement (one that words it differently is a ``differs``)."""

    source: Id = Field(description="The source (one of the pathway's) that leaves this requirement out.")
    note: LongText = Field(description="What the educator should know: which source says what, and whom to ask.")


class Difference(Strict):
    """Another source that words this requirement (or this upgrade) differently."""

    source: Id = Field(description="The other source (one of the pathway's).")
    note: LongText = Field(description="What each source says, in their words, and whom to ask.")


class PathwayNotice(Strict):
    """Something the educator must know when a rule holds, that is not a requirement's status."""

    id: Name
    rule: RuleText
    message: LongText


class Requirement(_Checked, Strict):
    id: Id
    title: PlainText = Field(description="A short name, e.g. 'Mentoring'.")
    text: PlainText = Field(
        description="The requirement in full, as the guide lists it. "
        "{threshold} shows the number its first 'quantity >= number' rule needs."
    )
    source: Id = Field(description="The source (sources.yml) that states this requirement.")
    met: Message = Field(description="Shown when the requirement is met; may show {threshold}, as 'text' does.")
    rule: RuleText | None = Field(default=None, description="The condition; or use 'checks' for several.")
    unmet: Message | None = Field(default=None, description="With 'rule': what is missing when it is not met.")
    unknown: Message | None = None
    checks: list[Check] = Field(default_factory=list, description="Several conditions, each with its own message.")
    routes: list[Route] = Field(
        default_factory=list,
        description="Several ways to meet the requirement, instead of 'rule' or 'checks': it is met when any is. "
        "'unmet' may then show {routes}: what each route still needs, the nearest first.",
    )
    undecided: list[Undecided] = Field(
        default_factory=list, description="Answers the source gives no rule for: unknown instead of unmet."
    )
    disagreement: Disagreement | None = Field(
        default=None,
        description="Another of the pathway's sources does not state this requirement, or words it differently.",
    )
    differs: list[Difference] = Field(
        default_factory=list,
        description="Other sources that state this requirement in other words: shown on the guide and the "
        "checker with both sources; the result does not change.",
    )

    def all_checks(self) -> list[Check]:
        if self.routes:
            return []
        return super().all_checks()


class NextStep(Strict):
    guide: Id = Field(description="The guide to read next.")
    text: PlainText = Field(description="Why, in one line.")


class Expiry(Strict):
    input: Name = Field(description="The date input the certificate was issued on.")
    years: int = Field(ge=1, le=99, description="How many years the certificate is valid.")
    called: PlainText | None = Field(
        default=None,
        description="What the certificate is called where its expiry date is shown, "
        "e.g. 'classification' (default: 'certificate').",
    )
    expired: LongText | None = Field(
        default=None,
        description="The notice 'certificate_expired', when the as-of date is after the expiry date; "
        "{expires_on} shows that date. Quote what the source says.",
    )
    after: LongText | None = Field(
        default=None,
        description="The notice 'after_expiry', when the answers would meet every requirement only after the "
        "certificate expires; {eligible_from} and {expires_on} show the two dates. Quote what the source says "
        "about completing the requirements while the certificate is held.",
    )


class Case(Strict):
    """A test staff can write: answers and the result they must give."""

    name: PlainText
    answers: dict[str, Any] = Field(default_factory=dict, description="As in the JSON the checker reads.")
    status: Overall | None = Field(default=None, description="The overall result expected.")
    requirements: dict[str, Status] = Field(default_factory=dict, description="Requirement id: expected status.")
    remaining: dict[str, float | None] = Field(default_factory=dict, description="Requirement id: expected remaining.")
    expires_on: _dt.date | None = None
    as_of: _dt.date | None = Field(default=None, description="The day the check is made for (default: none).")
    notices: list[Name] | None = Field(default=None, description="The ids of the notices expected, exactly.")
    eligible_from: _dt.date | None = Field(
        default=None, description="The eligible-from date expected; null: none expected."
    )
    messages: dict[str, PlainText] = Field(default_factory=dict, description="Requirement id: its message, exactly.")
    problems: list[PlainText] = Field(
        default_factory=list, description="For answers that cannot be checked: the expected messages, in order."
    )


class Pathway(Strict):
    id: Id
    title: PlainText
    jurisdiction: Id
    summary: Markdown | None = None
    last_reviewed: _dt.date
    sources: list[Id] = Field(min_length=1)
    starts_from: PlainText | None = Field(
        default=None,
        description="The certificate an educator holds to take this upgrade, e.g. 'Initial Professional Certificate "
        "(IPC)'. Lists the checker under that certificate on the jurisdiction's page, in the topic of its guide.",
    )
    determination: PlainText = Field(description="Who makes the final decision; shown with every result.")
    inputs: list[Input] = Field(min_length=1)
    requirements: list[Requirement] = Field(min_length=1)
    expiry: Expiry | None = None
    notices: list[PathwayNotice] = Field(default_factory=list)
    differs: list[Difference] = Field(
        default_factory=list,
        description="Where the pathway's sources differ about the upgrade itself (not one requirement): "
        "shown on the guide and the checker.",
    )
    next_steps: list[NextStep] = Field(default_factory=list)
    cases: list[Case] = Field(default_factory=list)


def inputs_by_name(pathway: Pathway) -> dict[str, Input]:
    """The pathway's inputs by name (the first, where a name is given twice: checks reports that)."""
    out: dict[str, Input] = {}
    for spec in pathway.inputs:
        out.setdefault(spec.name, spec)
    return out
