/**
 * What the scheduler needs of a script file: its `@schedule` (or why the directive was refused)
 * and `@timeout`, read from disk and remembered while the file's size and times stay the same, so
 * looking at an instance again after a change re-reads only the files that changed.
 */
import { readFile, stat } from "node:fs/promises";

/**
 * The directive parser (zod, the directive table), loaded at the first file this reads, once for
 * every file after: the scheduler loads at start, the parser only once a script needs it
 * (directives/store.ts).
 */
let parser: Promise<typeof import("../directives/parse.ts")> | null = null;

export interface ScheduleHeader {
  /** The normalised expression, or null when the file declares none (or an invalid one). */
  schedule: string | null;
  /** Why a written `@schedule` was refused, else null. */
  refusal: string | null;
  timeoutMs: number;
}

export interface HeaderCache {
  /** The file's header, or null when the file is gone. */
  read(path: string): Promise<ScheduleHeader | null>;
}

export function createHeaderCache(): HeaderCache {
  const known = new Map<string, { stamp: string; header: ScheduleHeader }>();
  return {
    async read(path) {
      const stats = await stat(path).catch(() => null);
      if (!stats?.isFile()) {
        known.delete(path);
        return null;
      }
      const stamp = `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
      const cached = known.get(path);
      if (cached?.stamp === stamp) return cached.header;
      const source = await readFile(path, "utf8").catch(() => null);
      if (source === null) return null;
      const { parseDirectives } = await (parser ??= import("../directives/parse.ts"));
      const { directives, warnings } = parseDirectives(source);
      const refused = warnings.find((w) => w.directive === "@schedule");
      const header = {
        schedule: directives.schedule,
        refusal: refused ? refused.message : null,
        timeoutMs: directives.timeout,
      };
      known.set(path, { stamp, header });
      return header;
    },
  };
}
