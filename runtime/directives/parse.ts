/**
 * Magic comments: `// @name value` lines at the top of a script, parsed into typed directives.
 * Pure and cheap (runs on every load); bad values fall back to defaults with a warning.
 */
import { DIRECTIVE_SPECS, getDirectiveSpec } from "./table.ts";
import { hasControlCharacter, MAX_VALUE_LENGTH, PARSE_WINDOW_LINES } from "./spec.ts";
import type { Directives, DirectiveSpec } from "./spec.ts";

export { PARSE_WINDOW_LINES };

export interface DirectiveWarning {
  /** `@name` as written. */
  directive: string;
  /** The value as written (quotes removed); `[redacted]` for secrets. */
  value: string;
  message: string;
}

export interface ParsedDirectives {
  /** Every field resolved: absent or invalid values are the defaults. */
  directives: Directives;
  /** Known directives found, name without `@` -> value as written with quotes removed. */
  present: Record<string, string>;
  warnings: DirectiveWarning[];
  /** Leading lines up to the last comment line of the header (trailing blank lines excluded). */
  headerLines: number;
}

export type ValueResult<T> =
  | { ok: true; value: T; warning?: DirectiveWarning }
  | { ok: false; warning: DirectiveWarning };

const REDACTED = "[redacted]";
const SHOWN_LENGTH = 80;

function copy<T>(value: T): T {
  if (Array.isArray(value)) return [...value] as T;
  return value !== null && typeof value === "object" ? { ...value } : value;
}

function freshDefaults(): Directives {
  const out: Record<string, unknown> = {};
  for (const spec of DIRECTIVE_SPECS) out[spec.key] = copy(spec.fallback);
  return out as unknown as Directives;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value)) {
    if (inner !== null && typeof inner === "object") deepFreeze(inner);
  }
  return Object.freeze(value);
}

export const DEFAULT_DIRECTIVES: Directives = deepFreeze(freshDefaults());

