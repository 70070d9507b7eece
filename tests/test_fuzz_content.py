"""Robustness of the content loader: whatever is in a file, a clear error or success.

Property-based (hypothesis) fuzzing of ``certkb.yamlpos.load_located`` (one
file) and ``certkb.loader.load_content`` (a content folder holding the
generated file): arbitrary text and bytes, YAML-shaped token soup, mutations
of the real content files, odd encodings (UTF-16/32 with BOMs, Latin-1,
invalid UTF-8, NUL bytes), and, as explicit examples, files over the 1 MB
limit, 10,000 levels of nesting, "billion laughs" aliases and huge numbers.

The properties: ``load_located`` never raises, and each problem it reports
has the file's name, a line and column inside the file (or 1:1) and a
message; ``load_content`` returns content or raises ``ContentErrors`` made of
such problems, never any other exception. Nothing is timed here (no
hypothesis deadline): how long the 1 MB and deep-nesting files take is printed
by ``make bench-fuzz`` (benchmarks/fuzz.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certkb.errors import ContentError, ContentErrors
from certkb.loader import SINGLE_FILES, load_content
from certkb.yamlpos import MAX_BYTES, load_located

from .conftest import CONTENT_DIR

FUZZ = settings(
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the same examples on every run: a failure in `make test` is reproducible
)

NAME = "content/guides/missouri/fuzz.yml"
VALID = b"id: ok\ntitle: A valid file\nlist: [1, 2, {a: b}]\n"

REAL_FILES = sorted(CONTENT_DIR.rglob("*.yml"))

# Pieces YAML is made of, to build inputs that get past the first character.
TOKENS = [
    "\n",
    "  ",
    "    ",
    "\t",
    "- ",
    ": ",
    "? ",
    "key",
    "id",
    "title",
    "steps",
    "text",
    "sources",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "|",
    ">-",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!str ",
    "!!binary ",
    "!!python/object:os.system ",
    "!custom ",
    "<<: *a",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "#",
    "~",
    "null",
    "true",
    "no",
    "0x1F",
    "0o17",
    "1e400",
    ".inf",
    "-.nan",
    "2026-02-30",
    "2026-13-45",
    "12:30:00",
    "1_000",
    "9" * 30,
    "\u00e9",
    "\u202e",
    "\ufeff",
    "\x00",
    "\x85",
    "\u2028",
    "{fact:x}",
    "{guide:",
    "<script>",
    "\\",
    "\r\n",
]
yaml_soup = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)


def mutate(data: bytes, ops: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (position, kind, bytes) edits: 0 insert, 1 delete a few bytes, 2 duplicate a slice."""
    out = bytearray(data)
    for pos, kind, chunk in ops:
        at = pos % (len(out) + 1)
        if kind == 0:
            out[at:at] = chunk
        elif kind == 1:
            del out[at : at + 1 + len(chunk)]
        else:
            out[at:at] = out[at : at + 40]
    return bytes(out)


mutated_real = st.builds(
    mutate,
    st.sampled_from([p.read_bytes() for p in REAL_FILES]) if REAL_FILES else st.just(VALID),
    st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.integers(0, 2),
            st.sampled_from([t.encode() for t in TOKENS] + [b"\xff", b"\xc3", b"\xed\xa0\x80"]),
        ),
        min_size=1,
        max_size=6,
    ),
)

ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig", "utf-7"]
odd_encodings = st.builds(
    lambda text, enc: text.encode(enc, errors="replace"),
    st.one_of(yaml_soup, st.sampled_from([p.read_text(encoding="utf-8") for p in REAL_FILES[:5]] or ["id: x"])),
    st.sampled_from(ENCODINGS),
)

anything = st.one_of(
    st.text(max_size=400),
    st.binary(max_size=400),
    yaml_soup,
    yaml_soup.map(lambda s: s.encode("utf-8")),
    mutated_real,
    odd_encodings,
)

