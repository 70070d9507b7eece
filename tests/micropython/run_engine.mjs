// Run checker/engine.py under MicroPython (the WebAssembly build PyScript uses),
// for the parity test in tests/test_checker_micropython.py.
//
//   node tests/micropython/run_engine.mjs CHECKER_DIR JOBS.json
//
// JOBS.json: {"pathways": {id: compiled pathway}, "choosers": {id: compiled chooser},
//             "runs": [[id, answers, mode, as_of], ...]}
// where mode is "run" (engine.run), "parse" / "parse_text" (engine.parse_answers: the values,
// the problems and their lines) or "choose" (engine.choose, id a chooser's); as_of may be null.
// Prints {"implementation": ..., "version": [...], "results": [one per run]} as JSON.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [checkerDir, jobsFile] = process.argv.slice(2);
if (!checkerDir || !jobsFile) {
  console.error("usage: node run_engine.mjs CHECKER_DIR JOBS.json");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const mjs = require.resolve("@micropython/micropython-webassembly-pyscript/micropython.mjs", { paths: [root] });
const { loadMicroPython } = await import(mjs);

const stderr = [];
const mp = await loadMicroPython({
  heapsize: 64 * 1024 * 1024,
  stdout: (line) => process.stderr.write(`[micropython] ${line}\n`),
  stderr: (line) => stderr.push(line),
});
mp.FS.mkdirTree("/lib/checker");
for (const name of ["__init__.py", "engine.py"]) {
  mp.FS.writeFile(`/lib/checker/${name}`, fs.readFileSync(path.join(checkerDir, name)));
}
mp.FS.writeFile("/jobs.json", fs.readFileSync(jobsFile));
try {
  mp.runPython(`
import sys, json
sys.path.append("/lib")
from checker import engine
with open("/jobs.json") as f:
    jobs = json.load(f)
# One line per result, written as it is made: a list of thousands of results kept in MicroPython's
# heap makes every garbage collection scan them all (five pathways in one process ran 6x slower).
out = open("/out.jsonl", "w")
out.write(json.dumps({"implementation": sys.implementation.name, "version": list(sys.implementation.version[:3])}))
def put(result):
    out.write("\\n")
    out.write(json.dumps(result))
for run in jobs["runs"]:
    as_of = run[3] if len(run) > 3 else None
    if run[2] == "choose":
        try:
            put({"result": engine.choose(jobs["choosers"][run[0]], jobs["pathways"], run[1], as_of)})
        except engine.AnswerError as exc:
            put({"problems": exc.problems})
        continue
    pathway = jobs["pathways"][run[0]]
    if run[2] == "run":
        put(engine.run(pathway, run[1], as_of))
    else:
        values, problems = engine.parse_answers(pathway, run[1], run[2] == "parse_text", as_of)
        put([values, problems, [engine.problem_line(p) for p in problems]])
out.close()
`);
} catch (error) {
  console.error(`MicroPython raised ${error.type || "an error"}:\n${error.message}\n${stderr.join("\n")}`);
  process.exit(1);
}
const [head, ...lines] = mp.FS.readFile("/out.jsonl", { encoding: "utf8" }).split("\n");
process.stdout.write(`${head.slice(0, -1)}, "results": [${lines.join(",")}]}`);
