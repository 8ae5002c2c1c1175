import { ServerError } from "../errors.ts";

/**
 * Decodes the path (repeatedly, as an attacker might encode twice) and refuses NUL, control
 * characters, backslashes and `..` segments before the path reaches routing or the disk.
 */
export function checkPath(pathname: string): void {
  // The common case: nothing encoded, no backslash, no dot segment, no control character.
  // deno-lint-ignore no-control-regex
  if (!/[%\\\u0000-\u001f\u007f]|\/\.\.?(\/|$)/.test(pathname)) return;
  let path = pathname;
  for (let pass = 0; pass < 8; pass++) {
    if (hasBadParts(path)) throw badPath();
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // A literal "%" decoded from an earlier layer is data, not another layer of encoding.
      if (pass > 0) return;
      throw new ServerError("BAD_REQUEST", "The request path has a malformed percent-encoding");
    }
    if (decoded === path) return;
    path = decoded;
  }
  throw badPath();
}

function hasBadParts(path: string): boolean {
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return true;
  return path.split("/").some((segment) => segment === ".." || segment === ".");
}

function badPath(): ServerError {
  return new ServerError(
    "BAD_REQUEST",
    "The request path contains a control character, a backslash or a dot segment",
  );
}
