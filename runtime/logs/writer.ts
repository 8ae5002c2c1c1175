/**
 * Appends log lines to `<root>/_hoody/logs/<instance>/` without ever blocking a request: lines
 * wait in memory and are written on a short timer (or at once past a size), one write per file per
 * batch; past a cap of pending bytes new lines are dropped and counted, so a flood cannot exhaust
 * memory. Rotation at `maxFileBytes`, retention at `maxTotalBytes` per instance (the oldest files
 * go first): the contract is docs/logs.md.
 */
import { appendFile, mkdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { dayOf, listLogFiles, logFileName, logFolder, type LogType } from "./files.ts";

export interface LogWriterOptions {
  /** The scripts root: each instance's files go to `logFolder(root, instance)` (files.ts). */
  root: string;
  maxFileBytes: number;
  maxTotalBytes: number;
  /** Lines waiting to be written, all instances together; past it lines are dropped. */
  maxPendingBytes?: number;
  /** How long a line may wait for its write. */
  flushMs?: number;
  /** A write failed, or lines were dropped. */
  warn(message: string): void;
  now?: () => number;
}

export interface LogWriter {
  /**
   * `lines`: one or more lines, each ending in `\n` (format.ts, protocol/log-line.ts): text, or
   * one line that writes itself.
   */
  append(instance: string, kind: LogType, lines: Lines): void;
  /** Writes everything pending; resolves once it is on disk. */
  flush(): Promise<void>;
  /** Lines dropped because too many were pending. */
  readonly dropped: number;
  close(): Promise<void>;
}

/**
 * One line that writes itself into the pending bytes (format.ts, AccessLine): no string is made
 * of it. On Deno the access line as a string (its parts joined, then scanned and encoded whole)
 * cost a worker-mode hello 1.0-1.65 µs of its ~23 (measured by leaving it out); as bytes, ~0.35
 * µs less.
 */
export interface LineBytes {
  /** The most bytes `write` may use. */
  readonly room: number;
  /** Writes the line at `at`, its `\n` included; returns where it ends. */
  write(out: Uint8Array, at: number): number;
}

/** What `append` takes: text, or a line that writes itself. */
export type Lines = string | LineBytes;

interface Current {
  day: string;
  number: number;
  size: number;
}

/**
 * What waits for a file: its lines as UTF-8, in the order they came, each encoded as it comes,
 * while its text is still in the CPU's cache (a batch's text encoded whole at the write, in a
 * fresh buffer, was most of the writer's 5.6% of a logging hello in the Bun server's profile).
 */
interface Pending {
  /** Filled up to `size`. */
  buffer: Uint8Array;
  size: number;
  /** The buffer of the batch written last: written by now, so the next to fill. */
  spare: Uint8Array | null;
}

interface InstanceLog {
  dir: string;
  pending: Record<LogType, Pending>;
  current: Partial<Record<LogType, Current>>;
  /** All its files' bytes, once listed. */
  total: number | null;
}

const SOON_BYTES = 256 * 1024;
const FIRST_BUFFER_BYTES = 16 * 1024;
/** A batch's buffer larger than this (after a burst) is not kept for the next one. */
const KEEP_BUFFER_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

export function createLogWriter(options: LogWriterOptions): LogWriter {
  const maxPending = options.maxPendingBytes ?? 8 * 1024 * 1024;
  const flushMs = options.flushMs ?? 250;
  const now = options.now ?? Date.now;
  const instances = new Map<string, InstanceLog>();
  let pendingBytes = 0;
  let dropped = 0;
  let reported = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The timer set is the immediate one (past SOON_BYTES): later appends leave it be. */
  let timerSoon = false;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  function schedule(soon: boolean): void {
    if (timer !== null && (!soon || timerSoon)) return;
    if (timer !== null) clearTimeout(timer);
    timerSoon = soon;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, soon ? 0 : flushMs);
    (timer as { unref?: () => void }).unref?.();
  }

  function append(instance: string, kind: LogType, lines: Lines): void {
    if (closed) return;
    // Text counts in UTF-16 units here and a LineBytes at its room, close enough for the cap.
    if (pendingBytes + sizeOf(lines) > maxPending) {
      dropped += countLines(lines);
      return;
    }
    let log = instances.get(instance);
    if (!log) {
      log = {
        dir: logFolder(options.root, instance),
        pending: { execution: emptyPending(), access: emptyPending() },
        current: {},
        total: null,
      };
      instances.set(instance, log);
    }
    const added = put(log.pending[kind], lines);
    pendingBytes += added;
    schedule(pendingBytes > SOON_BYTES);
  }

  function flush(): Promise<void> {
    running = running.then(writeAll, writeAll);
    return running;
  }

  async function writeAll(): Promise<void> {
    if (dropped > reported) {
      options.warn(
        `logs: ${dropped - reported} lines dropped (more than ${maxPending} bytes waiting)`,
      );
      reported = dropped;
    }
    for (const log of instances.values()) {
      for (const kind of ["execution", "access"] as const) {
        const pending = log.pending[kind];
        if (pending.size === 0) continue;
        pendingBytes -= pending.size;
        const lines = takeBatch(pending);
        try {
          await writeLines(log, kind, lines);
        } catch (error) {
          options.warn(`logs: writing ${log.dir} failed: ${(error as Error).message}`);
        }
      }
      if (log.total !== null && log.total > options.maxTotalBytes) {
        await prune(log).catch((error) => options.warn(`logs: pruning failed: ${error}`));
      }
    }
  }

  /** Finds the file to append to: today's newest of this kind (a cleared folder starts again). */
  async function currentOf(log: InstanceLog, kind: LogType): Promise<Current> {
    const day = dayOf(now());
    const known = log.current[kind];
    if (known && known.day === day) {
      const size = await stat(join(log.dir, logFileName(kind, day, known.number))).then(
        (s) => s.size,
        () => null,
      );
      if (size !== null) return Object.assign(known, { size });
    }
    await mkdir(log.dir, { recursive: true });
    const files = await listLogFiles(log.dir);
    log.total = files.reduce((sum, f) => sum + f.size, 0);
    const newest = files.filter((f) => f.type === kind && f.date === day).pop();
    const found = newest
      ? { day, number: newest.seq, size: newest.size }
      : { day, number: 1, size: 0 };
    log.current[kind] = found;
    return found;
  }

  async function writeLines(log: InstanceLog, kind: LogType, lines: Uint8Array): Promise<void> {
    const current = await currentOf(log, kind);
    const append = async (bytes: Uint8Array) => {
      await appendFile(join(log.dir, logFileName(kind, current.day, current.number)), bytes);
      current.size += bytes.byteLength;
      log.total = (log.total ?? 0) + bytes.byteLength;
    };
    // Usually the whole batch fits: one append. Near the cap: as many whole lines as fit, then the
    // next file (a line longer than a whole file gets a file of its own).
    let rest = lines;
    while (rest.byteLength > 0) {
      const room = options.maxFileBytes - current.size;
      let end = rest.byteLength <= room
        ? rest.byteLength
        : room > 0
        ? rest.lastIndexOf(NEWLINE, room - 1) + 1
        : 0;
      if (end === 0 && current.size === 0) end = rest.indexOf(NEWLINE) + 1 || rest.byteLength;
      if (end > 0) await append(rest.subarray(0, end));
      rest = rest.subarray(end);
      if (rest.byteLength > 0) {
        current.number += 1;
        current.size = 0;
      }
    }
  }

  /** Deletes the instance's oldest files until its total fits (the files being written stay). */
  async function prune(log: InstanceLog): Promise<void> {
    const files = await listLogFiles(log.dir);
    let total = files.reduce((sum, f) => sum + f.size, 0);
    const open = new Set(
      (["execution", "access"] as const).flatMap((kind) => {
        const c = log.current[kind];
        return c ? [logFileName(kind, c.day, c.number)] : [];
      }),
    );
    for (const file of files) {
      if (total <= options.maxTotalBytes) break;
      if (open.has(file.name)) continue;
      await unlink(join(log.dir, file.name)).catch(() => {});
      total -= file.size;
    }
    log.total = total;
  }

  return {
    append,
    flush,
    get dropped() {
      return dropped;
    },
    async close() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await flush();
      closed = true;
    },
  };
}

