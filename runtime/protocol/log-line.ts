/**
 * A script's console line in the two places it is shown, made where it is printed (the Worker),
 * so that the server only appends text:
 * - the execution log's line, as the log file contract (docs/logs.md) fixes it:
 *     2026-12-03T09:00:00.000Z [INFO] [api/users/[id].ts 3f2a9c1e-…] the message
 * - the server's human log: `[api/users/[id].ts 3f2a9c1e-…] the message`.
 * And which of a script's lines its `@log-level` keeps in the file (runtime/logs/policy.ts has
 * the whole table).
 */
import type { LogLevel } from "../directives/spec.ts";
import type { ConsoleLevel } from "./messages.ts";

// C0 controls, DEL, and the two separators some readers take for line ends.
// deno-lint-ignore no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f\u2028\u2029]/g;

function escapeChar(char: string): string {
  if (char === "\n") return "\\n";
  if (char === "\r") return "\\r";
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** Nothing a script prints can start a line of its own: `\n`, `\r`, `\u00XX`. */
export function escapeLogText(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, escapeChar) : text;
}

let stampedAt = NaN;
let stamp = "";

/** The ISO time of an epoch ms; lines within one millisecond share the string. */
export function isoTime(ms: number): string {
  if (ms !== stampedAt) {
    stampedAt = ms;
    stamp = new Date(ms).toISOString();
  }
  return stamp;
}

const TAGS: Record<ConsoleLevel, string> = {
  log: "[LOG]",
  info: "[INFO]",
  warn: "[WARN]",
  error: "[ERROR]",
  debug: "[DEBUG]",
};

export function execLine(
  at: number,
  level: ConsoleLevel,
  script: string,
  executionId: string | null,
  text: string,
): string {
  return `${isoTime(at)} ${TAGS[level]} [${escapeLogText(script)} ${executionId ?? "-"}] ${
    escapeLogText(text)
  }\n`;
}

/** The human log's line: as printed, tagged with its script and request. */
export function humanLine(script: string, executionId: string | null, text: string): string {
  return `${executionId ? `[${script} ${executionId}]` : `[${script}]`} ${text}\n`;
}

const KEPT: Record<LogLevel, ReadonlySet<ConsoleLevel>> = {
  none: new Set(),
  minimal: new Set(["warn", "error"]),
  standard: new Set(["log", "info", "warn", "error"]),
  verbose: new Set(["log", "info", "warn", "error"]),
  debug: new Set(["log", "info", "warn", "error", "debug"]),
};

/** Whether a script at `@log-level level` keeps a console line of `line` level in its file. */
export function consoleLogged(level: LogLevel, line: ConsoleLevel): boolean {
  return KEPT[level].has(line);
}
