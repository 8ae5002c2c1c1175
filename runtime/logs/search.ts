/**
 * `logs/search`: a text or a regular expression over some or all of an instance's log files.
 *
 * A regex runs on RE2JS (the JavaScript port of RE2), whose matching time is linear in the line's
 * length whatever the pattern: `(a+)+$` on a long line costs what `a+$` does, so no pattern can
 * hang the server, on Bun and on Deno alike, with no thread or deadline to manage. What RE2 does
 * not have (backreferences, lookaround) is refused with a 400 saying so.
 */
import { RE2JS } from "re2js";
import { validationError } from "../errors.ts";
import { findLogFile, listLogFiles, type LogFile } from "./files.ts";
import { readCompleteLines } from "./lines.ts";

export const MAX_PATTERN = 1000;

export interface SearchOptions {
  query?: string;
  regex?: string;
  files?: string[];
  limit: number;
  caseSensitive: boolean;
}

export interface SearchMatch {
  file: string;
  /** 1-based line number in its file. */
  line: number;
  content: string;
}

export interface SearchResult {
  query: string;
  searchType: "text" | "regex";
  filesSearched: number;
  matchesFound: number;
  /** More lines matched than `limit` allowed to return. */
  truncated: boolean;
  results: SearchMatch[];
}

/** The pattern as a line test, compiled by the linear-time engine. */
export function lineMatcher(options: SearchOptions): (line: string) => boolean {
  if (options.regex !== undefined) {
    if (options.regex.length > MAX_PATTERN) {
      throw validationError("regex", `regex is longer than ${MAX_PATTERN} characters`);
    }
    let re: RE2JS;
    try {
      re = RE2JS.compile(options.regex, options.caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw validationError(
        "regex",
        `Invalid regex (RE2 syntax; no backreferences or lookaround): ${why}`,
      );
    }
    return (line) => re.test(line);
  }
  const query = options.query;
  if (query === undefined || query === "") {
    throw validationError("query", "query or regex is required");
  }
  if (options.caseSensitive) return (line) => line.includes(query);
  const lower = query.toLowerCase();
  return (line) => line.toLowerCase().includes(lower);
}

export async function searchLogs(folder: string, options: SearchOptions): Promise<SearchResult> {
  const matches = lineMatcher(options);
  let files: LogFile[];
  if (options.files && options.files.length > 0) {
    files = [];
    for (const name of options.files) files.push(await findLogFile(folder, name));
  } else {
    files = await listLogFiles(folder);
  }
  const results: SearchMatch[] = [];
  let found = 0;
  // Newest files first: a search is mostly about what just happened.
  for (const file of files.reverse()) {
    const lines = await readCompleteLines(file.path);
    for (let i = 0; i < lines.length; i++) {
      if (!matches(lines[i]!)) continue;
      found++;
      if (results.length < options.limit) {
        results.push({ file: file.name, line: i + 1, content: lines[i]! });
      }
    }
  }
  return {
    query: options.regex ?? options.query ?? "",
    searchType: options.regex !== undefined ? "regex" : "text",
    filesSearched: files.length,
    matchesFound: found,
    truncated: found > results.length,
    results,
  };
}
