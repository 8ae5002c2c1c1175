/**
 * The route index and match (docs/scripts.md, Routing). Fully static routes live in a Map keyed by
 * their canonical pathname. The others live in a segment trie walked from the left — static child
 * first, then the param child, then catch-alls, then optional catch-alls — which is the precedence
 * rule itself, and which only ever tests candidates whose static segments agree with the request.
 * The winner's URLPattern is compiled on first use (166 µs each on Deno) and extracts the params.
 */
import { escapePatternText, parseRouteFile } from "./pattern.ts";
import type { RouteRecord, RouteSegment } from "./pattern.ts";

export interface RouteMatch {
  route: RouteRecord;
  params: Record<string, string | string[]>;
}

export interface RouteTable {
  /** `pathname` as in `new URL(req.url).pathname` (still percent-encoded). */
  match(pathname: string): RouteMatch | null;
  readonly routes: readonly RouteRecord[];
  /** e.g. competing files that match the same URLs. */
  readonly warnings: readonly string[];
}

interface Candidate {
  route: RouteRecord;
  segments: readonly RouteSegment[];
  /** A URL that carries the file's extension (`/feed.ts`); the plain form wins over it. */
  alias: boolean;
  compiled?: URLPattern;
}

interface TrieNode {
  statics: Map<string, TrieNode>;
  param: TrieNode | undefined;
  exact: Candidate[];
  catchall: Candidate[];
  optional: Candidate[];
}