# Explicit hard cases.
LAUGHS = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
)
HARD: dict[str, str | bytes] = {
    "10k-flow-lists": "[" * 10_000 + "]" * 10_000,
    "10k-flow-maps": "a: " + "{a: " * 10_000 + "1" + "}" * 10_000,
    "1400-block-levels": "".join(" " * i + "- \n" for i in range(1400)),
    "10k-dashes-on-one-line": "- " * 10_000 + "x",
    "10k-keys-on-one-line": "a: " * 10_000,
    "999-flow-levels-C-parser": "a: " + "[" * 999 + "]" * 999,
    "1001-flow-levels": "[" * 1001 + "]" * 1001,
    "1MB-of-flow-lists": b"- [1]\n" * (MAX_BYTES // 6 - 10),
    "billion-laughs": LAUGHS,
    "recursive-alias": "a: &a [*a]\n",
    "merge-key-loop": "a: &a {<<: *a}\n",
    "over-1MB-bytes": b"title: " + b"x" * (MAX_BYTES + 1),
    "over-1MB-text": "title: " + "x" * (MAX_BYTES + 1),
    "1MB-of-short-lines": b"- 1\n" * (MAX_BYTES // 4 - 10),
    "huge-numbers": "n: " + "9" * 100_000 + "\nf: 1e99999\ng: -0x" + "F" * 5000 + "\nd: 99999-12-31\n",
    "NUL-bytes": b"id: a\x00b\ntitle: \x00\n",
    "invalid-utf8": b"id: ok\ntitle: caf\xe9\n",
    "utf16-with-bom": "id: x\ntitle: y\n".encode("utf-16"),
    "utf32-with-bom": "id: x\ntitle: y\n".encode("utf-32"),
    "lone-surrogate-escape": 'a: "\\ud800"\n',
    "python-tags": "a: !!python/object/apply:os.system [echo hi]\nb: !!python/name:os.system\n",
    "many-documents": "---\na: 1\n" * 1000,
}
MUST_REFUSE = {
    "10k-flow-lists",
    "10k-flow-maps",
    "10k-dashes-on-one-line",
    "billion-laughs",
    "over-1MB-bytes",
    "over-1MB-text",
    "invalid-utf8",
    "many-documents",
    "999-flow-levels-C-parser",
    "1001-flow-levels",
    "1MB-of-short-lines",
    "1MB-of-flow-lists",
}


def check_errors(errors: list[ContentError], source: str | bytes, name: str) -> None:
    text = source.decode("utf-8", errors="replace") if isinstance(source, bytes) else source
    lines = text.count("\n") + 2
    for e in errors:
        assert isinstance(e, ContentError), e
        assert e.path == name, e
        assert 1 <= e.line <= lines and e.column >= 1, e
        assert isinstance(e.message, str) and e.message.strip(), e
        assert "Traceback" not in e.message and "object at 0x" not in e.message, e
        assert str(e).startswith(f"{name}:{e.line}:{e.column}: "), e


def located(source: str | bytes):
    doc = load_located(source, NAME)
    check_errors(doc.errors, source, NAME)
    # The reader is shared between files: garbage before must not change how a good file reads.
    after = load_located(VALID, "content/ok.yml")
    assert not after.errors and after.data == {"id": "ok", "title": "A valid file", "list": [1, 2, {"a": "b"}]}
    return doc


@FUZZ
@given(anything)
def test_load_located_never_raises(source):
    located(source)


@pytest.mark.parametrize("name", list(HARD))
def test_load_located_hard_cases(name):
    doc = located(HARD[name])
    if name in MUST_REFUSE:
        assert doc.errors, f"{name} must be refused"


def test_problems_point_at_the_right_place():
    """Examples whose position is known, so the property above cannot pass with nonsense positions."""
    doc = load_located(b"id: ok\ntitle: caf\xe9\n", NAME)
    assert [(e.line, e.column) for e in doc.errors] == [(2, 11)]
    doc = load_located("a: 1\nb: [1, 2\n", NAME)
    assert [(e.line, e.column) for e in doc.errors] == [(2, 4)]  # where the unclosed list opens
    doc = load_located("a:\n  b: " + "[" * 1200, NAME)
    assert [(e.line, e.column) for e in doc.errors] == [(2, 1006)] and "nested" in doc.errors[0].message
    doc = load_located(LAUGHS, NAME)
    assert doc.errors and "alias" in doc.errors[0].message


# --- the whole loader ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_files(tmp_path_factory) -> Path:
    """The real shared files (sources, jurisdictions, facts, glossary), to copy next to fuzzed ones."""
    folder = tmp_path_factory.mktemp("shared")
    for name in SINGLE_FILES:
        shutil.copy2(CONTENT_DIR / name, folder / name)
    return folder


def check_load(root: Path) -> None:
    """load_content gives content, or ContentErrors whose every problem points into a file of ``root``."""
    try:
        load_content(root)
    except ContentErrors as exc:
        assert exc.errors, "ContentErrors without a problem"
        for e in exc.errors:
            where = Path(e.path).resolve()
            assert root.resolve() in where.parents or where == root.resolve(), e
            assert e.line >= 1 and e.column >= 1 and e.message.strip(), e
            if where.is_file():
                lines = where.read_bytes().count(b"\n") + 2
                assert e.line <= lines, e


def fresh_folder(root: Path, shared: Path | None) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "guides" / "missouri").mkdir(parents=True)
    (root / "guides" / "connecticut").mkdir(parents=True)
    (root / "pathways").mkdir()
    if shared is not None:
        for name in SINGLE_FILES:
            shutil.copy2(shared / name, root / name)


TARGETS = ["guides/missouri/fuzz.yml", "pathways/fuzz.yml", *SINGLE_FILES]


@FUZZ
@given(target=st.sampled_from(TARGETS), source=anything)
def test_load_content_gives_content_or_content_errors(shared_files, tmp_path_factory, target, source):
    """One generated file among the real shared files: as a guide, a pathway, or a shared file."""
    root = tmp_path_factory.getbasetemp() / "fuzz-content"
    fresh_folder(root, shared_files)
    data = source.encode("utf-8", errors="surrogatepass") if isinstance(source, str) else source
    (root / target).write_bytes(data)
    check_load(root)


@settings(FUZZ, max_examples=100)  # each example loads all the real content (~60 ms)
@given(real=st.sampled_from(REAL_FILES), data=st.data())
def test_load_content_survives_mutations_of_each_real_file(tmp_path_factory, real, data):
    """All the real content, with one file (guide, pathway or shared file) mutated."""
    rel = real.relative_to(CONTENT_DIR)
    mutated = data.draw(
        st.builds(
            mutate,
            st.just(real.read_bytes()),
            st.lists(
                st.tuples(st.integers(0, 10**6), st.integers(0, 2), st.sampled_from([t.encode() for t in TOKENS])),
                min_size=1,
                max_size=4,
            ),
        )
    )
    root = tmp_path_factory.getbasetemp() / "fuzz-real"
    fresh_folder(root, None)
    for p in REAL_FILES:
        r = p.relative_to(CONTENT_DIR)
        (root / r).parent.mkdir(parents=True, exist_ok=True)
        (root / r).write_bytes(mutated if r == rel else p.read_bytes())
    check_load(root)
