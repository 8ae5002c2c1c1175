/** Atomic, per-path serialised file changes (SPEC D15, RELIABILITY §4 "Files"). */
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { randomHex } from "../runtime/hex.ts";

const locks = new Map<string, Promise<unknown>>();

/** Runs `task` once every earlier task holding any of `paths` has finished. */
export async function withLock<T>(paths: string[], task: () => Promise<T>): Promise<T> {
  const keys = [...new Set(paths)].sort();
  const before = keys.map((key) => locks.get(key) ?? Promise.resolve());
  const run = Promise.allSettled(before).then(task);
  const settled = run.catch(() => undefined);
  for (const key of keys) locks.set(key, settled);
  try {
    return await run;
  } finally {
    for (const key of keys) if (locks.get(key) === settled) locks.delete(key);
  }
}

/**
 * Temp file in the same folder (dot-named, so never a route and ignored by the watcher), fsync,
 * rename over the target: a reader sees the old file or the new one, never half of one.
 */
export async function writeAtomic(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomHex(6)}.tmp`);
  const handle = await open(temp, "wx", 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