// Characters encodeURIComponent leaves alone: a pathname made only of these (and "/") is canonical.
const CANONICAL_CHARS = /^[A-Za-z0-9\-_.!~*'()/]*$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * Every segment decoded then re-encoded with encodeURIComponent, so `%41`, `A` and a file named
 * `A` meet, `%2F` stays inside its segment, and an undecodable `%` matches nothing. Also strips
 * one trailing slash; null for a dot or empty segment, which no route has.
 */
function toCanonicalPath(pathname: string): string | null {
  let path = pathname === "" ? "/" : pathname;
  if (!path.startsWith("/")) return null;
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  if (path === "/") return path;
  if (CANONICAL_CHARS.test(path)) {
    return path.includes("//") || DOT_SEGMENT.test(path) ? null : path;
  }
  let out = "";
  for (const part of path.slice(1).split("/")) {
    const decoded = decodePart(part);
    if (decoded === null || decoded === "" || decoded === "." || decoded === "..") return null;
    out += "/" + encodeURIComponent(decoded);
  }
  return out;
}

function toPatternPart(segment: RouteSegment, i: number): string {
  // Generated names: file param names need not be valid URLPattern identifiers.
  switch (segment.kind) {
    case "static":
      return "/" + escapePatternText(encodeURIComponent(segment.value));
    case "dynamic":
      return `/:p${i}`;
    case "catchall":
      return `/:p${i}+`;
    case "optional-catchall":
      return `/:p${i}*`;
  }
}

function toPatternSource(segments: readonly RouteSegment[]): string {
  // `{/}?` lets the root optional catch-all (`/:p0*`) match "/".
  return segments.map(toPatternPart).join("") + "{/}?";
}

function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

function execCandidate(candidate: Candidate, path: string): RouteMatch | null {
  candidate.compiled ??= new URLPattern({ pathname: toPatternSource(candidate.segments) });
  const result = candidate.compiled.exec({ pathname: path });
  if (result === null) return null;
  const groups = result.pathname.groups;
  const params: Record<string, string | string[]> = {};
  for (const [i, segment] of candidate.segments.entries()) {
    if (segment.kind === "static") continue;
    const raw = groups[`p${i}`] ?? "";
    if (segment.kind === "dynamic") {
      const value = decodePart(raw);
      if (value === null) return null;
      params[segment.name] = value;
      continue;
    }
    const values: string[] = [];
    for (const part of raw === "" ? [] : raw.split("/")) {
      const value = decodePart(part);
      if (value === null) return null;
      values.push(value);
    }
    params[segment.name] = values;
  }
  return { route: candidate.route, params };
}

function createNode(): TrieNode {
  return { statics: new Map(), param: undefined, exact: [], catchall: [], optional: [] };
}

function insert(root: TrieNode, candidate: Candidate): void {
  let node = root;
  for (const segment of candidate.segments) {
    if (segment.kind === "static") {
      const key = encodeURIComponent(segment.value);
      let child = node.statics.get(key);
      if (child === undefined) node.statics.set(key, child = createNode());
      node = child;
    } else if (segment.kind === "dynamic") {
      node = node.param ??= createNode();
    } else {
      (segment.kind === "catchall" ? node.catchall : node.optional).push(candidate);
      return;
    }
  }
  node.exact.push(candidate);
}

function tryAll(candidates: readonly Candidate[], path: string): RouteMatch | null {
  for (const candidate of candidates) {
    const match = execCandidate(candidate, path);
    if (match !== null) return match;
  }
  return null;
}

function search(node: TrieNode, segments: string[], i: number, path: string): RouteMatch | null {
  const segment = segments[i];
  if (segment === undefined) return tryAll(node.exact, path) ?? tryAll(node.optional, path);
  const child = node.statics.get(segment);
  const viaStatic = child === undefined ? null : search(child, segments, i + 1, path);
  if (viaStatic !== null) return viaStatic;
  const viaParam = node.param === undefined ? null : search(node.param, segments, i + 1, path);
  return viaParam ?? tryAll(node.catchall, path) ?? tryAll(node.optional, path);
}

/** Primary URLs first, then by file path: the deterministic winner among competing files. */
function byPrecedence(a: Candidate, b: Candidate): number {
  if (a.alias !== b.alias) return a.alias ? 1 : -1;
  return a.route.file < b.route.file ? -1 : a.route.file > b.route.file ? 1 : 0;
}

function settle(candidates: Candidate[], warnings: string[]): void {
  candidates.sort(byPrecedence);
  const competing = candidates.filter((candidate) => !candidate.alias);
  const [winner] = competing;
  if (winner === undefined || competing.length < 2) return;
  const files = competing.map((candidate) => `"${candidate.route.file}"`).join(", ");
  warnings.push(
    `${files} match the same URLs (${winner.route.pattern}); "${winner.route.file}" wins ` +
      "(first by file path): rename or remove the others",
  );
}

function settleTrie(node: TrieNode, warnings: string[]): void {
  settle(node.exact, warnings);
  settle(node.catchall, warnings);
  settle(node.optional, warnings);
  for (const child of node.statics.values()) settleTrie(child, warnings);
  if (node.param !== undefined) settleTrie(node.param, warnings);
}

/** The URL form that carries the file's extension: `/api/hello.ts`, `/api/index.ts`. */
function toAliasSegments(
  segments: readonly RouteSegment[],
  ext: string,
  isIndex: boolean,
): RouteSegment[] | null {
  if (isIndex) return [...segments, { kind: "static", value: `index${ext}` }];
  const last = segments.at(-1);
  if (last?.kind !== "static") return null;
  return [...segments.slice(0, -1), { kind: "static", value: last.value + ext }];
}

function staticValues(segments: readonly RouteSegment[]): string[] | null {
  const values: string[] = [];
  for (const segment of segments) {
    if (segment.kind !== "static") return null;
    values.push(encodeURIComponent(segment.value));
  }
  return values;
}

/** Indexes the routes; nothing is compiled until a request needs it. */
export function createRouteTable(routes: RouteRecord[]): RouteTable {
  const warnings: string[] = [];
  const sorted = [...routes].sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  const staticGroups = new Map<string, Candidate[]>();
  const root = createNode();
  const indexed: RouteRecord[] = [];
  let dynamicCount = 0;

  for (const route of sorted) {
    if (indexed.at(-1)?.file === route.file) continue;
    const parsed = parseRouteFile(route.file);
    if (parsed === null) {
      warnings.push(`"${route.file}" is not a route file; it was left out`);
      continue;
    }
    indexed.push(route);
    const aliasSegments = toAliasSegments(parsed.segments, parsed.ext, parsed.isIndex);
    const variants: Candidate[] = [{ route, segments: parsed.segments, alias: false }];
    if (aliasSegments !== null) variants.push({ route, segments: aliasSegments, alias: true });
    for (const candidate of variants) {
      const values = staticValues(candidate.segments);
      if (values !== null) {
        const key = "/" + values.join("/");
        const group = staticGroups.get(key);
        if (group === undefined) staticGroups.set(key, [candidate]);
        else group.push(candidate);
      } else {
        insert(root, candidate);
        dynamicCount++;
      }
    }
  }

  const statics = new Map<string, RouteRecord>();
  for (const [key, group] of staticGroups) {
    settle(group, warnings);
    if (group[0] !== undefined) statics.set(key, group[0].route);
  }
  settleTrie(root, warnings);

  return {
    routes: Object.freeze(indexed),
    warnings: Object.freeze(warnings),
    match(pathname: string): RouteMatch | null {
      const path = toCanonicalPath(pathname);
      if (path === null) return null;
      const route = statics.get(path);
      if (route !== undefined) return { route, params: {} };
      if (dynamicCount === 0) return null;
      return search(root, path === "/" ? [] : path.slice(1).split("/"), 0, path);
    },
  };
}
