"""Placeholder until the rules-engine work lands (owned by the engine issue)."""
from __future__ import annotations

from pydantic import Field

from .models import Id, PlainText, Strict
import datetime as _dt


class Pathway(Strict):
    id: Id
    title: PlainText
    jurisdiction: Id
    last_reviewed: _dt.date
    sources: list[Id] = Field(min_length=1)


def check_pathway(pathway, doc, known):
    return []
