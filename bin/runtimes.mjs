// @ts-check
// Finds the Bun and Deno executables that the `bun` and `deno` npm packages ship.
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/**
 * @param {string} name
 * @returns {string | null}
 */
function packageDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

/**
 * The real executable: the main package's file once its postinstall ran, else the platform package's.
 * @param {"bun" | "deno"} name
 * @returns {string}
 */
export function findRuntime(name) {
  /** @param {string | null} file */
  const isBinary = (file) => file !== null && existsSync(file) && statSync(file).size > 1_000_000;
  const main = packageDir(name);
  /** @type {(string | null)[]} */
  const candidates = name === "bun"
    ? [main && join(main, "bin", "bun.exe")]
    : [main && join(main, "deno")];
  const scopeDir = main && join(dirname(main), name === "bun" ? "@oven" : "@deno");
  if (scopeDir && existsSync(scopeDir)) {
    for (const dir of readdirSync(scopeDir)) {
      if (!dir.includes(process.platform) || !dir.includes(process.arch)) continue;
      candidates.push(join(scopeDir, dir, name === "bun" ? "bin/bun" : "deno"));
    }
  }
  const found = candidates.find((file) => file && isBinary(file));
  if (!found) throw new Error(`the "${name}" package is not installed: run npm install`);
  return found;
}

/**
 * The environment the server process starts with: the caller's, over these defaults. The launcher
 * (supervisor.mjs) and `npm run bench` start it this way; a host gets none of it (host-process.ts).
 *
 * Bun: JavaScriptCore compiles a function after 50 calls rather than 500 (baseline JIT) and
 * optimizes it after 200 rather than 1,000 (DFG). The server runs its request path once per
 * request, so at a light load it stays for thousands of requests in the interpreter: a serverless
 * hello paced at 20 req/s (interleaved with reference B and raw serve, 4 runs of 150) answered
 * 0.10-0.14 ms sooner, at reference B's p50. Unchanged within the noise: 50 connections (worker
 * mode 44,705 against 43,844 req/s, serverless 316 against 316) and the first response with 1,000
 * scripts (76 against 74 ms, 9 starts each). Lower still (10 and 100) was no faster when paced and
 * slowed that first response to ~92 ms.
 * @param {"bun" | "deno"} name
 * @returns {Record<string, string | undefined>}
 */
export function serverEnv(name) {
  const defaults = name === "bun"
    ? {
      BUN_JSC_thresholdForJITAfterWarmUp: "50",
      BUN_JSC_thresholdForJITSoon: "50",
      BUN_JSC_thresholdForOptimizeAfterWarmUp: "200",
      BUN_JSC_thresholdForOptimizeAfterLongWarmUp: "200",
      BUN_JSC_thresholdForOptimizeSoon: "200",
    }
    : {};
  return { ...defaults, ...process.env };
}
