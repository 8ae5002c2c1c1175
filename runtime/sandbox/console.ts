/**
 * A script's `console`: each call becomes text for the server (which appends it to the log file
 * and prints it), never a write of the Worker's own. Lines wait in an outbox and leave as one
 * `console` message once the code that printed them is done, always before the Worker's next other
 * message (so a reply never overtakes the lines its request printed).
 */
import type { Bytes, ConsoleLevel, FromWorker } from "../protocol/messages.ts";
import type { Channel } from "./channel.ts";

type Inspect = (value: unknown, options?: Record<string, unknown>) => string;

const runtime = globalThis as unknown as {
  Bun?: { inspect: Inspect };
  Deno?: { inspect: Inspect };
};
/** The runtime's own inspect (no node:util import, which costs a serverless Worker's boot). */
const inspectWith: Inspect = runtime.Bun?.inspect ?? runtime.Deno?.inspect ??
  ((value) => String(value));
const INSPECT_OPTIONS = { colors: false, depth: 4, compact: true, breakLength: Infinity };

function inspect(value: unknown): string {
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  try {
    return inspectWith(value, INSPECT_OPTIONS);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function plain(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "undefined":
      return String(value);
    default:
      return inspect(value);
  }
}

/** As Node's util.format: `%s %d %i %f %j %o %O %c %%` in a leading string, the rest joined by spaces. */
export function formatArgs(args: readonly unknown[]): string {
  const first = args[0];
  let rest = 0;
  let head = "";
  if (typeof first === "string") {
    rest = 1;
    head = !first.includes("%")
      ? first
      : first.replace(/%([sdifjoOc%])/g, (whole, spec: string) => {
        if (spec === "%") return "%";
        if (rest >= args.length) return whole;
        const value = args[rest++];
        switch (spec) {
          case "s":
            return typeof value === "string" ? value : inspect(value);
          case "d":
          case "i": {
            if (typeof value === "bigint") return `${value}n`;
            const n = Number(value);
            return String(spec === "i" ? Math.trunc(n) : n);
          }
          case "f":
            return String(parseFloat(String(value)));
          case "j":
            try {
              return JSON.stringify(value) ?? "undefined";
            } catch {
              return "[Circular]";
            }
          case "c":
            return "";
          default:
            return inspect(value);
        }
      });
  }
  const parts = typeof first === "string" ? [head] : [];
  for (let i = rest; i < args.length; i++) parts.push(plain(args[i]));
  return parts.join(" ");
}

export interface ConsoleOutbox {
  /** The channel every other message goes through: it sends pending lines first. */
  channel: Channel;
  /** One line: its log file line (null when `@log-level` drops it), its human log line (null when not echoed). */
  push(line: string | null, human: string | null, level: ConsoleLevel): void;
}

export function createConsoleOutbox(inner: Channel): ConsoleOutbox {
  // The lines not sent yet: the execution log's, and the human log's for stdout and stderr.
  let file = "";
  let out = "";
  let err = "";
  let queued = false;
  const flush = () => {
    if (!queued) return;
    queued = false;
    // The file's lines leave as the message's text body: never escaped into JSON (ConsoleText).
    inner.post({ t: "console", out, err }, file || null);
    file = out = err = "";
  };
  return {
    channel: {
      post(message: FromWorker, body?: Bytes | null) {
        flush();
        inner.post(message, body);
      },
      flush() {
        flush();
        inner.flush();
      },
      drain(then) {
        flush();
        inner.drain(then);
      },
    },
    push(line, human, level) {
      if (line === null && human === null) return;
      if (!queued) {
        // The lines printed in one go leave as one message: before the Worker's next other message
        // (a reply never overtakes its request's lines), or once this run of code is over.
        queued = true;
        queueMicrotask(flush);
      }
      if (line !== null) file += line;
      if (human === null) return;
      if (level === "warn" || level === "error") err += human;
      else out += human;
    },
  };
}

export const CONSOLE_LEVELS: readonly ConsoleLevel[] = ["log", "info", "warn", "error", "debug"];

const SECRET_HEADERS = new Set(["authorization", "x-token", "cookie", "proxy-authorization"]);

/**
 * The credentials a request carries (Authorization, X-Token, Cookie values, the credential after
 * the scheme, each cookie's value, `?token=`): a console line never shows them (`[redacted]`).
 */
export function secretsOf(headers: readonly [string, string][], url: string): string[] {
  const found: string[] = [];
  for (const [name, value] of headers) {
    if (!SECRET_HEADERS.has(name)) continue;
    found.push(value);
    const space = value.indexOf(" ");
    if (space > 0) found.push(value.slice(space + 1).trim());
    if (name === "cookie") {
      for (const pair of value.split(";")) found.push(pair.slice(pair.indexOf("=") + 1).trim());
    }
  }
  if (url.includes("token=")) {
    try {
      for (const value of new URL(url).searchParams.getAll("token")) found.push(value);
    } catch {
      // not a full URL: nothing to take
    }
  }
  // Most requests carry none: no filter and sort to run (a fresh Worker's first call of each
  // costs it ~50 µs: worker-entry.ts, modulesOf).
  if (found.length === 0) return found;
  // Longest first, so a whole value goes before the part of it; tiny values would redact noise.
  return found.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[] | undefined): string {
  if (!secrets) return text;
  for (const secret of secrets) {
    if (text.includes(secret)) text = text.split(secret).join("[redacted]");
  }
  return text;
}
