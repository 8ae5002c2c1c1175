/**
 * The built-in templates: every `<name>.json` (metadata, metadata.ts) in `builtin/` with its
 * `<name>.tmpl` (the script source with `{{param}}` placeholders; `.tmpl` so lint and tsc never
 * read placeholder code). The folder is the list: a new pair of files is a new built-in.
 */
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { findPlaceholders } from "./fill.ts";
import { metadataFileSchema, type Template } from "./metadata.ts";

export const BUILTIN_DIR = fileURLToPath(new URL("./builtin/", import.meta.url));

let loaded: Promise<ReadonlyMap<string, Template>> | undefined;

/** Every built-in by name, read once (they ship with the server and never change at run time). */
export function getBuiltinTemplates(): Promise<ReadonlyMap<string, Template>> {
  loaded ??= scanBuiltinTemplates(BUILTIN_DIR);
  return loaded;
}

/**
 * Reads a folder of `<name>.json` + `<name>.tmpl` pairs. A broken pair is a bug in the server, so
 * it fails loudly, naming the file.
 */
export async function scanBuiltinTemplates(dir: string): Promise<Map<string, Template>> {
  const names = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
  const templates = new Map<string, Template>();
  for (const file of names) {
    const name = file.slice(0, -".json".length);
    const parsed = metadataFileSchema.safeParse(
      JSON.parse(await readFile(join(dir, file), "utf8")),
    );
    if (!parsed.success) {
      throw new Error(`templates/builtin/${file}: ${parsed.error.issues[0]?.message}`);
    }
    if (parsed.data.name !== name) {
      throw new Error(`templates/builtin/${file}: name "${parsed.data.name}" must be "${name}"`);
    }
    const code = await readFile(join(dir, `${name}.tmpl`), "utf8");
    const declared = new Set(parsed.data.params.map((p) => p.name));
    const undeclared = findPlaceholders(code).filter((p) => !declared.has(p));
    if (undeclared.length > 0) {
      throw new Error(`templates/builtin/${name}.tmpl: {{${undeclared[0]}}} is not in its params`);
    }
    templates.set(name, { name, builtin: true, metadata: parsed.data, code });
  }
  return templates;
}
