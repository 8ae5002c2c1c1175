#!/usr/bin/env node
// Runs hoody-exec's main.ts under Bun or Deno, both shipped as npm packages, so a plain shell with
// Node is enough after `npm install`. `serve` and `dev` run under a supervisor that restarts the
// server if it dies (supervisor.mjs); CLI commands run once and exit with their code.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findRuntime } from "./runtimes.mjs";
import { runOnce, supervise } from "./supervisor.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

function runtimeArgs(argv) {
  const index = argv.findIndex((a) => a === "--runtime" || a.startsWith("--runtime="));
  let runtime = process.env.HOODY_EXEC_RUNTIME ?? "bun";
  if (index >= 0) {
    runtime = argv[index].includes("=") ? argv[index].split("=")[1] : argv[index + 1];
    argv.splice(index, argv[index].includes("=") ? 1 : 2);
  }
  if (runtime !== "bun" && runtime !== "deno") {
    process.stderr.write(`--runtime must be bun or deno (got "${runtime}")\n`);
    process.exit(2);
  }
  return { runtime, argv };
}

// The same decision as isServe() in main.ts: `serve`, `dev` and a bare `hoody-exec --root …` start
// a server; a first word that is not a serve flag's value (`--url U scripts list`) names a command.
const SERVE_VALUE_FLAGS = new Set([
  "--root",
  "--port",
  "--host",
  "--runtime",
  "--default-instance",
  "--hosts",
  "--max-body-bytes",
  "--queue-limit",
  "--admin-token",
]);

function isServe(argv) {
  const first = argv.findIndex((arg, i) =>
    !arg.startsWith("-") && !(i > 0 && SERVE_VALUE_FLAGS.has(argv[i - 1]))
  );
  if (first === -1) return !argv.some((arg) => arg === "-h" || arg === "--help");
  return argv[first] === "serve" || argv[first] === "dev";
}

const { runtime, argv } = runtimeArgs(process.argv.slice(2));
const entry = join(root, "main.ts");
const args = runtime === "bun"
  ? [entry, ...argv]
  : ["run", "-A", "--no-check", "--config", join(root, "deno.json"), entry, ...argv];
(isServe(argv) ? supervise : runOnce)(findRuntime(runtime), args);
