// `npm test`: format, lint and type checks, then the one test suite on Bun and on Deno.
// Ends with one line "N passed, N failed" counting the tests of both runtimes.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findRuntime } from "../bin/runtimes.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bun = findRuntime("bun");
const deno = findRuntime("deno");
const only = process.argv.slice(2);
const ENTRIES = [
  "main.ts",
  "runtime/host/host-main.ts",
  "runtime/sandbox/worker-entry.ts",
  "runtime/compile/compile-worker.ts",
];

const checks = [
  ["format", deno, ["fmt", "--check"]],
  ["lint", deno, ["lint"]],
  ["types (tsc)", process.execPath, [
    join(root, "node_modules/typescript/bin/tsc"),
    "-p",
    ".",
    "--noEmit",
  ]],
  ["types (deno check)", deno, ["check", ...ENTRIES]],
];
const suites = [
  [
    "tests on bun",
    bun,
    ["test", "--timeout", "60000", ...(only.length ? only : ["tests/"])],
    parseBun,
  ],
  [
    "tests on deno",
    deno,
    ["test", "-A", "--no-check", ...(only.length ? only : ["tests/"])],
    parseDeno,
  ],
];

let passed = 0;
let failed = 0;
const failures = [];
const env = { ...process.env, NO_COLOR: "1" };

for (const [name, exec, args] of only.length ? [] : checks) {
  process.stdout.write(`== ${name}\n`);
  const result = spawnSync(exec, args, { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) failures.push(name);
}
for (const [name, exec, args, parse] of suites) {
  process.stdout.write(`== ${name}\n`);
  const result = spawnSync(exec, args, {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 1 << 28,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  process.stdout.write(output);
  const counts = parse(output);
  passed += counts.passed;
  failed += counts.failed;
  if (result.status !== 0 || counts.failed > 0 || counts.passed === 0) failures.push(name);
}

if (failures.length > 0) process.stdout.write(`\nfailed: ${failures.join(", ")}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failures.length > 0 ? 1 : 0);

function parseBun(output) {
  return { passed: count(/^\s*(\d+) pass$/m, output), failed: count(/^\s*(\d+) fail$/m, output) };
}

// Deno counts node:test `test()`s inside `describe()` as steps.
function parseDeno(output) {
  const summary =
    /^(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?/m
      .exec(output);
  if (!summary) return { passed: 0, failed: 0 };
  return { passed: Number(summary[2] ?? summary[1]), failed: Number(summary[4] ?? summary[3]) };
}

function count(pattern, text) {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : 0;
}
