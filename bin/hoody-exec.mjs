#!/usr/bin/env node
// @ts-check
// Runs hoody-exec's main.ts under Bun or Deno, both shipped as npm packages, so a plain shell with
// Node is enough after `npm install`. `serve` and `dev` run under a supervisor that restarts the
// server if it dies (supervisor.mjs); CLI commands run once and exit with their code.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isServe } from "./command.mjs";
import { findRuntime, serverEnv } from "./runtimes.mjs";
import { runOnce, supervise } from "./supervisor.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * @param {string[]} argv
 * @returns {{ runtime: "bun" | "deno", argv: string[] }}
 */
function runtimeArgs(argv) {
  const index = argv.findIndex((a) => a === "--runtime" || a.startsWith("--runtime="));
  const flag = argv[index] ?? "";
  let runtime = process.env.HOODY_EXEC_RUNTIME ?? "bun";
  if (index >= 0) {
    runtime = (flag.includes("=") ? flag.split("=")[1] : argv[index + 1]) ?? "";
    argv.splice(index, flag.includes("=") ? 1 : 2);
  }
  if (runtime !== "bun" && runtime !== "deno") {
    process.stderr.write(`--runtime must be bun or deno (got "${runtime}")\n`);
    process.exit(2);
  }
  return { runtime, argv };
}

const { runtime, argv } = runtimeArgs(process.argv.slice(2));
const entry = join(root, "main.ts");
const args = runtime === "bun"
  ? [entry, ...argv]
  : ["run", "-A", "--no-check", "--config", join(root, "deno.json"), entry, ...argv];
if (isServe(argv)) supervise(findRuntime(runtime), args, serverEnv(runtime));
else runOnce(findRuntime(runtime), args);
