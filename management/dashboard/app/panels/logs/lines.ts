/**
 * One log line taken apart for the logs panel, as docs/logs.md fixes its shape:
 *   2026-12-03T09:00:00.000Z [INFO] [api/users/[id].ts 3f2a9c1e-…] the message
 *   2026-12-03T09:00:00.000Z [ACCESS] [hello.ts 3f2a9c1e-…] GET /hello 200 1.4ms 127.0.0.1
 * and the filters the panel applies to those parts. The bracket is read the way the server reads it
 * (runtime/logs/lines.ts), so nothing a script printed can pass for another request's line.
 */

export interface LogLine {
  /** The whole line, as the file holds it (control characters already escaped by the server). */
  raw: string;
  time: string;
  level: string;
  script: string;
  executionId: string;
  text: string;
}

/** What an access line's text says about its request. */
export interface AccessFields {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  client: string;
  /** `headers=…` and `body=…`, when the script's `@log-level` adds them. */
  extra: string;
}

export const LEVELS = ["DEBUG", "LOG", "INFO", "WARN", "ERROR"] as const;
export type LogType = "execution" | "access";

const HEAD = /^(\S+) \[([A-Z]+)\] \[/;

/** The line's parts; a line not shaped as a log line is kept whole as its text. */
export function parseLine(raw: string): LogLine {
  const head = HEAD.exec(raw);
  if (head) {
    const start = head[0].length;
    for (let i = raw.indexOf("]", start); i !== -1; i = raw.indexOf("]", i + 1)) {
      if (i + 1 < raw.length && raw[i + 1] !== " ") continue;
      const inside = raw.slice(start, i);
      const space = inside.lastIndexOf(" ");
      if (space === -1) continue;
      return {
        raw,
        time: head[1]!,
        level: head[2]!,
        script: inside.slice(0, space),
        executionId: inside.slice(space + 1),
        text: raw.slice(i + 2),
      };
    }
  }
  return { raw, time: "", level: "", script: "", executionId: "-", text: raw };
}

const ACCESS = /^(\S+) (\S+) (\d{3}) (\d+(?:\.\d+)?)ms (\S+)(?: (.*))?$/;

/** An access line's request, or null when its text is not shaped as one. */
export function accessFields(line: LogLine): AccessFields | null {
  const match = ACCESS.exec(line.text);
  if (!match) return null;
  return {
    method: match[1]!,
    path: match[2]!,
    status: Number(match[3]),
    durationMs: Number(match[4]),
    client: match[5]!,
    extra: match[6] ?? "",
  };
}

/** The live view's filters: each empty one lets every line through. */
export interface Filters {
  script: string;
  /** A level (execution) or a status class such as `4xx` (access); "" for all. */
  level: string;
  executionId: string;
  text: string;
  /** With "Regex" ticked, the text as a pattern (null when the text is not a valid one). */
  pattern?: RegExp | null;
}

function textMatches(line: LogLine, filters: Filters): boolean {
  if (filters.pattern === undefined) {
    return filters.text === "" || line.raw.toLowerCase().includes(filters.text.toLowerCase());
  }
  return filters.pattern !== null && filters.pattern.test(line.raw);
}

function levelMatches(line: LogLine, level: string): boolean {
  if (level === "") return true;
  if (/^[1-5]xx$/.test(level)) {
    const status = accessFields(line)?.status;
    return status !== undefined && String(status)[0] === level[0];
  }
  return line.level === level;
}

export function matches(line: LogLine, filters: Filters): boolean {
  const has = (value: string, part: string) =>
    part === "" || value.toLowerCase().includes(part.toLowerCase());
  return levelMatches(line, filters.level) &&
    has(line.script, filters.script) &&
    has(line.executionId, filters.executionId) &&
    textMatches(line, filters);
}

/** `09:00:00.000` of an ISO time (the date is in the row's title). */
export function clockOf(time: string): string {
  const match = /T(\d\d:\d\d:\d\d(?:\.\d+)?)/.exec(time);
  return match ? match[1]! : time;
}
