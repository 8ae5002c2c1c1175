/**
 * One log line taken apart (`2026-12-03T09:00:00.000Z [INFO] [api/users/[id].ts 3f2a…] message`):
 * its level and the bracket's script and executionId, read before the message so that nothing a
 * script printed can pass for another request's line.
 */
import { readFile } from "node:fs/promises";

const HEAD = /^\S+ \[([A-Z]+)\] \[/;

export interface LineHead {
  level: string;
  script: string;
  executionId: string;
}

/**
 * The bracket ends at the first `]` that is followed by a space or the end of the line and holds
 * a space (script paths such as `[id].ts` hold a `]` followed by other characters).
 */
export function parseLine(line: string): LineHead | null {
  const head = HEAD.exec(line);
  if (!head) return null;
  const start = head[0].length;
  for (let i = line.indexOf("]", start); i !== -1; i = line.indexOf("]", i + 1)) {
    if (i + 1 < line.length && line[i + 1] !== " ") continue;
    const inside = line.slice(start, i);
    const space = inside.lastIndexOf(" ");
    if (space === -1) continue;
    return {
      level: head[1]!,
      script: inside.slice(0, space),
      executionId: inside.slice(space + 1),
    };
  }
  return null;
}

/** The complete lines of a text: a last line without its `\n` is still being written. */
export function completeLines(text: string): string[] {
  const end = text.lastIndexOf("\n");
  if (end === -1) return [];
  return text.slice(0, end).split("\n");
}

/** A file's complete lines; none if rotation deleted it meanwhile. */
export async function readCompleteLines(path: string): Promise<string[]> {
  try {
    return completeLines(await readFile(path, "utf8"));
  } catch {
    return [];
  }
}
