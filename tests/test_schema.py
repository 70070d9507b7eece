"""The editors' JSON Schemas: generated from the model, current, named by every file, and right.

* The committed ``schemas/*.schema.json`` are exactly what ``make schemas`` writes now,
  so an editor never helps staff with last month's format.
* Every content file's first line points its editor at the right schema, by a path
  that exists.
* Every real content file passes its schema (the editor shows no false alarms), and
  a file with an unknown field fails it (the editor catches the typo), as the loader does.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from certkb import schema
from certkb.loader import SINGLE_FILES, content_files, validate_doc
from certkb.yamlpos import load_located

from .conftest import CONTENT_DIR

ROOT = Path(__file__).resolve().parent.parent
CONTENT = CONTENT_DIR
SCHEMAS = ROOT / "schemas"
KINDS = list(schema.kinds())  # one schema per kind of content file in the registry (certkb/kinds.py)


def real_files() -> list[Path]:
    return [p for p in content_files(CONTENT) if p.exists()]


def rel(path: Path) -> str:
    return path.relative_to(CONTENT).as_posix()


def editor_data(path: Path):
    """The file as an editor's YAML language server sees it: YAML 1.2, so dates are text."""
    doc = load_located(path.read_bytes(), str(path))
    assert not doc.errors, "\n".join(map(str, doc.errors))

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        return value

    return plain(doc.data)


