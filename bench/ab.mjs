// An A/B of two worker-mode scripts on one server, alone (`npm run bench` measures the same pair the
// same way among everything else): the server (and its Worker hosts) pinned to one core and wrk to
// the other, the two paths alternated N times for S seconds each; prints each pair and the median
// ratio B/A.
//
//   node bench/ab.mjs <bun|deno> [pairs=21] [seconds=2]
//
// A is a hello with `@log-level none`, B the same hello that logs one line (issue 12's cost:
// the console line and the access line, against neither).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findRuntime, serverEnv } from "../bin/runtimes.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const [runtime = "bun", pairs = "21", seconds = "2"] = process.argv.slice(2);
const SERVER_CORE = "0";
const WRK_CORE = String(Math.min(1, cpus().length - 1));
const SCRIPTS = {
  "/hello-quiet": `// @mode worker\n// @log-level none\nreturn { hello: "world" };\n`,
  "/hello-logs": `// @mode worker\nconsole.log("hello", 1);\nreturn { hello: "world" };\n`,
};
const [A, B] = Object.keys(SCRIPTS);

const root = mkdtempSync(join(tmpdir(), "hoody-exec-ab-"));
mkdirSync(join(root, "1"));
for (const [path, text] of Object.entries(SCRIPTS)) writeFileSync(join(root, `1${path}.ts`), text);
const port = 19700 + Math.floor(Math.random() * 200);
const main = join(ROOT, "main.ts");
const args = ["serve", "--root", root, "--port", String(port), "--quiet"];
const full = runtime === "bun"
  ? [main, ...args]
  : ["run", "-A", "--no-check", "--config", join(ROOT, "deno.json"), main, ...args];
const server = spawn("taskset", ["-c", SERVER_CORE, findRuntime(runtime), ...full], {
  env: serverEnv(runtime),
  stdio: ["ignore", "ignore", "inherit"],
});

const url = (path) => `http://127.0.0.1:${port}${path}`;
const rps = (path, s) => {
  const out = execFileSync(
    "taskset",
    ["-c", WRK_CORE, "wrk", "-t1", "-c50", `-d${s}s`, url(path)],
    { encoding: "utf8" },
  );
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
};

try {
  for (let i = 0; i < 300; i++) {
    const up = await fetch(url(A)).then((r) => r.ok, () => false);
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  rps(A, 2);
  rps(B, 2); // compile and warm both
  const ratios = [];
  for (let i = 0; i < Number(pairs); i++) {
    // The order turns each pair, as in `npm run bench`: neither always runs right after the other.
    const [a, b] = i % 2 === 0
      ? [rps(A, seconds), rps(B, seconds)]
      : [rps(B, seconds), rps(A, seconds)].reverse();
    ratios.push(b / a);
    process.stdout.write(`${Math.round(a)} / ${Math.round(b)} = ${(b / a).toFixed(3)}\n`);
  }
  ratios.sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)];
  process.stdout.write(`${runtime}: ${B} / ${A} median ${median.toFixed(3)}\n`);
} finally {
  // The server writes its last logs as it stops: the folder goes once it has exited (bounded).
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 6000))]);
  rmSync(root, { recursive: true, force: true, maxRetries: 5 });
}
