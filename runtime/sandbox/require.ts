import type { Unit } from "../protocol/messages.ts";
import { parsePackageSpecifier } from "../protocol/package-name.ts";

/**
 * `require` for scripts: built-ins, relative and absolute paths as usual, packages only from
 * `<scriptsRoot>/node_modules`, never from the server's own. Loaded only by Workers whose
 * scripts call `require` (node:module is costly to load in a Deno Worker).
 */
export async function createScriptRequire(unit: Unit): Promise<(specifier: string) => unknown> {
  const [{ createRequire, isBuiltin }, { existsSync, readFileSync }, { join }] = await Promise.all([
    import("node:module"),
    import("node:fs"),
    import("node:path"),
  ]);
  const fromScript = createRequire(unit.main.source);
  const modules = join(unit.scriptsRoot, "node_modules");
  return (specifier) => {
    if (isBuiltin(specifier) || /^(?:\.{1,2}(?:\/|$)|\/)/.test(specifier)) {
      return fromScript(specifier);
    }
    const parsed = parsePackageSpecifier(specifier);
    const name = parsed?.name ?? specifier;
    const folder = join(modules, name);
    if (!parsed || !existsSync(folder)) {
      const error = new Error(
        `Cannot find package "${name}": it is not installed in the scripts root's node_modules. ` +
          `Install it there, e.g. \`npm install ${name}\` in the scripts folder.`,
      );
      (error as Error & { code: string }).code = "MODULE_NOT_FOUND";
      throw error;
    }
    try {
      return createRequire(join(folder, "package.json"))(name + parsed.subpath);
    } catch (error) {
      // Bun caches directory listings per process: a package installed after its folder was
      // first read is not found by name. Its entry file, by absolute path, always is.
      if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
      const entry = entryOf(readFileSync, join, folder, parsed.subpath);
      if (entry === null) throw error;
      return fromScript(entry);
    }
  };
}

type Conditions = string | null | { [key: string]: Conditions } | Conditions[];

/** The file `name` + `subpath` names in `folder`, by the package's `exports` (require) or `main`. */
function entryOf(
  read: (path: string, encoding: "utf8") => string,
  join: (...parts: string[]) => string,
  folder: string,
  subpath: string,
): string | null {
  let pkg: { exports?: Conditions; main?: string };
  try {
    pkg = JSON.parse(read(join(folder, "package.json"), "utf8"));
  } catch {
    return null;
  }
  const pick = (value: Conditions | undefined): string | null => {
    if (typeof value === "string") return value;
    if (Array.isArray(value)) return pick(value[0]);
    if (value === null || value === undefined) return null;
    for (const key of ["require", "node", "default"]) if (key in value) return pick(value[key]);
    return null;
  };
  const key = `.${subpath}`;
  if (pkg.exports !== undefined) {
    const exports = pkg.exports;
    const sugar = typeof exports === "string" || Array.isArray(exports) ||
      (exports !== null && !Object.keys(exports).some((k) => k.startsWith(".")));
    const target = sugar ? (key === "." ? pick(exports) : null) : pick(
      (exports as Record<string, Conditions>)[key],
    );
    return target === null ? null : join(folder, target);
  }
  return join(folder, subpath === "" ? (pkg.main ?? "index.js") : subpath);
}
