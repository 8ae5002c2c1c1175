import type { SharedPatch } from "../protocol/messages.ts";
import { applyOps } from "../protocol/shared-ops.ts";

/**
 * Each instance's `shared`, owned by the server so it outlives every Worker (docs/architecture.md,
 * State). Workers send patches; the server applies them in arrival order, which is the order all
 * replicas follow. With `--state kv` the same store also keeps them on disk (runtime/state/).
 */
export interface SharedStore {
  get(instance: string): Record<string, unknown>;
  apply(patch: SharedPatch): void;
  /** Instances that have a state (possibly empty). */
  list(): string[];
  /** Where `shared` is kept and, when on disk, how far the disk is behind (monitor/stats). */
  status(): SharedStoreStatus;
  /** Writes what is still pending and lets the store go (the server stops). */
  close(): Promise<void>;
}

export type SharedStoreStatus =
  | { mode: "memory" }
  | {
    mode: "kv";
    /** The KV database file. */
    path: string;
    /** Batches written since start. */
    commits: number;
    /** Top-level keys changed in memory and not yet on disk (writing or waiting). */
    pendingKeys: number;
    /** When the last batch reached the disk (ms since the epoch), null before the first. */
    lastCommitAt: number | null;
    /** The last write failure, null once a batch succeeds again. */
    lastError: string | null;
  };

/** The in-memory store, starting from `initial` (what a durable store loaded). */
export function createSharedStore(
  initial: Map<string, Record<string, unknown>> = new Map(),
): SharedStore {
  const states = initial;
  const get = (instance: string) => {
    let state = states.get(instance);
    if (!state) {
      state = {};
      states.set(instance, state);
    }
    return state;
  };
  return {
    get,
    apply(patch) {
      applyOps(get(patch.instance), patch.ops);
    },
    list() {
      return [...states.keys()];
    },
    status: () => ({ mode: "memory" }),
    close: () => Promise.resolve(),
  };
}
