// Starts PyScript for the eligibility checker (checker/<pathway>/ pages).
//
// A checker page ends its <head> with the widget's <script type="mpy" config="..."> (PyScript's
// configuration for MicroPython: our own copy of the interpreter, the engine's file, no unused
// plugins) and this script, inline (the build drops these comment lines), as an async module:
// it blocks neither the parser nor the first paint, and waits for no request of its own. Everything a reader can read is drawn before the runtime runs, and nothing of the
// runtime is asked for before the page's stylesheets have arrived:
//
// 1. once the stylesheets have arrived, it asks for the whole runtime at once, at low priority
//    (the widget's data-preload list: PyScript's modules, MicroPython's .mjs and .wasm, the
//    engine's and the widget's bytecode), rather than one file after another as each asks for
//    the next. The files arrive beside the first paint and the theme's own script; nothing of
//    the runtime runs on the page's thread yet;
// 2. once a frame has been drawn, it starts PyScript (data-pyscript), which finds its files
//    already arriving.
//
// * PyScript loads every one of its plugins for each script type whose config does not
//   turn them off. The page uses MicroPython ("mpy") only; the "py" (Pyodide) type gets
//   the same list of plugins turned off, in a <py-config> element, or PyScript would fetch
//   its editor, terminal and game plugins for nothing.
// * PyScript 0.7 builds the hooks it would hand to a worker with Function() as it defines
//   its script types, even on a page that never starts a worker. Under the site's Content
//   Security Policy (no 'unsafe-eval') that throws and nothing starts. The checker runs on
//   the main thread only, so the one default worker hook is dropped as soon as PyScript is
//   imported, before it defines its types (it does so once its plugins have loaded).
// * URLs in the page are relative to the page; import() resolves against this module's URL,
//   so they are made absolute first.
const widget = document.querySelector('script[type="mpy"][config][data-pyscript]');

const url = (path) => new URL(path, document.baseURI).href;

const stylesheetsArrived = () => Promise.all(
  [...document.querySelectorAll('link[rel="stylesheet"]')].map((link) => link.sheet ? null : new Promise(
    (done) => { link.addEventListener("load", done); link.addEventListener("error", done); })),
);

const afterNextPaint = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));

function fetchRuntime() {
  for (const [kind, path] of JSON.parse(widget.dataset.preload || "[]")) {
    const link = document.createElement("link");
    if (kind === "module") {
      link.rel = "modulepreload";
    } else {
      link.rel = "preload";
      link.as = "fetch";
      link.crossOrigin = "anonymous";
    }
    link.fetchPriority = "low";
    link.href = url(path);
    document.head.append(link);
  }
}

function start() {
  const { plugins } = JSON.parse(widget.getAttribute("config"));
  const pyConfig = document.createElement("py-config");
  pyConfig.hidden = true;
  pyConfig.textContent = JSON.stringify({ plugins });
  document.head.append(pyConfig);
  import(url(widget.dataset.pyscript)).then(({ hooks }) => {
    hooks.worker.onBeforeRunAsync.clear();
    // For traces (make bench-widget), as start.py's marks: MicroPython has started.
    hooks.main.onReady.add(() => performance.mark("checker:interpreter-ready"));
  });
}

if (widget) stylesheetsArrived().then(fetchRuntime).then(afterNextPaint).then(start);
