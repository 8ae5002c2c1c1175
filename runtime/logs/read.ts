/**
 * `logs/read`: one file's lines, or every line one request printed (by executionId, across the
 * instance's execution logs, oldest first; none is not an error), filtered by a text and cut to the first or last N.
 */
import { validationError } from "../errors.ts";
import { findLogFile, listLogFiles, type LogFile } from "./files.ts";
import { parseLine, readCompleteLines } from "./lines.ts";

export interface ReadOptions {
  file?: string;
  executionId?: string;
  lines: number;
  tail: boolean;
  search?: string;
}

export interface ReadResult {
  file: string;
  /** The files the lines came from (by executionId: those holding the request's lines). */
  files: string[];
  totalLines: number;
  filteredLines: number;
  returnedLines: number;
  lines: string[];
  size: number;
  modified: string | null;
}

export async function readLog(folder: string, options: ReadOptions): Promise<ReadResult> {
  let files: LogFile[];
  let all: string[] = [];
  if (options.file !== undefined) {
    files = [await findLogFile(folder, options.file)];
    all = await readCompleteLines(files[0]!.path);
  } else if (options.executionId !== undefined) {
    const id = options.executionId;
    files = [];
    for (const file of await listLogFiles(folder, "execution")) {
      const mine = (await readCompleteLines(file.path)).filter((line) =>
        parseLine(line)?.executionId === id
      );
      if (mine.length === 0) continue;
      files.push(file);
      all.push(...mine);
    }
  } else {
    throw validationError("file", "file or executionId is required");
  }
  const needle = options.search?.toLowerCase();
  const filtered = needle ? all.filter((line) => line.toLowerCase().includes(needle)) : all;
  const lines = options.tail
    ? filtered.slice(Math.max(0, filtered.length - options.lines))
    : filtered.slice(0, options.lines);
  const newest = files.at(-1);
  return {
    // By executionId with no line yet: no file (the request printed nothing, or not yet).
    file: newest?.name ?? "",
    files: files.map((f) => f.name),
    totalLines: all.length,
    filteredLines: filtered.length,
    returnedLines: lines.length,
    lines,
    size: files.reduce((sum, f) => sum + f.size, 0),
    modified: newest?.modified.toISOString() ?? null,
  };
}
