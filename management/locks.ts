/**
 * Per-path serialised file changes: two writes, a move and a write, never interleave on one path.
 * The write itself is runtime/fs.ts writeFileAtomic.
 */

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
