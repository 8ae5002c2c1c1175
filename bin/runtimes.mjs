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
