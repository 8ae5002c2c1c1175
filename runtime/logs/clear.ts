/**
 * `logs/clear`: deletes an instance's log files: one (`file`), one kind (`type`), those last
 * written more than `olderThanDays` days ago, or all of them. The caller checks `confirm=true`.
 */
import { rm } from "node:fs/promises";
import { findLogFile, listLogFiles, type LogFile, type LogType } from "./files.ts";

export interface ClearOptions {
  file?: string;
  type?: LogType;
  olderThanDays?: number;
}

export interface ClearResult {
  deleted: number;
  totalSize: number;
  message: string;
  files: string[];
}

const DAY_MS = 86_400_000;

export async function clearLogs(
  folder: string,
  options: ClearOptions,
  now = Date.now(),
): Promise<ClearResult> {
  let files: LogFile[] = options.file !== undefined
    ? [await findLogFile(folder, options.file)]
    : await listLogFiles(folder);
  if (options.type) files = files.filter((f) => f.type === options.type);
  if (options.olderThanDays !== undefined) {
    const before = now - options.olderThanDays * DAY_MS;
    files = files.filter((f) => f.modified.getTime() < before);
  }
  const removed: LogFile[] = [];
  for (const file of files) {
    try {
      await rm(file.path);
      removed.push(file);
    } catch {
      // Already gone (the writer's own retention).
    }
  }
  const totalSize = removed.reduce((sum, f) => sum + f.size, 0);
  return {
    deleted: removed.length,
    totalSize,
    message: `Deleted ${removed.length} log file${
      removed.length === 1 ? "" : "s"
    } (${totalSize} bytes)`,
    files: removed.map((f) => f.name),
  };
}
