/**
 * `shared` kept in KV (`--state kv`, docs/state.md). Memory stays what every request reads: a
 * patch applies there at once, as with `--state memory`, and marks the top-level keys it touched.
 * A group commit then writes those keys' current values: the first mark opens a batch window,
 * everything marked until it closes (or while a batch is being written) goes in the next batch.
 * A burst of 10,000 `shared.x += 1` is a handful of commits.
 *
 * A batch is cut from memory in one synchronous step, so it is the state after some prefix of the
 * patches; its chunks are written first and its headers in one atomic write, so after a crash the
 * store holds the last committed batch, whole.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { isSafePath } from "../protocol/shared-ops.ts";
import { createSharedStore, type SharedStore } from "../server/shared-state.ts";
import { type Change, planBatch } from "./entries.ts";
import { commitAtomic, type Kv, openKvDatabase } from "./kv.ts";
import { loadStates } from "./load.ts";

/**
 * How long a batch gathers changes before it is written: at most 40 commits a second whatever the
 * load (a commit costs ~0.6 ms of CPU on either runtime, so ~2.5% of a core), and a crash loses
 * at most this plus one commit.
 */
export const BATCH_WINDOW_MS = 25;
/** After a failed write, the wait before the next try. */
const RETRY_MS = 1000;

export interface DurableStoreOptions {
  /** The KV database file (created with its folder when missing). */
  path: string;
  warn(line: string): void;
}

/** Opens the store and loads every instance's `shared` from it before returning. */
export async function openDurableSharedStore(options: DurableStoreOptions): Promise<SharedStore> {
  const { path, warn } = options;
  let kv: Kv;
  try {
    mkdirSync(dirname(path), { recursive: true });
    kv = await openKvDatabase(path);
  } catch (error) {
    throw new Error(`--state kv: cannot open the shared-state store ${path}: ${error}`, {
      cause: error,
    });
  }
  const loaded = await loadStates(kv, warn);
  const memory = createSharedStore(loaded.states);
  const chunkSets = loaded.chunks;

  /** Keys changed and not yet in a batch: instance -> top-level names. */
  let dirty = new Map<string, Set<string>>();
  let dirtyCount = 0;
  let writing = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let closed = false;
  let commits = 0;
  let lastCommitAt: number | null = null;
  let lastError: string | null = null;

  const mark = (instance: string, name: string) => {
    let names = dirty.get(instance);
    if (!names) dirty.set(instance, names = new Set());
    if (!names.has(name)) {
      names.add(name);
      dirtyCount += 1;
    }
  };

  const schedule = (delay: number) => {
    if (timer || running || closed || dirtyCount === 0) return;
    timer = setTimeout(() => {
      timer = null;
      running = writeBatch().finally(() => {
        running = null;
        schedule(lastError ? RETRY_MS : BATCH_WINDOW_MS);
      });
    }, delay);
  };

  /** Writes every key marked so far; on failure marks them again for the next try. */
  const writeBatch = async () => {
    const changes: Change[] = [];
    for (const [instance, names] of dirty) {
      const state = memory.get(instance);
      for (const name of names) {
        changes.push({
          instance,
          name,
          value: Object.hasOwn(state, name) ? state[name] : undefined,
        });
      }
    }
    dirty = new Map();
    dirtyCount = 0;
    writing = changes.length;
    const plan = planBatch(changes, (slot) => chunkSets.get(slot) ?? null, randomUUID);
    try {
      for (const group of [...plan.stage, ...plan.commit]) await commitAtomic(kv, group);
    } catch (error) {
      for (const change of changes) mark(change.instance, change.name);
      const message = String(error);
      if (message !== lastError) warn(`shared-state store: a batch was not written: ${message}`);
      lastError = message;
      return;
    } finally {
      writing = 0;
    }
    for (const [slot, set] of plan.chunks) {
      if (set) chunkSets.set(slot, set);
      else chunkSets.delete(slot);
    }
    commits += 1;
    lastCommitAt = Date.now();
    lastError = null;
    try {
      for (const group of plan.cleanup) await commitAtomic(kv, group);
    } catch (error) {
      // Harmless: chunks no header points at are deleted at the next start.
      warn(`shared-state store: old chunks not yet deleted: ${String(error)}`);
    }
  };

  return {
    get: memory.get,
    list: memory.list,
    apply(patch) {
      memory.apply(patch);
      if (closed) return;
      for (const op of patch.ops) {
        if (op.path.length > 0 && isSafePath(op.path)) mark(patch.instance, op.path[0]!);
      }
      schedule(BATCH_WINDOW_MS);
    },
    status: () => ({
      mode: "kv",
      path,
      commits,
      pendingKeys: dirtyCount + writing,
      lastCommitAt,
      lastError,
    }),
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
      if (dirtyCount > 0) await writeBatch();
      kv.close();
    },
  };
}
