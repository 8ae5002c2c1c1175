/**
 * A script's parsed directives, kept on disk by the hash of its source, so a server that has seen
 * the script before reads them back instead of loading the parser: the directive table's schemas
 * and zod, ~30 ms of a Bun server's thread and all of it between the first request and its
 * answer. The parser loads at the first script it has not seen (and for the scheduler's scan, a
 * second after start). The key also covers the parser's own files and the versions of the
 * packages it uses, so a change to any of them parses again. A file holds what its source says (a
 * `@token` value too), as the compiled module beside it in the cache does. A start removes the
 * files no server has read for a month (compile/cache-prune.ts).
 */
import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { markUsed } from "../compile/cache-prune.ts";
import { sourcesKey, writeFileAtomic } from "../fs.ts";
import { sha256Hex } from "../hex.ts";
import type { DirectiveWarning } from "./parse.ts";
import type { Directives } from "./spec.ts";

/** What a script's load needs of its header. */
export interface StoredDirectives {
  directives: Directives;
  warnings: DirectiveWarning[];
}

export interface DirectiveStore {
  read(source: string): Promise<StoredDirectives>;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const PARSER_DIRS = [here("./"), here("./table/")];
const PARSER_FILES = [
  here("../schedule/cron.ts"),
  fileURLToPath(import.meta.resolve("zod/package.json")),
  fileURLToPath(import.meta.resolve("croner/package.json")),
];

/** One JSON file per source under `dir`; a write that fails costs only a parse next time. */
export function createDirectiveStore(dir: string): DirectiveStore {
  const tag = sha256Hex(sourcesKey(PARSER_DIRS, PARSER_FILES));
  return {
    async read(source) {
      const path = join(dir, `${await sha256Hex(`${await tag}\0${source}`)}.json`);
      const [stored, file] = await Promise.all([
        readFile(path, "utf8").then((text) => JSON.parse(text)).catch(() => null),
        stat(path).catch(() => null),
      ]);
      if (isStored(stored)) {
        if (file) markUsed(path, file.mtimeMs);
        return stored;
      }
      const { parseDirectives } = await import("./parse.ts");
      const { directives, warnings } = parseDirectives(source);
      // Not awaited: the answer needs none of it. On every miss, not once: the folder may have
      // been removed since (a cache clear).
      mkdir(dir, { recursive: true })
        .then(() => writeFileAtomic(path, JSON.stringify({ directives, warnings })))
        .catch(() => {});
      return { directives, warnings };
    },
  };
}

function isStored(value: unknown): value is StoredDirectives {
  const stored = value as Partial<StoredDirectives> | null;
  return typeof stored?.directives === "object" && stored.directives !== null &&
    Array.isArray(stored.warnings);
}
