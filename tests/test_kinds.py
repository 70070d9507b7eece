"""One registry of content kinds (certkb/kinds.py): the loader, the schemas and the staff guide follow it."""

from __future__ import annotations

from pathlib import PurePosixPath

from certkb import kinds, schema
from certkb.loader import SINGLE_FILES, content_files

from .conftest import ROOT


def test_the_staff_guide_lists_every_kind_of_file():
    guide = (ROOT / "content" / "README.md").read_text(encoding="utf-8")
    table = kinds.staff_table()
    assert table in guide, f"content/README.md's 'What lives where' table should read:\n{table}"


def test_every_kind_has_one_schema_and_every_content_file_one_kind():
    assert set(schema.kinds()) == {k.schema for k in kinds.KINDS}
    assert set(SINGLE_FILES) == {k.file for k in kinds.KINDS if k.file}
    for path in content_files(ROOT / "content"):
        rel = PurePosixPath(path.relative_to(ROOT / "content").as_posix())
        assert kinds.kind_of(rel) is not None, rel


def test_every_reference_names_a_kind_and_a_field_of_its_model():
    for kind in kinds.KINDS:
        for ref in kind.refs:
            assert ref.kind in kinds.BY_NAME
            model = kind.item_model
            for part in ref.path:
                if part == "*":
                    continue
                assert part in model.model_fields, (kind.name, ref.path)
                annotation = model.model_fields[part].annotation
                inner = getattr(annotation, "__args__", (annotation,))[0]
                model = inner if isinstance(inner, type) and hasattr(inner, "model_fields") else model


def test_the_text_references_are_the_ones_markdown_may_use():
    from certkb.models import REFERENCE_RE

    words = REFERENCE_RE.pattern.split("(", 1)[1].split(")", 1)[0].split("|")
    assert sorted(words) == sorted(k.text_ref for k in kinds.KINDS if k.text_ref)
