// Starts PyScript for the eligibility checker (checker/<pathway>/ pages).
//
// A checker page's <head> holds, before this script, the widget's
// <script type="mpy" config="..."> (PyScript's configuration for MicroPython: our own copy
// of the interpreter, the engine's file, no unused plugins). This small classic script runs
// as soon as the browser reads it and imports PyScript at once, so MicroPython starts while
// the browser is still reading the page and running the theme's script. (An async module
// would be run only once the page has been read, and the checker would start that much
// later.) It is fetched alongside the page's stylesheets, which block the first paint anyway.
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
(() => {
  const widget = document.querySelector('script[type="mpy"][config]');
  if (!widget) return;
  const { plugins } = JSON.parse(widget.getAttribute("config"));
  const pyConfig = document.createElement("py-config");
  pyConfig.hidden = true;
  pyConfig.textContent = JSON.stringify({ plugins });
  document.head.append(pyConfig);
  import("./pyscript/core.js").then(({ hooks }) => hooks.worker.onBeforeRunAsync.clear());
})();
