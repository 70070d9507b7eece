"""The checker pages as built: real, accessible HTML without JavaScript, the pathway
data the widget reads, and PyScript configured to run our own copy of MicroPython.

Browser behaviour is in test_widget_browser.py; these tests read the built
files and call the rendering functions directly.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from certkb import checker_page, csp, runtime
from certkb.render import make_env

from .checker_support import compiled, content, fixture_compiled, fixture_content
from .conftest import ROOT, copy_project

CHECKERS = list(content().pathways)


class Tree(HTMLParser):
    """A flat list of every element with its attributes and text, enough for these checks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.stack: list[dict] = []
        self.script: list[str] | None = None
        self.scripts: list[tuple[dict, str]] = []

    def handle_starttag(self, tag, attrs):
        el = {
            "tag": tag,
            "attrs": dict(attrs),
            "text": [],
            "parents": [e["tag"] for e in self.stack],
            "parent_id": self.stack[-1]["attrs"].get("id") if self.stack else None,
        }
        self.elements.append(el)
        if tag not in ("input", "link", "meta", "br", "img", "hr"):
            self.stack.append(el)
        if tag == "script":
            self.script = []

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            self.scripts.append((self.stack[-1]["attrs"], "".join(self.script)))
            self.script = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.script is not None:
            self.script.append(data)
        for el in self.stack:
            el["text"].append(data)

    def find(self, **attrs) -> list[dict]:
        return [e for e in self.elements if all(e["attrs"].get(k) == v for k, v in attrs.items())]

    def by_id(self, ident: str) -> dict:
        found = self.find(id=ident)
        assert len(found) == 1, f"expected one element with id {ident!r}, found {len(found)}"
        return found[0]


def text(el: dict) -> str:
    return " ".join("".join(el["text"]).split())


def parse(markup: str) -> Tree:
    tree = Tree()
    tree.feed(markup)
    tree.close()
    return tree


def checker_html(site: Path, pid: str) -> str:
    return (site / "checker" / pid / "index.html").read_text(encoding="utf-8")