/** Quotes added for display, control characters escaped, long values shortened. */
function show(value: string): string {
  const cut = value.length > SHOWN_LENGTH ? `${value.slice(0, SHOWN_LENGTH)}…` : value;
  return JSON.stringify(cut).replace(
    /[\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

function unquote(value: string): string {
  const first = value[0];
  const quoted = value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first);
  return quoted ? value.slice(1, -1) : value;
}

function warn(spec: DirectiveSpec, value: string, message: string): DirectiveWarning {
  return { directive: spec.directive, value: spec.secret ? REDACTED : value, message };
}

/**
 * Parses one directive's value as written after the name (surrounding spaces and one pair of
 * quotes are removed). Also validates values given to the magic-comment update API.
 */
export function parseDirectiveValue<K extends keyof Directives>(
  spec: DirectiveSpec<K>,
  written: string,
): ValueResult<Directives[K]> {
  const value = unquote(written.trim());
  const got = spec.secret ? `a value of ${value.length} characters` : show(value);
  const reject = (message: string) => ({ ok: false as const, warning: warn(spec, value, message) });
  if (hasControlCharacter(written, true)) {
    return reject(
      `${spec.directive} must not contain control characters such as CR, LF or NUL (got ${got})`,
    );
  }
  if (value.length > MAX_VALUE_LENGTH) {
    return reject(
      `${spec.directive} must be at most ${MAX_VALUE_LENGTH} characters (got ${value.length})`,
    );
  }
  if (value === "") {
    if (spec.type === "boolean") return { ok: true, value: true as Directives[K] };
    return reject(`${spec.directive} needs a value: ${spec.accepts}`);
  }
  const result = spec.schema.safeParse(value);
  if (!result.success) return reject(`${spec.directive} must be ${spec.accepts} (got ${got})`);
  const max = spec.range?.max;
  if (spec.clamp && max !== undefined && typeof result.data === "number" && result.data > max) {
    const message = `${spec.directive} is capped at ${max} (got ${got}); ${max} is used`;
    return { ok: true, value: max as Directives[K], warning: warn(spec, value, message) };
  }
  return { ok: true, value: result.data };
}

interface HeaderEntry {
  name: string;
  /** Everything after the name, unparsed. */
  written: string;
  line: number;
}

interface Header {
  entries: HeaderEntry[];
  /** Directive lines of a header that runs past the window; reported, not applied. */
  beyond: HeaderEntry[];
  lines: number;
}

type LineKind =
  | { kind: "blank" | "comment" | "code"; inBlock: boolean }
  | { kind: "line-comment"; text: string };

function classify(line: string, inBlock: boolean): LineKind {
  let rest = line;
  let comment = false;
  for (;;) {
    if (inBlock) {
      const close = rest.indexOf("*/");
      if (close === -1) return { kind: "comment", inBlock: true };
      rest = rest.slice(close + 2);
      inBlock = false;
      comment = true;
    }
    rest = rest.trimStart();
    if (rest === "") return { kind: comment ? "comment" : "blank", inBlock: false };
    if (rest.startsWith("//")) return { kind: "line-comment", text: rest.slice(2) };
    if (!rest.startsWith("/*")) return { kind: "code", inBlock: false };
    rest = rest.slice(2);
    inBlock = true;
  }
}

const DIRECTIVE_NAME = /^[ \t]*@(\S+)/;

function toEntry(text: string, line: number): HeaderEntry | undefined {
  const match = DIRECTIVE_NAME.exec(text);
  const name = match?.[1];
  if (match === null || name === undefined) return undefined;
  return { name, written: text.slice(match[0].length), line };
}

function scanHeader(source: string): Header {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const header: Header = { entries: [], beyond: [], lines: 0 };
  let inBlock = false;
  for (let pos = 0, n = 1; pos <= text.length; n++) {
    const newline = text.indexOf("\n", pos);
    const end = newline === -1 ? text.length : newline;
    const line = text.charCodeAt(end - 1) === 0x0d
      ? text.slice(pos, end - 1)
      : text.slice(pos, end);
    pos = end + 1;
    if (n === 1 && line.startsWith("#!")) {
      header.lines = 1;
      continue;
    }
    const kind = classify(line, inBlock);
    if (kind.kind === "code") break;
    if (kind.kind === "blank") continue;
    inBlock = kind.kind === "comment" && kind.inBlock;
    const entry = kind.kind === "line-comment" ? toEntry(kind.text, n) : undefined;
    if (n > PARSE_WINDOW_LINES) {
      if (entry && getDirectiveSpec(entry.name)) header.beyond.push(entry);
      continue;
    }
    header.lines = n;
    if (entry) header.entries.push(entry);
  }
  return header;
}

// Pragmas of TypeScript, Deno and JSX tooling share the `// @` syntax; they are not ours.
const TOOLING_PRAGMA = /^(?:ts-|deno-|jsx)/;

function assign<K extends keyof Directives>(target: Directives, key: K, value: Directives[K]) {
  target[key] = value;
}

/** Cross-directive rules, applied after every value is resolved. */
function reconcile(parsed: ParsedDirectives): void {
  const { directives: d, present, warnings } = parsed;
  const say = (directive: string, message: string) =>
    warnings.push({ directive, value: present[directive.slice(1)] ?? "", message });
  if (d.websocket && d.mode === "serverless") {
    say("@websocket", "@websocket needs @mode worker; it is ignored in serverless mode");
    d.websocket = false;
  }
  if (d.corsCredentials && d.cors.kind === "any") {
    say(
      "@cors-credentials",
      "@cors-credentials is ignored with @cors *: browsers refuse credentials for a wildcard origin (use reflective or one origin)",
    );
    d.corsCredentials = false;
  }
}

/** Reads the magic-comment header of a script. Never throws; problems become warnings. */
export function parseDirectives(source: string): ParsedDirectives {
  const header = scanHeader(source);
  const parsed: ParsedDirectives = {
    directives: freshDefaults(),
    present: {},
    warnings: [],
    headerLines: header.lines,
  };
  const last = new Map<string, HeaderEntry>();
  for (const entry of header.entries) {
    const spec = getDirectiveSpec(entry.name);
    if (spec === undefined) {
      if (TOOLING_PRAGMA.test(entry.name)) continue;
      const directive = `@${show(entry.name).slice(1, -1)}`;
      const message = `unknown directive ${directive}; it is ignored`;
      parsed.warnings.push({ directive, value: unquote(entry.written.trim()), message });
      continue;
    }
    const previous = last.get(entry.name);
    if (previous) {
      const message =
        `${spec.directive} is set more than once (lines ${previous.line} and ${entry.line}); the last value wins`;
      parsed.warnings.push(warn(spec, unquote(entry.written.trim()), message));
    }
    last.set(entry.name, entry);
  }
  for (const [name, entry] of last) {
    const spec = getDirectiveSpec(name);
    if (spec === undefined) continue;
    parsed.present[name] = unquote(entry.written.trim());
    const result = parseDirectiveValue(spec, entry.written);
    if (result.warning) parsed.warnings.push(result.warning);
    if (result.ok) assign(parsed.directives, spec.key, result.value);
  }
  for (const entry of header.beyond) {
    const spec = getDirectiveSpec(entry.name);
    if (spec === undefined) continue;
    const message =
      `${spec.directive} on line ${entry.line} is outside the first ${PARSE_WINDOW_LINES} lines that are read; it is ignored`;
    parsed.warnings.push(warn(spec, unquote(entry.written.trim()), message));
  }
  reconcile(parsed);
  return parsed;
}
