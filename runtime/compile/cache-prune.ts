/**
 * `_hoody/cache` would otherwise only grow: every edit of a script leaves its old module and
 * record, every new sandbox (a runtime upgrade) its old bundle. An entry read from the cache is
 * marked as used (its files' mtime set to now, at most once a day); a server's start removes the
 * entries no server has used for `CACHE_KEEP_MS`. An entry is the files that share a name up to
 * the first dot: `<hash>.mjs` and `<hash>.json`; `bundle-<hash>.mjs` with its parts and Bun's
 * bytecode of it. The compiler removes only what it does not hold itself (compiler.ts, `prune`).
 */
import { readdir, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";

/** How long an entry may go unused before a start removes it. */
export const CACHE_KEEP_MS = 30 * 24 * 60 * 60_000;
/** An entry used is marked so at most this often (one `utimes` a day, not one per read). */
const MARK_AFTER_MS = 24 * 60 * 60_000;

/** Marks the file read from the cache as used, when its mark is older than a day. */
export function markUsed(path: string, mtimeMs: number, now = Date.now()): void {
  if (now - mtimeMs < MARK_AFTER_MS) return;
  const at = new Date(now);
  // A mark that fails costs at most a compile later: nothing waits for it.
  utimes(path, at, at).catch(() => {});
}

/** The entry a cache file belongs to: its name up to the first dot (a temp file is its own). */
export function entryOf(name: string): string {
  const dot = name.indexOf(".", 1);
  return name.startsWith(".") || dot < 0 ? name : name.slice(0, dot);
}

export interface PruneOptions {
  /** Entries whose newest file is older than this go. */
  keepMs: number;
  /** Asked just before an entry goes: true keeps it (it is in use now). */
  inUse(entry: string): boolean;
  now?: number;
}

/**
 * Removes the unused entries of `dir` and of its folders one level down (the directive store's),
 * leaving any other folder alone. Resolves to how many files went; never rejects: a file that
 * cannot be read or removed stays.
 */
export async function pruneCache(dir: string, options: PruneOptions): Promise<number> {
  const oldest = (options.now ?? Date.now()) - options.keepMs;
  let removed = 0;
  const prune = async (folder: string, depth: number) => {
    const names = await readdir(folder).catch(() => [] as string[]);
    const entries = new Map<string, { files: string[]; newest: number }>();
    for (const name of names) {
      const path = join(folder, name);
      const info = await stat(path).catch(() => null);
      if (!info) continue;
      if (info.isDirectory()) {
        if (depth === 0) await prune(path, 1);
        continue;
      }
      const key = entryOf(name);
      const entry = entries.get(key) ?? { files: [], newest: 0 };
      entry.files.push(path);
      entry.newest = Math.max(entry.newest, info.mtimeMs);
      entries.set(key, entry);
    }
    for (const [key, { files, newest }] of entries) {
      if (newest >= oldest || options.inUse(key)) continue;
      for (const file of files) {
        if (await rm(file).then(() => true, () => false)) removed += 1;
      }
    }
  };
  await prune(dir, 0);
  return removed;
}
