/**
 * The serverless scripts found heavy (pool.ts, `HEAVY_CPU_MS`), by instance and file rather than
 * content: an edit keeps a script on hosts with a JIT, so its first request after the edit does
 * not compute without one (hot loops ~2.5x slower there, WebAssembly ~30x: enough to cost it its
 * @timeout). Kept in a file too, so a restart does not send it back for a request either. A
 * script is never taken off (one that is heavy only sometimes would go back and forth): one that
 * became light costs only a JIT host's Worker (~0.8 ms of CPU more a request on Bun), and removing
 * the file before a start forgets them all. At most `limit` are remembered; the oldest goes first.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../fs.ts";
import type { Unit } from "../protocol/messages.ts";

export interface HeavyScripts {
  has(unit: Unit): boolean;
  add(unit: Unit): void;
  /** Resolves once what was added is in the file. */
  flush(): Promise<void>;
}

/** `file`: where they are kept across starts (null: for this run only). */
export function createHeavyScripts(file: string | null, limit = 1000): HeavyScripts {
  const keys = new Set<string>(file ? readKeys(file).slice(-limit) : []);
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;

  const save = () => {
    if (!file || dirty) return;
    dirty = true;
    // One write at a time, each with everything added until it starts.
    writing = writing.then(async () => {
      dirty = false;
      // A failed write costs at most one JIT-less request after a restart.
      await writeFileAtomic(file, JSON.stringify([...keys])).catch(() => {});
    });
  };

  return {
    has: (unit) => keys.has(keyOf(unit)),
    add(unit) {
      const key = keyOf(unit);
      if (keys.has(key)) return;
      if (keys.size >= limit) keys.delete(keys.values().next().value!);
      keys.add(key);
      save();
    },
    flush: () => writing,
  };
}

function keyOf(unit: Unit): string {
  return `${unit.instance}:${unit.main.file}`;
}

/** The keys a previous run kept; none from a missing or damaged file. */
function readKeys(file: string): string[] {
  try {
    const value: unknown = JSON.parse(readFileSync(file, "utf8"));
    return Array.isArray(value) ? value.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}
