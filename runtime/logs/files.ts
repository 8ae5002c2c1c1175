/**
 * The log files' names and where they live (the contract the writer and the log API share):
 * `<scripts root>/_hoody/logs/<execId>/exec-YYYY-MM-DD-NNN.log` (console lines) and
 * `access-YYYY-MM-DD-NNN.log` (one line per request); NNN grows with size rotation, so the newest
 * file of a kind is the latest date, then the highest number.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { ServerError } from "../errors.ts";

export type LogType = "execution" | "access";
export const LOG_TYPES: readonly LogType[] = ["execution", "access"];

const PREFIX: Record<LogType, string> = { execution: "exec", access: "access" };
const NAME = /^(exec|access)-(\d{4}-\d{2}-\d{2})-(\d{3,})\.log$/;

/** The folder of an instance's log files. */
export function logFolder(root: string, execId: string): string {
  return join(root, "_hoody", "logs", execId);
}

/** The UTC day of an epoch ms, `YYYY-MM-DD`: the day in a log file's name. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `exec-2026-12-03-001.log`: `date` is the UTC day (YYYY-MM-DD), `seq` counts from 1. */
export function logFileName(type: LogType, date: string, seq: number): string {
  return `${PREFIX[type]}-${date}-${String(seq).padStart(3, "0")}.log`;
}

export interface LogName {
  type: LogType;
  date: string;
  seq: number;
}

/** A log file's name taken apart, or null for anything else in the folder. */
export function parseLogName(name: string): LogName | null {
  const match = NAME.exec(name);
  if (!match) return null;
  return {
    type: match[1] === "exec" ? "execution" : "access",
    date: match[2]!,
    seq: Number(match[3]),
  };
}

export interface LogFile extends LogName {
  name: string;
  path: string;
  size: number;
  modified: Date;
}

/** Oldest first: by date, then by number (types interleave by date; access before execution). */
export function compareLogFiles(a: LogName, b: LogName): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.type === b.type ? 0 : a.type === "access" ? -1 : 1;
}

/** The instance's log files, oldest first; none when the folder does not exist yet. */
export async function listLogFiles(folder: string, type?: LogType): Promise<LogFile[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const files: LogFile[] = [];
  for (const name of names) {
    const parsed = parseLogName(name);
    if (!parsed || (type && parsed.type !== type)) continue;
    const path = join(folder, name);
    try {
      const info = await stat(path);
      if (info.isFile()) {
        files.push({ ...parsed, name, path, size: info.size, modified: info.mtime });
      }
    } catch {
      // Deleted by rotation between readdir and stat.
    }
  }
  return files.sort(compareLogFiles);
}

/**
 * A file a client named, only ever matched against the folder's listing: anything not shaped as a
 * log file name (a slash, `..`, another folder) is refused (400), one not in the listing is 404.
 */
export async function findLogFile(folder: string, name: string): Promise<LogFile> {
  if (!parseLogName(name)) {
    throw new ServerError(
      "BAD_PATH",
      `"${name.slice(0, 256)}" is not a log file name: give a name from logs/list ` +
        "(e.g. exec-2026-12-03-001.log), without a folder",
      { details: { field: "file" } },
    );
  }
  const file = (await listLogFiles(folder)).find((f) => f.name === name);
  if (!file) {
    throw new ServerError(
      "NOT_FOUND",
      `No log file "${name.slice(0, 256)}" in this instance: logs/list names them`,
    );
  }
  return file;
}
