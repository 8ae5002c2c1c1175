// `npm test`: format, lint and type checks, then the one test suite on Bun and on Deno.
// Ends with one line "N passed, N failed" counting the tests of both runtimes; exits 1 on any
// failure.
//
//   node tests/run.mjs [--unit] [--bun | --deno] [test files or folders...]
//
//   --unit        only tests/unit (the pure table tests: seconds, no server)
//   --bun         only on Bun;  --deno  only on Deno
//   files         only these (with --unit, added to tests/unit)
//
// With any flag or file the format, lint and type checks are skipped: they are for the full run.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findRuntime } from "../bin/runtimes.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bun = findRuntime("bun");
const deno = findRuntime("deno");
const argv = process.argv.slice(2);
const flags = new Set(argv.filter((arg) => arg.startsWith("--")));
for (const flag of flags) {
  if (!["--unit", "--bun", "--deno"].includes(flag)) {
    process.stderr.write(`unknown flag ${flag}: use --unit, --bun or --deno\n`);
    process.exit(2);
  }
}
const only = [
  ...(flags.has("--unit") ? ["tests/unit/"] : []),
  ...argv.filter((arg) => !arg.startsWith("--")),
];
const runtimes = flags.has("--bun") || flags.has("--deno")
  ? [...flags].map((flag) => flag.slice(2)).filter((name) => name !== "unit")
  : ["bun", "deno"];
const ENTRIES = [
  "main.ts",
  "runtime/host/host-main.ts",
  "runtime/sandbox/worker-entry.ts",
  "runtime/compile/compile-worker.ts",
  "runtime/typecheck/typecheck-worker.ts",
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
    "bun",
    "tests on bun",
    bun,
    ["test", "--timeout", "60000", ...(only.length ? only : ["tests/"])],
    parseBun,
  ],
  [
    "deno",
    "tests on deno",
    deno,
    ["test", "-A", "--no-check", ...(only.length ? only : ["tests/"])],
    parseDeno,
  ],
].filter(([runtime]) => runtimes.includes(runtime));

let passed = 0;
let failed = 0;
const failures = [];
const env = { ...process.env, NO_COLOR: "1" };

for (const [name, exec, args] of flags.size > 0 || only.length > 0 ? [] : checks) {
  process.stdout.write(`== ${name}\n`);
  const result = spawnSync(exec, args, { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) failures.push(name);
}
for (const [, name, exec, args, parse] of suites) {
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

// Bun reports an error outside any test (an unhandled rejection between tests, a file that fails
// to load) as "N error", apart from "N fail": both count as failures.
function parseBun(output) {
  return {
    passed: count(/^\s*(\d+) pass$/m, output),
    failed: count(/^\s*(\d+) fail$/m, output) + count(/^\s*(\d+) errors?$/m, output),
  };
}

// Deno's summary counts a describe() as a test and its test()s as steps, and says nothing of a
// top-level test beside them: so count the result lines of leaves (a line whose previous result
// line is not more indented: a group's steps print their results before it), a group that failed
// by itself (its after() hook threw) and every module that failed outside a test ("Uncaught error
// from <file> FAILED").
function parseDeno(output) {
  let passed = 0;
  let failed = count(/^Uncaught error from .* FAILED$/gm, output, true);
  let previousIndent = -1;
  for (const line of output.split("\n")) {
    const result = /^(\s*)\S.* \.\.\. (ok|FAILED)\b/.exec(line);
    if (!result) continue;
    const indent = result[1].length;
    if (previousIndent <= indent) {
      if (result[2] === "ok") passed += 1;
      else failed += 1;
    } else if (result[2] === "FAILED" && !/FAILED \(due to \d+ failed step/.test(line)) {
      failed += 1;
    }
    previousIndent = indent;
  }
  return { passed, failed };
}

function count(pattern, text, all = false) {
  if (all) return [...text.matchAll(pattern)].length;
  const match = pattern.exec(text);
  return match ? Number(match[1]) : 0;
}
