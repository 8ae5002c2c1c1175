/**
 * The access log's line, as the log file contract (docs/logs.md) fixes it (a console line is made
 * in the Worker: runtime/protocol/log-line.ts):
 *   2026-12-03T09:00:00.000Z [ACCESS] [hello.ts 3f2a9c1e-…] GET /hello 200 1.4ms 127.0.0.1
 */
import { escapeLogText, isoTime } from "../protocol/log-line.ts";

/** The most of a request body an access line holds (`body=`), in UTF-16 units of its text. */
export const BODY_LIMIT = 4096;

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
}

/**
 * A duration to the tenth, written as `toFixed(1)` writes it (`1.4`, `12.0`; a value that falls
 * just short of a half may round up where `toFixed` rounds down), in integer steps: on Bun,
 * `toFixed` was a sixth of the access line's cost.
 */
export function tenths(ms: number): string {
  if (!(ms >= 0 && ms < 1e8)) return ms.toFixed(1);
  const n = Math.round(ms * 10);
  return `${Math.floor(n / 10)}.${n % 10}`;
}

/**
 * `headerNames`: with `@log-level verbose|debug`, the request's header names (never their values);
 * `body`: with `@log-request-body true`, the body as text, truncated here. The line is escaped
 * whole, once (its own parts hold nothing to escape): one scan instead of one per field.
 */
export function accessLine(
  f: AccessFields,
  headerNames: readonly string[] | null = null,
  body: string | null = null,
): string {
  let line = `${isoTime(f.startedAt)} [ACCESS] [${f.script ?? "-"} ${
    f.executionId ?? "-"
  }] ${f.method} ${f.path} ${f.status} ${tenths(f.durationMs)}ms ${f.clientIp || "-"}`;
  if (headerNames && headerNames.length > 0) line += ` headers=${headerNames.join(",")}`;
  if (body !== null) line += ` body=${body.slice(0, BODY_LIMIT)}`;
  return escapeLogText(line) + "\n";
}
