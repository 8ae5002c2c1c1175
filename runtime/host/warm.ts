/**
 * Serverless Workers already initialised with a hot script, so its next request skips the
 * spawn, the boot and the script's import (the bulk of a serverless request's time). Each Worker
 * still serves one request; a script that has been quiet for `idleMs` gets no more.
 */
export interface WarmSet<W> {
  /** A ready Worker for this script, if one is waiting. */
  take(key: string): W | undefined;
  /** Whether this script should get another ready Worker (it is hot and below its share). */
  wants(key: string): boolean;
  /** Whether this script is being kept warm (it had a request in the last `idleMs`). */
  has(key: string): boolean;
  /** How far apart (ms) its last two requests came (`take` counts them); Infinity after only one. */
  gap(key: string): number;
  /** Starts keeping this script warm (a first request came), before any Worker is ready for it. */
  keep(key: string): void;
  add(key: string, worker: W): void;
  remove(worker: W): void;
  /** Workers of scripts idle for longer than `idleMs`: the caller terminates them. */
  sweep(now: number): W[];
}

export interface WarmOptions {
  perScript: number;
  total: number;
  idleMs: number;
}

export function createWarmSet<W>(options: WarmOptions): WarmSet<W> {
  const ready = new Map<string, W[]>();
  const lastUsed = new Map<string, number>();
  const gaps = new Map<string, number>();
  let count = 0;

  return {
    take(key) {
      const now = Date.now();
      const last = lastUsed.get(key);
      gaps.set(key, last === undefined ? Infinity : now - last);
      lastUsed.set(key, now);
      const worker = ready.get(key)?.shift();
      if (worker !== undefined) count -= 1;
      return worker;
    },
    wants(key) {
      return options.perScript > 0 && count < options.total &&
        (ready.get(key)?.length ?? 0) < options.perScript;
    },
    has(key) {
      return ready.has(key);
    },
    gap: (key) => gaps.get(key) ?? Infinity,
    keep(key) {
      if (!ready.has(key)) ready.set(key, []);
      lastUsed.set(key, Date.now());
    },
    add(key, worker) {
      const list = ready.get(key) ?? [];
      list.push(worker);
      ready.set(key, list);
      count += 1;
    },
    remove(worker) {
      for (const list of ready.values()) {
        const index = list.indexOf(worker);
        if (index >= 0) {
          list.splice(index, 1);
          count -= 1;
        }
      }
    },
    sweep(now) {
      const expired: W[] = [];
      for (const [key, used] of lastUsed) {
        if (now - used <= options.idleMs) continue;
        expired.push(...(ready.get(key) ?? []));
        count -= ready.get(key)?.length ?? 0;
        ready.delete(key);
        lastUsed.delete(key);
        gaps.delete(key);
      }
      return expired;
    },
  };
}
