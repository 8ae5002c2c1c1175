/**
 * Every path the management API takes is checked here, after decoding, before anything touches the
 * disk (docs/management.md, Scripts): no absolute paths, dot segments, backslashes, NUL or control
 * characters, no symlink leaving the instance folder, nothing whose URL falls under the API. No
 * error names a host path.
 */
import { API_PREFIX } from "../runtime/server/management-path.ts";
import { lstat, realpath } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { fileToRoute } from "../routing/pattern.ts";
import { ServerError } from "../runtime/errors.ts";
import type { Instance } from "../runtime/server/instances.ts";

const MAX_PATH_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;
const DECODE_PASSES = 8;

/** 400 BAD_PATH; the message reads "{field} {problem}". */
function bad(field: string, problem: string): ServerError {
  return new ServerError("BAD_PATH", `${field} ${problem}`, { details: { field } });
}

function forbidden(field: string, message: string): ServerError {
  return new ServerError("FORBIDDEN", message, { details: { field } });
}

/** A `..` segment is an attempt to leave the instance folder: 403 `FORBIDDEN`, not 400. */
function traversal(field: string): ServerError {
  return forbidden(field, `${field} must not contain .. segments (path traversal)`);
}

// deno-lint-ignore no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f\\]/;

/**
 * A path relative to an instance folder, "/"-separated, decoded and checked; "" is the folder
 * itself (only where `allowRoot`). Pure: throws ServerError 400/403.
 */
export function parseRelativePath(input: string, field: string, allowRoot = false): string {
  let path = input;
  for (let pass = 0; pass <= DECODE_PASSES; pass++) {
    if (UNSAFE_CHARS.test(path)) {
      throw bad(field, "must not contain control characters, NUL or backslashes");
    }
    if (pass === DECODE_PASSES) throw bad(field, "is encoded too many times");
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      break; // A "%" that is not an escape is a literal character of the name.
    }
    if (decoded === path) break;
    const segments = decoded.split("/");
    if (segments.includes("..")) throw traversal(field);
    if (segments.includes(".")) throw bad(field, "must not contain . segments");
    path = decoded;
  }
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) {
    throw bad(
      field,
      "must be relative to the instance folder (no leading / or drive letter)",
    );
  }
  if (path.length > MAX_PATH_LENGTH) {
    throw bad(field, `must be at most ${MAX_PATH_LENGTH} characters (got ${path.length})`);
  }
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  if (trimmed === "") {
    if (allowRoot) return "";
    throw bad(field, "is required");
  }
  for (const segment of trimmed.split("/")) {
    if (segment === "..") throw traversal(field);
    if (segment === "" || segment === ".") {
      throw bad(field, "must not contain empty or . segments");
    }
    if (segment.length > MAX_SEGMENT_LENGTH) {
      throw bad(field, `has a name longer than ${MAX_SEGMENT_LENGTH} characters`);
    }
    if (segment === "node_modules") throw forbidden(field, "Path is excluded from access");
  }
  if (isUnderManagement(trimmed)) {
    throw forbidden(
      field,
      `A script cannot live under ${API_PREFIX} (the management API)`,
    );
  }
  return trimmed;
}

/** True when the file (or folder) would answer URLs under /api/v1/exec. */
export function isUnderManagement(file: string): boolean {
  const prefix = API_PREFIX.slice(1);
  if (file === prefix || file.startsWith(`${prefix}/`)) return true;
  if (file.startsWith(`${prefix}.`) && !file.includes("/", prefix.length)) return true;
  const pattern = fileToRoute(file)?.pattern;
  return pattern !== undefined &&
    (pattern === API_PREFIX || pattern.startsWith(`${API_PREFIX}/`));
}

export interface Located {
  instance: Instance;
  /** Relative to the instance folder, "/"-separated. */
  file: string;
  /** Absolute path on the host: never sent to a client. */
  abs: string;
  /** What clients see instead: `{execId}/{file}`. */
  shown: string;
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Resolves a checked relative path under the instance, refusing a symlink anywhere on the way
 * that leads out of the instance folder (the deepest existing ancestor is realpath'd).
 */
export async function locate(instance: Instance, file: string, field: string): Promise<Located> {
  const abs = file === "" ? instance.dir : join(instance.dir, file);
  const root = await realpath(instance.dir);
  let probe = abs;
  for (;;) {
    const stat = await lstat(probe).catch(() => null);
    if (stat) {
      const real = await realpath(probe).catch(() => null);
      if (real === null || !isInside(root, real)) {
        throw forbidden(field, `${field} leads outside the instance folder (symlink)`);
      }
      break;
    }
    const parent = dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  return { instance, file, abs, shown: file === "" ? instance.id : `${instance.id}/${file}` };
}
