import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Compiler } from "./compiler.ts";

const SANDBOX = fileURLToPath(new URL("../sandbox/", import.meta.url));
const PROTOCOL = fileURLToPath(new URL("../protocol/", import.meta.url));
const BUNDLER = fileURLToPath(new URL("./bundle.ts", import.meta.url));

/**
 * The Worker entry as one precompiled module: a new Worker then loads one file instead of
 * transpiling the sandbox's modules again (the cost of a serverless request is mostly this boot).
 * Keyed by the content of every file the sandbox is made of, and of the bundler, so an edit to
 * either rebuilds it.
 */
export async function sandboxBundle(compiler: Compiler): Promise<string> {
  const files: string[] = [];
  for (const dir of [SANDBOX, PROTOCOL]) {
    for (const name of (await readdir(dir)).sort()) {
      if (name.endsWith(".ts")) files.push(`${name}\n${await readFile(join(dir, name), "utf8")}`);
    }
  }
  files.push(`bundle.ts\n${await readFile(BUNDLER, "utf8")}`);
  return await compiler.bundle(join(SANDBOX, "worker-entry.ts"), files.join("\0"));
}
