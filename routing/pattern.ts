/**
 * File path -> route record (docs/scripts.md, Routing). Pure: no I/O, no RegExp built from a file
 * name.
 */

export type RouteType = "static" | "dynamic" | "catchall" | "optional-catchall";

export interface RouteRecord {
  /** Relative to the instance folder, "/"-separated, e.g. "api/users/[id].ts". */
  file: string;
  /** Human/URLPattern pathname, e.g. "/api/users/:id", "/docs/:slug+", "/pages/:path*". */
  pattern: string;
  /** The most general segment kind present. */
  type: RouteType;
  /** Param names in order. */
  params: string[];
  /** The file's folder relative to the instance ("" at the root), for middleware lookup. */
  dir: string;
}

export type RouteSegment =
  | { kind: "static"; value: string }
  | { kind: "dynamic" | "catchall" | "optional-catchall"; name: string };

/** A route file taken apart: what the table indexes and compiles. */
export interface ParsedRouteFile {
  /** URL segments; `index` contributes none. */
  segments: RouteSegment[];
  dir: string;
  /** The file's extension, e.g. ".ts" (the URL may carry it). */
  ext: string;
  isIndex: boolean;
}

export const SCRIPT_EXTENSIONS: readonly string[] = Object.freeze([
  ".ts",
  ".js",
  ".mjs",
  ".cjs",
  ".tsx",
  ".jsx",
]);

/**
 * D4: a name starting with `_` or `.`, or `node_modules`, is hidden: never a route, never an
 * instance, never listed. The one rule every part of the server applies to a path segment.
 */
export function isHiddenName(name: string): boolean {
  return name.startsWith("_") || name.startsWith(".") || name === "node_modules";
}

const TYPE_RANK: Record<RouteType, number> = {
  "static": 0,
  "dynamic": 1,
  "catchall": 2,
  "optional-catchall": 3,
};

// Characters URLPattern gives a meaning to in a pathname pattern.
const PATTERN_SPECIAL = new Set(["\\", ":", "*", "(", ")", "{", "}", "+", "?"]);

interface ScriptPath {
  dirs: string[];
  /** The file name without its extension. */
  name: string;
  ext: string;
}

function splitScriptPath(file: string): ScriptPath | null {
  const parts = file.split("/");
  for (const part of parts) {
    if (part === "" || isHiddenName(part)) return null;
  }
  const base = parts.pop() ?? "";
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return null;
  const ext = base.slice(dot);
  const name = base.slice(0, dot);
  if (!SCRIPT_EXTENSIONS.includes(ext)) return null;
  if (ext === ".ts" && name.endsWith(".d")) return null;
  return { dirs: parts, name, ext };
}

/** `pre.ts` / `post.js` (any script extension) are middleware for their folder. */
export function isMiddlewareFile(file: string): "pre" | "post" | null {
  const path = splitScriptPath(file);
  if (path === null) return null;
  if (path.name === "pre") return "pre";
  if (path.name === "post") return "post";
  return null;
}

function isParamName(name: string): boolean {
  return name !== "" && !name.startsWith(".") && !name.includes("[") && !name.includes("]");
}

function parseSegment(text: string): RouteSegment | null {
  let segment: RouteSegment;
  if (text.startsWith("[[...") && text.endsWith("]]")) {
    segment = { kind: "optional-catchall", name: text.slice(5, -2) };
  } else if (text.startsWith("[...") && text.endsWith("]")) {
    segment = { kind: "catchall", name: text.slice(4, -1) };
  } else if (text.startsWith("[") && text.endsWith("]")) {
    segment = { kind: "dynamic", name: text.slice(1, -1) };
  } else {
    return { kind: "static", value: text };
  }
  return isParamName(segment.name) ? segment : null;
}

/**
 * Takes a route file apart; null when it is not a route: a hidden, `_`-prefixed or
 * `node_modules` segment, a non-script extension, `*.d.ts`, middleware, a malformed
 * bracket name, a catch-all that is not last, or a param name used twice.
 */
export function parseRouteFile(file: string): ParsedRouteFile | null {
  const path = splitScriptPath(file);
  if (path === null || path.name === "pre" || path.name === "post") return null;
  const isIndex = path.name === "index";
  const texts = isIndex ? path.dirs : [...path.dirs, path.name];
  const segments: RouteSegment[] = [];
  const names = new Set<string>();
  for (const text of texts) {
    const segment = parseSegment(text);
    if (segment === null) return null;
    const last = segments.at(-1);
    if (last !== undefined && last.kind !== "static" && last.kind !== "dynamic") return null;
    if (segment.kind !== "static") {
      if (names.has(segment.name)) return null;
      names.add(segment.name);
    }
    segments.push(segment);
  }
  return { segments, dir: path.dirs.join("/"), ext: path.ext, isIndex };
}

/** Backslash-escapes the characters URLPattern would read as syntax. */
export function escapePatternText(text: string): string {
  let out = "";
  for (const char of text) out += PATTERN_SPECIAL.has(char) ? `\\${char}` : char;
  return out;
}

function segmentText(segment: RouteSegment): string {
  switch (segment.kind) {
    case "static":
      return escapePatternText(segment.value);
    case "dynamic":
      return `:${segment.name}`;
    case "catchall":
      return `:${segment.name}+`;
    case "optional-catchall":
      return `:${segment.name}*`;
  }
}

/** The file's route, or null when the file is not a route (see `parseRouteFile`). */
export function fileToRoute(file: string): RouteRecord | null {
  const parsed = parseRouteFile(file);
  if (parsed === null) return null;
  let type: RouteType = "static";
  const params: string[] = [];
  for (const segment of parsed.segments) {
    if (segment.kind === "static") continue;
    params.push(segment.name);
    if (TYPE_RANK[segment.kind] > TYPE_RANK[type]) type = segment.kind;
  }
  const pattern = "/" + parsed.segments.map(segmentText).join("/");
  return { file, pattern, type, params, dir: parsed.dir };
}