def validator(kind: str) -> jsonschema.Draft7Validator:
    committed = json.loads((SCHEMAS / schema.schema_file(kind)).read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(committed, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


# --- one source: the committed schemas are the model's --------------------------------------


def test_one_schema_per_kind_of_content_file():
    assert KINDS, "the registry lists no kind of content file"
    assert sorted(p.name for p in SCHEMAS.glob("*.schema.json")) == sorted(f"{k}.schema.json" for k in KINDS)


def test_committed_schemas_match_the_model():
    stale = schema.outdated(SCHEMAS)
    assert not stale, (
        f"{', '.join('schemas/' + n for n in stale)} no longer match the content model in certkb/. "
        "Regenerate them with `make schemas` (or `python -m certkb schema`) and commit the result."
    )


def test_check_command_reports_a_stale_schema(tmp_path):
    from certkb.cli import main

    assert main(["schema", str(tmp_path)]) == 0
    assert main(["schema", "--check", str(tmp_path)]) == 0
    guide = tmp_path / "guide.schema.json"
    data = json.loads(guide.read_text())
    del data["properties"]["last_reviewed"]  # as if the model had gained a field since
    guide.write_text(schema.dumps(data))
    assert main(["schema", "--check", str(tmp_path)]) == 1
    assert schema.outdated(tmp_path) == ["guide.schema.json"]


def test_generation_is_deterministic():
    assert schema.generate_all() == schema.generate_all()
    for text in schema.generate_all().values():
        assert text.endswith("}\n") and text == schema.dumps(json.loads(text))


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft07_that_editors_read(kind):
    data = json.loads((SCHEMAS / schema.schema_file(kind)).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(data)
    assert data["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert data["$id"] == f"{kind}.schema.json" and data["title"] and data["description"]

    def walk(node, where="#"):
        if isinstance(node, dict):
            # draft-07 ignores keywords beside a $ref, and has no $defs
            assert "$ref" not in node or len(node) == 1, f"{where}: $ref with siblings {sorted(node)}"
            assert "$defs" not in node and "#/$defs/" not in str(node.get("$ref", "")), where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(data)
    model = schema.kinds()[kind]
    # Every field of the model, and only those, is offered to the editor.
    assert set(data["properties"]) == set(model.model_fields)
    assert data["additionalProperties"] is False
    assert set(data.get("required", [])) == {n for n, f in model.model_fields.items() if f.is_required()}


def test_draft07_rewrite():
    raw = {"$defs": {}, "properties": {"a": {"$ref": "#/$defs/A", "description": "d"}}}
    assert schema._draft07(raw)["properties"]["a"] == {"allOf": [{"$ref": "#/definitions/A"}], "description": "d"}
    with pytest.raises(ValueError, match="prefixItems"):
        schema._draft07({"properties": {"pair": {"prefixItems": [{}, {}]}}})


# --- every content file names its schema ------------------------------------------------------


def test_there_is_content_to_check():
    kinds = {schema.kind_of(rel(p)) for p in real_files()}
    assert {"sources", "jurisdictions", "guide"} <= kinds


@pytest.mark.parametrize("path", real_files(), ids=rel)
def test_first_line_names_the_right_schema(path: Path):
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    expected = schema.modeline(rel(path))
    assert first == expected, f"content/{rel(path)}: the first line should be\n  {expected}\nnot\n  {first}"
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == (SCHEMAS / schema.schema_file(schema.kind_of(rel(path)))).resolve() and target.is_file()


def test_modeline_paths():
    assert schema.modeline("sources.yml") == "# yaml-language-server: $schema=../schemas/sources.schema.json"
    assert (
        schema.modeline("guides/somewhere/a-guide.yml")
        == "# yaml-language-server: $schema=../../../schemas/guide.schema.json"
    )
    assert (
        schema.modeline("pathways/a-pathway.yml") == "# yaml-language-server: $schema=../../schemas/pathway.schema.json"
    )
    assert schema.kind_of("README.md") is None and schema.kind_of("notes.yml") is None
    assert {schema.kind_of(name) for name in SINGLE_FILES} == {"sources", "jurisdictions", "facts", "glossary"}


# --- the schema agrees with the content, and catches a typo -----------------------------------


@pytest.mark.parametrize("path", real_files(), ids=rel)
def test_schema_accepts_real_content(path: Path):
    kind = schema.kind_of(rel(path))
    errors = sorted(validator(kind).iter_errors(editor_data(path)), key=str)
    assert not errors, f"content/{rel(path)} fails {kind}.schema.json:\n" + "\n".join(
        f"  {e.json_path}: {e.message}" for e in errors
    )


def _first(kind: str) -> Path:
    return next(p for p in real_files() if schema.kind_of(rel(p)) == kind)


def _mutations():
    """(kind, name, change) where the change breaks one rule both the schema and the model state."""

    def top_typo(d):
        d["stpes"] = d.pop("steps", [{"text": "x"}])

    def nested_typo(d):
        d["steps"] = [{"text": "Sign in.", "warnign": "Do not share your password."}]

    def missing(d):
        del d["last_reviewed"]

    def bad_date(d):
        d["last_reviewed"] = "23/11/2026"

    def bad_id(d):
        d["id"] = "Create Account"

    def listing_typo(d):
        d["sources"][0]["retreived"] = d["sources"][0].pop("retrieved")

    return [
        ("guide", "unknown top-level field", top_typo),
        ("guide", "unknown field in a step", nested_typo),
        ("guide", "missing required field", missing),
        ("guide", "date in the wrong form", bad_date),
        ("guide", "id with capitals and spaces", bad_id),
        ("sources", "unknown field in a source", listing_typo),
    ]


@pytest.mark.parametrize("kind,name,change", _mutations(), ids=[m[1] for m in _mutations()])
def test_schema_and_loader_both_reject(kind, name, change):
    path = _first(kind)
    data = copy.deepcopy(editor_data(path))
    assert not list(validator(kind).iter_errors(data))
    change(data)
    assert list(validator(kind).iter_errors(data)), f"{kind}.schema.json accepted a file with {name}"
    # The build rejects the same file (same model), so the editor and the build agree.
    doc = load_located(json.dumps(data), f"content/{rel(path)}")
    assert validate_doc(doc, schema.kinds()[kind]) is None and doc.errors


def test_unknown_field_error_names_the_field():
    data = editor_data(_first("guide"))
    data["stpes"] = []
    [error] = list(validator("guide").iter_errors(data))
    assert error.validator == "additionalProperties" and "'stpes'" in error.message
