/** Package names and install specs: what may reach an installer's command line, and what never does. */
import { builtinModules, isBuiltin } from "node:module";
import { parsePackageSpecifier } from "../protocol/package-name.ts";

// npm's rules (validate-npm-package-name, new packages): lower case, URL-safe, at most 214
// characters, no leading dot or underscore; a scope is `@scope/`.
const NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
// A version, range or dist-tag after `name@`: semver characters only (no URLs, paths or flags).
const RANGE = /^[a-z0-9^~<>=|*.+\- ]{1,128}$/i;

/** Whether `name` is a valid npm package name (scoped or not). */
export function isValidPackageName(name: string): boolean {
  return name.length > 0 && name.length <= 214 && NAME.test(name) && !name.startsWith("-");
}

/** Runtime built-ins and runtime-resolved specifiers: never sent to an installer. */
export function isRuntimeProvided(specifier: string): boolean {
  return /^(?:node|bun|npm|jsr|deno|https?|file|data):/.test(specifier) ||
    isBuiltin(specifier) || builtinModules.includes(specifier);
}

/**
 * The package a specifier needs installed: `lodash/fp` -> `lodash`, `npm:@a/b@1/c` -> `@a/b`.
 * Null for relative and absolute paths, other schemes (`node:`, `jsr:`…), built-ins, `bun`, and
 * names npm would refuse. The one rule for the compiler, the installer and the management API.
 */
export function packageNameOf(specifier: string): string | null {
  const name = parsePackageSpecifier(specifier)?.name;
  if (name === undefined || name === "bun" || isBuiltin(name) || builtinModules.includes(name)) {
    return null;
  }
  return isValidPackageName(name) ? name : null;
}

/** One thing to install: a name, and optionally a version/range/tag or a local `file:` folder. */
export interface InstallSpec {
  name: string;
  /** `1.2.3`, `^1`, `latest`, or `file:/abs/or/relative/folder-or.tgz`; undefined = latest. */
  version?: string;
}

/**
 * Parses `name`, `name@range`, `@scope/name@range`, `name@file:path`. Throws with a message that
 * says what is wrong; flags (`-x`), URLs and git specs are refused.
 */
export function parseInstallSpec(text: string): InstallSpec {
  const spec = text.trim();
  const at = spec.indexOf("@", spec.startsWith("@") ? 1 : 0);
  const name = at === -1 ? spec : spec.slice(0, at);
  const version = at === -1 ? undefined : spec.slice(at + 1);
  if (!isValidPackageName(name)) {
    throw new Error(`"${text}" is not a valid npm package name`);
  }
  if (isRuntimeProvided(name)) {
    throw new Error(`"${name}" is a runtime built-in: nothing to install`);
  }
  if (version === undefined) return { name };
  if (version.startsWith("file:")) {
    const path = version.slice(5);
    if (path === "" || path.includes("\0") || /[\r\n]/.test(path)) {
      throw new Error(`"${text}": file: needs a folder or .tgz path`);
    }
    return { name, version };
  }
  if (!RANGE.test(version)) {
    throw new Error(`"${text}": the version must be a semver version, range or tag`);
  }
  return { name, version };
}

export function formatSpec(spec: InstallSpec): string {
  return spec.version === undefined ? spec.name : `${spec.name}@${spec.version}`;
}