def visible_text(markup: str) -> str:
    """What a reader without JavaScript sees in the article: no scripts, templates or hidden runtime."""
    article = markup[markup.index("<article") : markup.index("</article>")]
    article = re.sub(r"<(script|template)\b.*?</\1>", " ", article, flags=re.S)
    article = re.sub(r'<div class="checker-runtime" hidden>.*?</div>', " ", article, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


# --- pages, index, navigation and links ---------------------------------------------------------


def a_guide_page(site: Path) -> str:
    """The built HTML of one guide page (any: they share the navigation and carry no checker)."""
    c = content()
    return (site / c.guide_page(next(iter(c.guides))).removesuffix(".md") / "index.html").read_text(encoding="utf-8")


def test_every_pathway_has_a_checker_page_and_the_index_links_them(built_site):
    assert CHECKERS, "no pathway found"
    index = (built_site / "checker" / "index.html").read_text(encoding="utf-8")
    tree = parse(index)
    hrefs = [a["attrs"].get("href") for a in tree.elements if a["tag"] == "a"]
    for pid in CHECKERS:
        assert (built_site / "checker" / pid / "index.html").is_file()
        assert f"{pid}/" in hrefs, f"the checker index does not link to {pid}"
    # Every page's navigation has the section (read from a guide page).
    guide = parse(a_guide_page(built_site))
    titles = [
        text(e) for e in guide.elements if e["tag"] == "label" and "md-nav__title" in (e["attrs"].get("class") or "")
    ]
    assert "Eligibility checkers" in titles, "no 'Eligibility checkers' section in the navigation"


def test_each_upgrade_guide_links_to_its_checker(built_site):
    c = content()
    for gid, guide in c.guides.items():
        if not guide.pathway:
            continue
        page_dir = built_site / c.guide_page(gid).removesuffix(".md")
        tree = parse((page_dir / "index.html").read_text(encoding="utf-8"))
        targets = {
            posixpath.normpath(posixpath.join(c.guide_page(gid).removesuffix(".md"), a["attrs"]["href"]))
            for a in tree.elements
            if a["tag"] == "a" and a["attrs"].get("href")
        }
        assert f"checker/{guide.pathway}" in targets, f"{gid} does not link to its checker"


def test_checker_pages_link_to_their_next_step_guides(built_site):
    c = content()
    for pid in CHECKERS:
        tree = parse(checker_html(built_site, pid))
        hrefs = {
            posixpath.normpath(posixpath.join(f"checker/{pid}", a["attrs"]["href"]))
            for a in tree.elements
            if a["tag"] == "a" and a["attrs"].get("href")
        }
        for step in compiled()[pid]["next_steps"]:
            assert c.guide_page(step["guide"]).removesuffix(".md") in hrefs, (pid, step["guide"])


# --- the form: labels, hints, units, fieldsets, error slots ----------------------------------


@pytest.mark.parametrize("pid", CHECKERS)
def test_every_question_is_a_labelled_control_with_its_hint_unit_and_error_slot(built_site, pid):
    tree = parse(checker_html(built_site, pid))
    pathway = compiled()[pid]
    form = tree.find(**{"class": "checker-form"})
    assert len(form) == 1 and form[0]["tag"] == "form"
    for spec in pathway["inputs"]:
        name = spec["name"]
        cid = checker_page.control_id(name)
        if spec["type"] == "list":
            group = tree.by_id(cid)
            assert group["tag"] == "fieldset"
            entries = [f for f in spec["fields"]]
            # The first entry is drawn; the others come from the <template> the widget clones.
            for f in entries:
                fid = checker_page.control_id(name, 0, f["name"])
                check_control(tree, f, fid, checker_page.entry_key(name, 0, f["name"]))
            continue
        check_control(tree, spec, cid, name)


def check_control(tree: Tree, spec: dict, cid: str, key: str) -> None:
    error = tree.by_id(cid + "-error")
    assert "hidden" in error["attrs"], f"{cid}: the error slot is shown before any answer"
    if spec["type"] in ("number", "date", "school_year") or (spec["type"] == "choice" and len(spec["choices"]) > 6):
        control = tree.by_id(cid)
        assert control["tag"] in ("input", "select")
        assert control["attrs"].get("name") == key
        labels = [e for e in tree.find(**{"for": cid}) if e["tag"] == "label"]
        assert len(labels) == 1 and text(labels[0]) == spec["label"], cid
        described = (control["attrs"].get("aria-describedby") or "").split()
        if spec.get("hint"):
            assert cid + "-hint" in described and text(tree.by_id(cid + "-hint")) == spec["hint"]
        if spec.get("unit"):
            assert cid + "-unit" in described and text(tree.by_id(cid + "-unit")) == spec["unit"]
        if spec["type"] == "number":
            assert control["attrs"].get("type") == "text", "letters must reach the checker, so no type=number"
            assert control["attrs"].get("inputmode") == "decimal"
        if spec["type"] == "date":
            assert cid + "-format" in described and "YYYY-MM-DD" in text(tree.by_id(cid + "-format"))
        if spec["type"] == "school_year":
            assert cid + "-format" in described and "2023-24" in text(tree.by_id(cid + "-format"))
    else:
        group = tree.by_id(cid)
        assert group["tag"] == "fieldset", f"{cid}: yes/no and choice questions are fieldsets"
        legends = [e for e in tree.elements if e["tag"] == "legend" and e["parent_id"] == cid]
        assert [text(e) for e in legends] == [spec["label"]], cid
        if spec.get("hint"):
            assert cid + "-hint" in (group["attrs"].get("aria-describedby") or "").split()
        options = (
            [("true", "Yes"), ("false", "No")]
            if spec["type"] == "boolean"
            else [(c["value"], c["label"]) for c in spec["choices"]]
        )
        for value, label in options:
            radio = tree.by_id(f"{cid}-{value}")
            assert radio["attrs"].get("type") == "radio" and radio["attrs"].get("name") == key
            assert radio["attrs"].get("value") == value
            assert [text(e) for e in tree.find(**{"for": f"{cid}-{value}"})] == [label]


@pytest.mark.parametrize("pid", CHECKERS)
def test_the_page_has_an_error_summary_status_and_one_element_per_requirement(built_site, pid):
    tree = parse(checker_html(built_site, pid))
    summary = tree.find(**{"class": "checker-errors"})
    assert len(summary) == 1 and "hidden" in summary[0]["attrs"] and summary[0]["attrs"].get("role") == "alert"
    status = [e for e in tree.elements if "data-checker-status" in e["attrs"]]
    assert len(status) == 1 and status[0]["attrs"]["data-checker-status"] == "incomplete"
    roots = [e for e in tree.elements if "data-checker" in e["attrs"]]
    assert len(roots) == 1 and roots[0]["attrs"]["data-checker"] == pid
    assert "data-checker-ready" not in roots[0]["attrs"], "ready is the widget's to say"
    items = [e for e in tree.elements if "data-requirement-id" in e["attrs"]]
    assert [e["attrs"]["data-requirement-id"] for e in items] == [r["id"] for r in compiled()[pid]["requirements"]]
    assert all(e["attrs"]["data-requirement-status"] == "unknown" for e in items)


@pytest.mark.parametrize("pid", CHECKERS)
def test_without_javascript_the_page_reads_as_a_complete_checklist(built_site, pid):
    markup = checker_html(built_site, pid)
    words = visible_text(markup)
    pathway = compiled()[pid]
    for r in pathway["requirements"]:
        assert r["title"] in words and r["text"] in words, (pid, r["id"])
    for spec in pathway["inputs"]:
        assert spec["label"] in words, (pid, spec["name"])
    assert pathway["determination"] in words
    assert "JavaScript" in words, "a reader without JavaScript is told the list is a checklist"
    # No event-handler attributes and no inline script that runs (the CSP forbids both).
    tree = parse(markup)
    for el in tree.elements:
        assert not [a for a in el["attrs"] if a.startswith("on")], (el["tag"], el["attrs"])


# --- the pathway data and PyScript's configuration ----------------------------------------------


@pytest.mark.parametrize("pid", CHECKERS)
def test_the_data_block_holds_the_compiled_pathway(built_site, pid):
    tree = parse(checker_html(built_site, pid))
    blocks = [body for attrs, body in tree.scripts if attrs.get("class") == "checker-data"]
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert without_controls(data) == compiled()[pid]
    # Each control the data block names is on the page, as the widget will look for it.
    for spec in data["inputs"]:
        for s in [spec] + [
            dict(f, control=entry_control(f["control"], data["index"], 0)) for f in spec.get("fields", [])
        ]:
            c = s["control"]
            radios = c.get("options", []) if c["widget"] == "radios" else []
            for element_id in [c["id"], c["error_id"], c.get("focus_id", c["id"])] + [o["id"] for o in radios]:
                assert tree.by_id(element_id), (pid, element_id)
            if c["widget"] in ("text", "select"):
                assert tree.by_id(c["id"])["attrs"]["data-key"] == c["key"]
            for o in radios:
                assert tree.by_id(o["id"])["attrs"]["value"] == o["value"]


def without_controls(data: dict) -> dict:
    """The page's data block less what it adds for the widget: the compiled pathway."""

    def bare(spec: dict) -> dict:
        return {k: v for k, v in spec.items() if k != "control"}

    inputs = []
    for spec in data["inputs"]:
        spec = bare(spec)
        if "fields" in spec:
            spec["fields"] = [bare(f) for f in spec["fields"]]
        inputs.append(spec)
    return {**{k: v for k, v in data.items() if k != "index"}, "inputs": inputs}


def entry_control(control: dict, placeholder: str, index: int) -> dict:
    return json.loads(json.dumps(control).replace(placeholder, str(index)))


RUNTIME_URL = r"\.\./\.\./assets/checker/{group}\.[0-9a-f]{{10}}/{name}"


@pytest.mark.parametrize("pid", CHECKERS)
def test_pyscript_runs_our_own_micropython_from_the_site(built_site, pid):
    tree = parse(checker_html(built_site, pid))
    page_dir = f"checker/{pid}/"
    mpy = [attrs for attrs, _ in tree.scripts if attrs.get("type") == "mpy"]
    assert len(mpy) == 1
    config = json.loads(mpy[0]["config"])
    # Without "interpreter" PyScript downloads MicroPython from elsewhere, and never starts offline.
    assert re.fullmatch(RUNTIME_URL.format(group="micropython", name="micropython.mjs"), config["interpreter"])
    preloaded = [path for _, path in json.loads(mpy[0]["data-preload"])]
    for url in [config["interpreter"], mpy[0]["src"], mpy[0]["data-pyscript"], *config["files"], *preloaded]:
        assert "//" not in url and not url.startswith("/"), f"{url} must be relative to the page"
        target = built_site / posixpath.normpath(posixpath.join(page_dir, url))
        assert target.is_file(), f"{url} does not resolve to a built file"
    assert [config["files"][url] for url in sorted(config["files"])] == ["./engine.mpy", "./widget.mpy"]
    for url in config["files"]:
        assert re.fullmatch(RUNTIME_URL.format(group="py", name=r"(engine|widget)\.mpy"), url)
    assert re.fullmatch(RUNTIME_URL.format(group="py", name="start.py"), mpy[0]["src"])
    assert re.fullmatch(RUNTIME_URL.format(group="pyscript", name="core.js"), mpy[0]["data-pyscript"])
    assert {f"!{p}" for p in runtime.PYSCRIPT_UNUSED_PLUGINS} <= set(config["plugins"])
    # Everything on the way to a running checker is asked for at once, the .wasm included.
    assert {Path(p).name for p in preloaded} >= {
        "core.js",
        "micropython.mjs",
        "micropython.wasm",
        "engine.mpy",
        "widget.mpy",
        "start.py",
    }
    # Paint first: the checker's one script is boot.js, inline, an async module at the end of <head>,
    # after the theme's stylesheets; nothing of the runtime is linked before them.
    markup = checker_html(built_site, pid)
    head = markup.split("</head>")[0]
    boot = re.search(r'<script type="module" async>(.*?)</script>', head, re.DOTALL)
    assert boot, "boot.js is carried inline as an async module"
    assert boot.group(1) == runtime.boot_script(ROOT / "docs")
    assert "onBeforeRunAsync.clear()" in boot.group(1) and "stylesheet" in boot.group(1)
    assert "\n//" not in boot.group(1), "its comment lines stay in docs/"
    last_stylesheet = [m.start() for m in re.finditer(r'<link\b[^>]*\brel="stylesheet"', head)][-1]
    assert last_stylesheet < head.index('type="mpy"') < boot.start()
    assert "assets/checker/" not in head[:last_stylesheet]
    for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", head):  # no render-blocking script in <head>
        assert 'type="module"' in tag or 'type="mpy"' in tag or " async" in tag or " defer" in tag, tag
    # The page's policy allows it by its hash, and no other inline script of ours.
    assert csp.script_hash(boot.group(1)) in re.search(
        r'http-equiv="Content-Security-Policy" content="([^"]+)"', markup
    ).group(1)
    # Other pages carry none of it.
    plain = a_guide_page(built_site)
    assert "assets/checker/" not in plain and 'type="mpy"' not in plain


def test_the_site_carries_only_the_runtime_files_the_page_needs(built_site):
    base = built_site / "assets" / "checker"
    shipped = sorted(
        re.sub(r"\.[0-9a-f]{10}(?=/|\.js$)", "", p.relative_to(base).as_posix()) for p in base.rglob("*") if p.is_file()
    )
    names = [Path(p).name for p in shipped]
    assert "micropython/micropython.mjs" in shipped and "micropython/micropython.wasm" in shipped
    assert not [n for n in names if n.endswith(".map")], "source maps are not shipped"
    assert not [n for n in names if "settrace" in n or "ulab" in n], "only the plain MicroPython variant"
    assert not [n for n in names if n.startswith(("codemirror", "xterm", "py-editor", "py-terminal", "zip", "toml"))]
    assert {"py/engine.mpy", "py/widget.mpy", "py/start.py", "pyscript/core.js"} <= set(shipped)
    assert "boot.js" not in shipped and not list(base.glob("boot*")), "boot.js is carried inline by the pages"
    assert not [n for n in shipped if n.startswith("py/") and n.endswith(".py") and n != "py/start.py"], (
        "the engine and the widget are shipped as bytecode only"
    )
    for name in ("engine", "widget"):
        # MicroPython bytecode: 'M', then .mpy version 6 (what MicroPython 1.28 loads).
        (mpy,) = base.glob(f"py.*/{name}.mpy")
        assert mpy.read_bytes()[:2] == b"M\x06", name


def test_runtime_folders_are_named_after_their_content(tmp_path):
    """An edit to the engine moves the engine's folder, and only it: no host serves a stale engine."""
    before = {item.dest for item in runtime.runtime_files(ROOT)}
    edited = tmp_path / "checker"
    shutil.copytree(ROOT / "checker", edited, ignore=shutil.ignore_patterns("__pycache__"))
    engine_py = edited / "engine.py"
    engine_py.write_text(engine_py.read_text(encoding="utf-8") + "\nEDITED = 1\n", encoding="utf-8")
    after = {item.dest for item in runtime.runtime_files(ROOT, edited)}

    def folders(dests):
        return {d.rsplit("/", 1)[0] for d in dests}

    moved = folders(before) - folders(after)
    assert len(moved) == 1 and moved.pop().startswith(f"{runtime.RUNTIME_DIR}/py.")
    assert {d for d in before if "/py." not in d} == {d for d in after if "/py." not in d}


def test_mpy_cross_compiles_for_the_pinned_micropython():
    pins = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert runtime.mpy_cross_version() == pins["@micropython/micropython-webassembly-pyscript"].split("-")[0]


def test_the_bytecode_runs_the_engine_as_cpython_does(tmp_path):
    """engine.mpy under MicroPython (Node) gives CPython's result for a pathway's cases."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (see README)")
    from certkb.pathway import case_answers
    from checker import engine

    from .checker_support import all_cases

    (tmp_path / "engine.mpy").write_bytes(runtime.compile_mpy(ROOT / "checker" / "engine.py"))
    jobs = [[pid, case_answers(case)] for pid, case in all_cases()]
    (tmp_path / "jobs.json").write_text(json.dumps({"pathways": compiled(), "jobs": jobs}))
    script = tmp_path / "run.mjs"
    script.write_text(
        'import { loadMicroPython } from "'
        + str(ROOT / "node_modules" / "@micropython" / "micropython-webassembly-pyscript" / "micropython.mjs")
        + '";\n'
        'import fs from "fs";\n'
        "const out = [];\n"
        "const mp = await loadMicroPython({stdout: (t) => out.push(t), stderr: (t) => out.push(t)});\n"
        f'mp.FS.writeFile("engine.mpy", fs.readFileSync("{tmp_path / "engine.mpy"}"));\n'
        f'mp.globals.set("DATA", fs.readFileSync("{tmp_path / "jobs.json"}", "utf8"));\n'
        'mp.runPython("import engine, json\\nd = json.loads(DATA)\\n'
        "for pid, answers in d['jobs']:\\n    print(json.dumps(engine.run(d['pathways'][pid], answers)))\");\n"
        'console.log(out.join("\\n"));\n'
    )
    proc = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    got = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    want = [engine.run(compiled()[pid], answers) for pid, answers in jobs]
    assert len(got) == len(want) > 10
    assert got == json.loads(json.dumps(want))


def test_pyscript_files_follow_core_js_imports():
    dist = ROOT / "node_modules" / "@pyscript" / "core" / "dist"
    files = runtime.pyscript_files(dist)
    assert files[0] == "core.js" or "core.js" in files
    for name in files:
        for spec in runtime._static_imports((dist / name).read_text(encoding="utf-8")):
            assert spec[2:] in files, f"{name} imports {spec}, which is not shipped"
    assert any(f.startswith("error-") for f in files), "PyScript imports its error plugin even when it is off"


# --- pins: the runtime versions match each other, the lock file holds no download address ---------


def test_package_json_pins_matching_pyscript_and_micropython():
    pins = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert pins["@pyscript/core"] == "0.7.31"
    mpy = pins["@micropython/micropython-webassembly-pyscript"]
    # The MicroPython version PyScript asks for when no interpreter is configured is the one it was built for.
    dist = ROOT / "node_modules" / "@pyscript" / "core" / "dist"
    chunk = next(p for p in dist.glob("core-*.js"))
    expected = re.search(r'type:"micropython",module:\(\w="([^"]+)"\)', chunk.read_text(encoding="utf-8"))
    assert expected and expected.group(1) == mpy == "1.28.0-6"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name in ("@pyscript/core", "@micropython/micropython-webassembly-pyscript"):
        assert lock["packages"][f"node_modules/{name}"]["version"] == pins[name]
    for path, entry in lock["packages"].items():
        assert "resolved" not in entry, f"package-lock.json holds a download address for {path}"


def test_no_third_party_runtime_file_is_in_the_repository():
    shipped = {}
    for item in runtime.runtime_files(ROOT):
        if "node_modules" in item.source.parts:
            shipped[item.source.read_bytes()] = item.source
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for rel in tracked:
        path = ROOT / rel
        if path.is_file() and path.stat().st_size > 200:
            assert path.read_bytes() not in shipped, f"{rel} is a copy of {shipped[path.read_bytes()]}"


def test_the_build_stops_with_a_plain_message_when_node_modules_is_missing(tmp_path):
    project = copy_project(tmp_path / "project")
    nm = project / "node_modules"
    if nm.is_symlink() or nm.exists():
        nm.unlink() if nm.is_symlink() else shutil.rmtree(nm)
    shutil.copy2(ROOT / "package.json", project / "package.json")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode != 0
    assert "run `npm ci` (make setup does)" in proc.stdout + proc.stderr


def test_a_runtime_of_another_version_is_refused(tmp_path):
    fake = tmp_path / "project"
    for package, version in (
        ("@pyscript/core", "0.7.30"),
        ("@micropython/micropython-webassembly-pyscript", "1.28.0-6"),
    ):
        pkg = fake / "node_modules" / package
        pkg.mkdir(parents=True)
        (pkg / "package.json").write_text(json.dumps({"version": version}))
    shutil.copy2(ROOT / "package.json", fake / "package.json")
    with pytest.raises(
        runtime.RuntimeError_, match=r"@pyscript/core 0\.7\.30 is installed but package.json pins 0\.7\.31"
    ):
        runtime.runtime_files(fake)


# --- escaping: nothing from content becomes markup ------------------------------------------------


HOSTILE = '<img src=x onerror="alert(1)"></script><script>alert(2)</script>&amp; \u2028'


def hostile_pathway() -> dict:
    data = json.loads(json.dumps(fixture_compiled()["fx-iss-to-css"]))
    data["title"] = HOSTILE
    data["determination"] = HOSTILE
    for spec in data["inputs"]:
        spec["label"] = HOSTILE
        spec["hint"] = HOSTILE
        for f in spec.get("fields", []):
            f["label"] = HOSTILE
            for c in f.get("choices", []):
                c["label"] = HOSTILE
    for r in data["requirements"]:
        r["title"] = HOSTILE
        r["text"] = HOSTILE
    for s in data["sources"]:
        s["title"] = HOSTILE
    return data


def test_content_text_is_escaped_in_the_page_and_cannot_close_the_data_block():
    c = fixture_content()
    env = make_env([ROOT / "overrides" / "kb"])
    data = hostile_pathway()
    markdown = checker_page.render_checker(c, "fx-iss-to-css", data, env)
    widget = markdown[markdown.index('<div class="checker"') :]
    assert "<img" not in widget and "<script>alert" not in widget
    assert (
        "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in widget
        or "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in widget
    )
    block = re.search(r'<script type="application/json" class="checker-data">(.*?)</script>', widget, re.S)
    assert block, "the data block must end at its own </script>"
    assert without_controls(json.loads(block.group(1))) == data


def test_script_json_round_trips_and_never_contains_markup():
    value = {"a": "</script><!-- <script>", "b": ["&", "\u2028\u2029", ">"]}
    text = checker_page.script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_boot_js_is_carried_without_its_comment_lines_and_never_closes_its_script(tmp_path):
    docs = tmp_path / "docs"
    (docs / runtime.BOOT).parent.mkdir(parents=True)
    (docs / runtime.BOOT).write_text(
        "// Why.\n  // More.\nconst a = 'http://x'; // kept\nstart(a);\n", encoding="utf-8"
    )
    assert runtime.boot_script(docs) == "const a = 'http://x'; // kept\nstart(a);\n"
    for bad in ("const s = '</script>';\n", "const s = '<!--';\n"):
        (docs / runtime.BOOT).write_text(bad, encoding="utf-8")
        with pytest.raises(runtime.RuntimeError_, match="cannot be carried inside a <script> element"):
            runtime.boot_script(docs)


def test_the_runtime_is_linked_at_the_end_of_the_head_of_checker_pages_only(tmp_path):
    engine_dir = tmp_path / "checker"
    engine_dir.mkdir()
    for name in runtime.BROWSER_MODULES:
        (engine_dir / f"{name}.py").write_text("X = 1\n", encoding="utf-8")
    rt = runtime.Runtime(runtime.runtime_files(ROOT, engine_dir), "start();\n")
    page = (
        '<html><head><meta charset="utf-8"><title>x</title><link rel="stylesheet" href="a.css"></head>'
        '<body><div data-checker="x"></div></body></html>'
    )
    out = checker_page.start_runtime_early(page, "checker/x/", rt)
    assert (
        out.index('rel="stylesheet"')
        < out.index('type="mpy"')
        < out.index('<script type="module" async>start();\n</script>')
        < out.index("</head>")
    )
    preload = json.loads(html.unescape(re.search(r'data-preload="([^"]+)"', out).group(1)))
    assert ["module", "../../" + rt.pyscript_entry()] == preload[0]
    assert [kind for kind, _ in preload] == sorted((kind for kind, _ in preload), key=("module", "fetch").index)
    plain = page.replace(' data-checker="x"', "")
    assert checker_page.start_runtime_early(plain, "missouri/apply/", rt) == plain
