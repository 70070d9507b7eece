"""JSON Schemas for editors, generated from the content model.

Staff edit YAML in VS Code (or any editor that speaks the YAML language
server). Each content file starts with a line such as::

    # yaml-language-server: $schema=../schemas/sources.schema.json

and the editor then completes field names and underlines mistakes as staff
type. The schemas in ``schemas/`` are generated here from the same pydantic
models the loader validates with, so there is one definition of the format;
``tests/test_schema.py`` fails when the committed files fall behind the
models (regenerate with ``make schemas``).

The schemas are a helper, not the judge: checks that need Python (no HTML in
Markdown, references that resolve, ids that are unique) run only in
``make validate`` and the build.

Editors implement JSON Schema draft-07 (the YAML language server warns that
newer drafts are "not yet fully supported"), so pydantic's 2020-12 output is
written down as draft-07: definitions live under ``definitions`` and a ``$ref``
never has sibling keywords (draft-07 ignores them; they are wrapped in
``allOf``). A keyword that draft-07 does not have stops generation with an
error instead of producing a schema editors would misread.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from pydantic import BaseModel

from . import kinds as registry
from .kinds import KINDS

DRAFT = "http://json-schema.org/draft-07/schema#"
SCHEMA_DIR = "schemas"

# Keywords pydantic may emit that draft-07 does not have (editors would silently ignore them).
_NEWER_KEYWORDS = {
    "prefixItems",
    "$dynamicRef",
    "$dynamicAnchor",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "$anchor",
}


def kinds() -> dict[str, type[BaseModel]]:
    """Every kind of content file (its schema's name) and the model the loader validates it with."""
    return {k.schema: k.model for k in KINDS}


def schema_file(kind: str) -> str:
    return f"{kind}.schema.json"


def kind_of(rel: str | PurePath) -> str | None:
    """The schema name of a file given its path relative to the content folder (None: not a content file)."""
    kind = registry.kind_of(rel)
    return kind.schema if kind else None


def modeline(rel: str | Path) -> str:
    """The first line a content file needs, e.g. for ``guides/missouri/apply.yml``::

        # yaml-language-server: $schema=../../../schemas/guide.schema.json

    The path is relative to the file, so it works wherever the repository is checked out
    (content/ and schemas/ sit side by side at the top of the repository).
    """
    rel_posix = PurePosixPath(Path(rel).as_posix())
    kind = kind_of(rel_posix)
    if kind is None:
        raise ValueError(f"{rel} is not a content file")
    here = posixpath.join("content", str(rel_posix.parent))
    target = posixpath.relpath(posixpath.join(SCHEMA_DIR, schema_file(kind)), posixpath.normpath(here))
    return f"# yaml-language-server: $schema={target}"


def _draft07(node: Any, where: str = "#") -> Any:
    """Rewrite pydantic's 2020-12 output as draft-07 (see the module docstring)."""
    if isinstance(node, list):
        return [_draft07(item, f"{where}/{i}") for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    newer = _NEWER_KEYWORDS.intersection(node)
    if newer:
        raise ValueError(
            f"{where}: the model produces {sorted(newer)}, which editors (JSON Schema draft-07) do not "
            "understand; change the model or teach certkb/schema.py to express it in draft-07"
        )
    out = {key: _draft07(value, f"{where}/{key}") for key, value in node.items()}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/$defs/", "#/definitions/")
        if len(out) > 1:
            ref = out.pop("$ref")
            out["allOf"] = [{"$ref": ref}, *out.get("allOf", [])]
    return out


def generate(kind: str) -> dict[str, Any]:
    """The JSON Schema (a dict) for one kind of content file."""
    model = kinds()[kind]
    raw = model.model_json_schema(mode="validation")
    defs = raw.pop("$defs", None)
    schema = _draft07(raw)
    if defs:
        schema["definitions"] = {name: _draft07(d, f"#/definitions/{name}") for name, d in defs.items()}
    entry = next(k for k in KINDS if k.schema == kind)
    title, description = entry.title, entry.description
    schema.update(
        {
            "$schema": DRAFT,
            # Relative, so it names the file wherever the repository is checked out.
            "$id": schema_file(kind),
            "title": title,
            "description": f"{description} Generated from the content model (certkb) by `make schemas`; "
            "do not edit by hand.",
        }
    )
    return schema


def dumps(schema: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, final newline (diffs show real changes only)."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate_all() -> dict[str, str]:
    """File name -> file text, for every kind."""
    return {schema_file(kind): dumps(generate(kind)) for kind in kinds()}


def outdated(out_dir: Path | str) -> list[str]:
    """Schema files in ``out_dir`` that are missing or differ from freshly generated ones."""
    out_dir = Path(out_dir)
    return [
        name
        for name, text in generate_all().items()
        if not (out_dir / name).is_file() or (out_dir / name).read_text(encoding="utf-8") != text
    ]


def write_all(out_dir: Path | str) -> list[str]:
    """Write every schema into ``out_dir``; returns the names of files that changed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    changed = outdated(out_dir)
    for name, text in generate_all().items():
        if name in changed:
            (out_dir / name).write_text(text, encoding="utf-8")
    return changed
