/**
 * An instance's scripts with their companion files and magic comments: what user-openapi/list
 * shows and what document.ts builds from. Routes come from the router's own scan, so a file is
 * documented exactly when it answers requests.
 */
import { readFile } from "node:fs/promises";
import { join, matchesGlob } from "node:path";
import type { RouteRecord } from "../../routing/pattern.ts";
import { scanInstance } from "../../routing/scan.ts";
import { parseDirectives } from "../../runtime/directives/parse.ts";
import { readCompanions, type SchemaFormat } from "./companions.ts";
import type { ScriptEntry } from "./document.ts";

export interface ScanOptions {
  /** Folders below the instance ("" = all of it). */
  dirs: readonly string[];
  recursive: boolean;
  /** Globs on the file path below the instance (`api/**`); none = every file. */
  include: readonly string[];
  exclude: readonly string[];
}

export interface UserScript extends ScriptEntry {
  route: RouteRecord;
  /** The schema file the script has: `.openapi.json` wins over `.schema.json`. */
  schemaFormat: SchemaFormat | null;
  /** Companion files that could not be read or parsed, each naming the file. */
  errors: string[];
  /** `.schema.json` as written. */
  schemaRaw: unknown;
}

function inScope(route: RouteRecord, options: ScanOptions): boolean {
  const inDir = options.dirs.some((dir) =>
    dir === ""
      ? options.recursive || route.dir === ""
      : options.recursive
      ? route.file.startsWith(`${dir}/`)
      : route.dir === dir
  );
  if (!inDir) return false;
  if (options.include.length > 0 && !options.include.some((g) => matchesGlob(route.file, g))) {
    return false;
  }
  return !options.exclude.some((g) => matchesGlob(route.file, g));
}

/** The scripts of the instance folder `instanceDir` in scope, sorted by file. */
export async function scanUserScripts(
  instanceDir: string,
  options: ScanOptions,
): Promise<UserScript[]> {
  const { routes } = await scanInstance(instanceDir);
  const out: UserScript[] = [];
  for (const route of routes) {
    if (inScope(route, options)) out.push(await readUserScript(instanceDir, route));
  }
  return out;
}

/** One route's script: its companions and the magic comments that document it. */
export async function readUserScript(instanceDir: string, route: RouteRecord): Promise<UserScript> {
  const companions = await readCompanions(instanceDir, route.file);
  // A script deleted since the scan has no comments left: it is documented from its files.
  const source = await readFile(join(instanceDir, route.file), "utf8").catch(() => "");
  const { description, label, tags } = parseDirectives(source).directives;
  return {
    file: route.file,
    route,
    description,
    label,
    tags: [...tags],
    markdown: companions.markdown,
    schema: companions.schema,
    openapi: companions.openapi,
    schemaFormat: companions.openapi !== null
      ? "openapi-json"
      : companions.schema !== null
      ? "json-schema"
      : null,
    errors: companions.errors,
    schemaRaw: companions.schemaRaw,
  };
}
