/**
 * Every fire, one JSON line each, in `DIR/_hoody/schedules/fires.log`: appended in order, rotated
 * past a size (`fires.log.1` is the newest rotated file, `fires.log.<keep>` the oldest; older ones
 * are deleted), so the history is bounded and survives restarts. Read newest first, with filters.
 */
import { appendFile, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

export const FIRE_STATUSES = [
  "ok",
  "error",
  "timeout",
  "disabled",
  "load_error",
  "incompatible",
  "skipped_overload",
] as const;
export type FireStatus = typeof FIRE_STATUSES[number];

/** One fire, as `schedules/history` answers it. */
export interface FireRecord {
  /** When the fire started (ISO 8601, UTC). */
  ts: string;
  /** `{execId}/{file}`, relative to the scripts root. */
  scriptPath: string;
  expression: string;
  /** The fire's id: also the executionId of its log lines. */
  runId: string;
  status: FireStatus;
  durationMs: number;
  returnPreview?: string;
  error?: string;
}

export interface HistoryFilter {
  scriptPath?: string;
  /** Epoch ms: only fires that started at or after it. */
  since?: number;
  limit: number;
  includeRotated: boolean;
}

export interface FireHistory {
  append(record: FireRecord): Promise<void>;
  /** Matching fires, newest first: `total` matched, `entries` the first `limit` of them. */
  read(filter: HistoryFilter): Promise<{ total: number; entries: FireRecord[] }>;
  /** Every appended record has reached the file. */
  flush(): Promise<void>;
}

export interface HistoryOptions {
  dir: string;
  maxFileBytes: number;
  /** Rotated files kept beside the current one. */
  keep: number;
  warn(line: string): void;
}

export const HISTORY_FILE = "fires.log";

export function createFireHistory(options: HistoryOptions): FireHistory {
  const current = join(options.dir, HISTORY_FILE);
  let size: number | null = null;
  // One write at a time, in order: appends and rotations never interleave.
  let queue: Promise<void> = Promise.resolve();

  async function write(line: string): Promise<void> {
    if (size === null) {
      await mkdir(options.dir, { recursive: true });
      size = await stat(current).then((s) => s.size, () => 0);
    }
    const bytes = new TextEncoder().encode(line).length;
    if (size > 0 && size + bytes > options.maxFileBytes) {
      await rotate();
      size = 0;
    }
    await appendFile(current, line);
    size += bytes;
  }

  async function rotate(): Promise<void> {
    await rm(`${current}.${options.keep}`, { force: true });
    for (let n = options.keep - 1; n >= 1; n--) {
      await rename(`${current}.${n}`, `${current}.${n + 1}`).catch(() => {});
    }
    await rename(current, `${current}.1`);
  }

  return {
    append(record) {
      const line = JSON.stringify(record) + "\n";
      queue = queue.then(() => write(line)).catch((error: Error) => {
        options.warn(`schedules: could not write ${current}: ${error.message}`);
      });
      return queue;
    },
    flush: () => queue,
    async read(filter) {
      await queue;
      const files = [current];
      if (filter.includeRotated) {
        for (let n = 1; n <= options.keep; n++) files.push(`${current}.${n}`);
      }
      const matched: FireRecord[] = [];
      // Newest file first, and within a file the last line first.
      for (const file of files) {
        const text = await readFile(file, "utf8").catch(() => "");
        const lines = text.split("\n");
        for (let i = lines.length - 1; i >= 0; i--) {
          const record = parseRecord(lines[i]!);
          if (record && matches(record, filter)) matched.push(record);
        }
      }
      // By start time: a long fire is written after shorter ones that started later.
      matched.sort((a, b) => b.ts.localeCompare(a.ts));
      return { total: matched.length, entries: matched.slice(0, filter.limit) };
    },
  };
}

function matches(record: FireRecord, filter: HistoryFilter): boolean {
  if (filter.scriptPath !== undefined && record.scriptPath !== filter.scriptPath) return false;
  return filter.since === undefined || Date.parse(record.ts) >= filter.since;
}

/** A line of the file, or null for an empty or damaged one (a crash mid-write). */
export function parseRecord(line: string): FireRecord | null {
  if (line.trim() === "") return null;
  try {
    const value = JSON.parse(line) as Partial<FireRecord>;
    const ok = typeof value.ts === "string" && typeof value.scriptPath === "string" &&
      typeof value.runId === "string" && FIRE_STATUSES.includes(value.status as FireStatus);
    return ok ? value as FireRecord : null;
  } catch {
    return null;
  }
}
