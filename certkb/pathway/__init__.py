"""Upgrade pathways: ``content/pathways/<id>.yml``.

One YAML file per pathway is the single definition of its rules. From it come

* the requirement list on the upgrade guide (:func:`requirement_list`, in ``guide.py``),
* the JSON data the checker engine evaluates, in the CLI and in the browser
  (:func:`compile_pathway`, in ``compiler.py``; the engine is :mod:`checker.engine`),
* the pathway's test cases, which ``make validate`` and pytest run (:func:`case_failures`, in ``cases.py``),
  and the rule that they show every requirement met and unmet (:func:`coverage_lacking`).

``model.py`` holds the pydantic models of the file; ``checks.py`` what a model
cannot check. The loader checks and compiles each pathway once and keeps the
result in ``Content.compiled``.
"""

from .cases import case_answers, case_failures, coverage_lacking, never_unmet, requirement_rules, shown_statuses
from .checks import check_cases, check_pathway
from .chooser import Chooser, check_chooser, chooser_case_failures, compile_chooser
from .compiler import compile_pathway, compile_rules, fill_threshold
from .guide import requirement_list
from .model import Case, Input, Pathway, Requirement, inputs_by_name

__all__ = [
    "Case",
    "Chooser",
    "check_chooser",
    "chooser_case_failures",
    "compile_chooser",
    "Input",
    "Pathway",
    "Requirement",
    "case_answers",
    "case_failures",
    "check_cases",
    "check_pathway",
    "compile_pathway",
    "compile_rules",
    "coverage_lacking",
    "fill_threshold",
    "inputs_by_name",
    "never_unmet",
    "requirement_list",
    "requirement_rules",
    "shown_statuses",
]
