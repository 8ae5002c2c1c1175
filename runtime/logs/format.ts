/**
 * The access log's line, as the log file contract (docs/logs.md) fixes it (a console line is made
 * in the Worker: runtime/protocol/log-line.ts):
 *   2026-12-03T09:00:00.000Z [ACCESS] [hello.ts 3f2a9c1e-…] GET /hello 200 1.4ms 127.0.0.1
 */
import { escapeLogText, isoTime } from "../protocol/log-line.ts";
import type { LineBytes } from "./writer.ts";

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

/** The most bytes a UTF-16 unit of a line's part takes once escaped and encoded (`\u001f`). */
const MAX_BYTES_PER_UNIT = 6;
/** The ISO time, the tags and the separators of an access line (60), rounded up. */
const FIXED_BYTES = 64;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

/**
 * One access line, written straight into the log writer's pending bytes (writer.ts, LineBytes).
 * `headerNames`: with `@log-level verbose|debug`, the request's header names (never their values);
 * `body`: with `@log-request-body true`, the body as text, truncated here. Every part is escaped
 * as it is written (escapeLogText): nothing from a request can end or forge a line.
 */
export class AccessLine implements LineBytes {
  readonly room: number;
  readonly #status: string;
  readonly #duration: string;
  readonly #headers: string | null;
  readonly #body: string | null;

  constructor(
    readonly fields: AccessFields,
    headerNames: readonly string[] | null = null,
    body: string | null = null,
  ) {
    const f = fields;
    this.#duration = tenths(f.durationMs);
    this.#headers = headerNames && headerNames.length > 0 ? headerNames.join(",") : null;
    this.#status = String(f.status);
    this.#body = body === null ? null : body.slice(0, BODY_LIMIT);
    const units = (f.script ?? "-").length + (f.executionId ?? "-").length + f.method.length +
      f.path.length + this.#status.length + this.#duration.length + (f.clientIp || "-").length +
      (this.#headers?.length ?? 0) + (this.#body?.length ?? 0);
    this.room = FIXED_BYTES + MAX_BYTES_PER_UNIT * units;
  }

  write(out: Uint8Array, at: number): number {
    const f = this.fields;
    at = put(out, at, isoTime(f.startedAt));
    at = put(out, at, " [ACCESS] [");
    at = put(out, at, f.script ?? "-");
    out[at++] = SPACE;
    at = put(out, at, f.executionId ?? "-");
    at = put(out, at, "] ");
    at = put(out, at, f.method);
    out[at++] = SPACE;
    at = put(out, at, f.path);
    out[at++] = SPACE;
    at = put(out, at, this.#status);
    out[at++] = SPACE;
    at = put(out, at, this.#duration);
    at = put(out, at, "ms ");
    at = put(out, at, f.clientIp || "-");
    if (this.#headers !== null) at = put(out, put(out, at, " headers="), this.#headers);
    if (this.#body !== null) at = put(out, put(out, at, " body="), this.#body);
    out[at++] = NEWLINE;
    return at;
  }
}

/**
 * `text` at `at`, escaped (escapeLogText), as UTF-8; returns where it ends. Printable ASCII byte
 * by byte; from the first other character on, the rest is escaped and encoded whole.
 */
function put(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code >= 0x7f) {
      return at + encoder.encodeInto(escapeLogText(text.slice(i)), out.subarray(at)).written;
    }
    out[at++] = code;
  }
  return at;
}