function emptyPending(): Pending {
  return { buffer: new Uint8Array(FIRST_BUFFER_BYTES), size: 0, spare: null };
}

function sizeOf(lines: Lines): number {
  return typeof lines === "string" ? lines.length : lines.room;
}

/** Appends `lines` as UTF-8; returns how many bytes that was. */
function put(pending: Pending, lines: Lines): number {
  // Room for the worst case of UTF-8 (3 bytes per UTF-16 unit); encodeInto says what it used.
  const room = typeof lines === "string" ? lines.length * 3 : lines.room;
  if (pending.size + room > pending.buffer.byteLength) {
    const larger = new Uint8Array(Math.max(pending.buffer.byteLength * 2, pending.size + room));
    larger.set(pending.buffer.subarray(0, pending.size));
    pending.buffer = larger;
  }
  let added: number;
  if (typeof lines === "string") {
    added = encoder.encodeInto(lines, pending.buffer.subarray(pending.size)).written;
  } else added = lines.write(pending.buffer, pending.size) - pending.size;
  pending.size += added;
  return added;
}

/**
 * The batch waiting, as a view valid until the next call (its writes are awaited before then);
 * the pending starts again in the previous batch's buffer.
 */
function takeBatch(pending: Pending): Uint8Array {
  const batch = pending.buffer.subarray(0, pending.size);
  const next = pending.spare ?? new Uint8Array(FIRST_BUFFER_BYTES);
  pending.spare = pending.buffer.byteLength <= KEEP_BUFFER_BYTES ? pending.buffer : null;
  pending.buffer = next;
  pending.size = 0;
  return batch;
}

function countLines(lines: Lines): number {
  return typeof lines === "string" ? lines.split("\n").length - 1 : 1;
}
