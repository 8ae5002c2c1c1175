/**
 * A bare module specifier taken apart into the package it names and the path inside it. Pure and
 * sandbox-safe: the compiler (which packages a script imports), the installer and the sandbox's
 * `require` (which folder of node_modules) read specifiers by these same rules.
 */
export interface PackageSpecifier {
  /** `lodash`, `@scope/pkg`: no version, no subpath. */
  name: string;
  /** What follows the name: `""` or `/fp`, `/deep/file.js`. */
  subpath: string;
}

// One path segment of a name: letters (legacy names may have capitals), digits, `._~-`, and never
// a leading dot (so never `.` or `..`).
const NAME = /^(?:@[\w~-][\w.~-]*\/)?[\w~-][\w.~-]*$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * `lodash/fp` -> `lodash` + `/fp`; `npm:@scope/pkg@1.2/x` -> `@scope/pkg` + `/x` (the `npm:`
 * prefix and a version are dropped). Null for what names no package: relative and absolute paths,
 * `#imports`, and any other scheme (`node:`, `jsr:`, `https:`…). Built-ins are the caller's to
 * judge (that needs node:module, which the sandbox loads only on demand).
 */
export function parsePackageSpecifier(specifier: string): PackageSpecifier | null {
  const bare = specifier.startsWith("npm:") ? specifier.slice(4) : specifier;
  if (bare === "" || /^[./#]/.test(bare) || SCHEME.test(bare)) return null;
  const parts = bare.split("/");
  const length = bare.startsWith("@") ? 2 : 1;
  if (parts.length < length) return null;
  const name = parts.slice(0, length).join("/").replace(/(?!^)@.*$/, "");
  if (!NAME.test(name)) return null;
  const rest = parts.slice(length);
  return { name, subpath: rest.length === 0 ? "" : `/${rest.join("/")}` };
}
