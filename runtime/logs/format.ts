/**
 * The text of one log line, as the log file contract (docs/logs.md) fixes it:
 *   2026-12-03T09:00:00.000Z [INFO] [api/users/[id].ts 3f2a9c1e-…] the message
 *   2026-12-03T09:00:00.000Z [ACCESS] [hello.ts 3f2a9c1e-…] GET /hello 200 1.4ms 127.0.0.1
 */
import type { ConsoleLevel } from "../protocol/messages.ts";

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
function isoTime(ms: number): string {
  if (ms !== stampedAt) {
    stampedAt = ms;
    stamp = new Date(ms).toISOString();
  }
  return stamp;
}

/** The most of a request body an access line holds (`body=`), in UTF-16 units of its text. */
export const BODY_LIMIT = 4096;

export function execLine(
  at: number,
  level: ConsoleLevel,
  script: string,
  executionId: string | null,
  text: string,
): string {
  return `${isoTime(at)} [${level.toUpperCase()}] [${escapeLogText(script)} ${
    executionId ?? "-"
  }] ${escapeLogText(text)}\n`;
}

export interface AccessFields {
  startedAt: number;
  script: string | null;
  executionId: string | null;
  method: string;
  /** Without its query string (a `?token=` never reaches a file). */
  path: string;
  status: number;
  durationMs: number;
  clientIp: string;
  /** `@log-level verbose|debug`: the request's header names (never their values). */
  headerNames?: readonly string[] | null;
  /** `@log-request-body true`: the body as text, truncated here. */
  body?: string | null;
}

export function accessLine(f: AccessFields): string {
  let line = `${isoTime(f.startedAt)} [ACCESS] [${escapeLogText(f.script ?? "-")} ${
    f.executionId ?? "-"
  }] ${escapeLogText(f.method)} ${escapeLogText(f.path)} ${f.status} ${f.durationMs.toFixed(1)}ms ${
    escapeLogText(f.clientIp || "-")
  }`;
  if (f.headerNames && f.headerNames.length > 0) {
    line += ` headers=${escapeLogText(f.headerNames.join(","))}`;
  }
  if (f.body !== null && f.body !== undefined) {
    line += ` body=${escapeLogText(f.body.slice(0, BODY_LIMIT))}`;
  }
  return line + "\n";
}

/** UTF-8 length of a string without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 2; // a pair: 4 bytes for 2 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}
