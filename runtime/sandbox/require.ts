import type { Unit } from "../protocol/messages.ts";

/**
 * `require` for scripts: built-ins and relative paths as usual, packages only from
 * `<scriptsRoot>/node_modules`, never from the server's own. Loaded only by Workers whose
 * scripts call `require` (node:module is costly to load in a Deno Worker).
 */
export async function createScriptRequire(unit: Unit): Promise<(specifier: string) => unknown> {
  const [{ createRequire, isBuiltin }, { existsSync }, { join }] = await Promise.all([
    import("node:module"),
    import("node:fs"),
    import("node:path"),
  ]);
  const fromScript = createRequire(unit.main.source);
  const modules = join(unit.scriptsRoot, "node_modules");
  return (specifier) => {
    if (isBuiltin(specifier) || specifier.startsWith("./") || specifier.startsWith("../")) {
      return fromScript(specifier);
    }
    const name = packageName(specifier);
    const folder = join(modules, name);
    if (!existsSync(folder)) {
      const error = new Error(
        `Cannot find package "${name}": it is not installed in the scripts root's node_modules. ` +
          `Install it there, e.g. \`npm install ${name}\` in the scripts folder.`,
      );
      (error as Error & { code: string }).code = "MODULE_NOT_FOUND";
      throw error;
    }
    return createRequire(join(folder, "package.json"))(specifier);
  };
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}
