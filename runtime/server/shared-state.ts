import type { SharedPatch } from "../protocol/messages.ts";
import { applyOps } from "../protocol/shared-ops.ts";

/**
 * Each instance's `shared`, owned by the server so it outlives every Worker (docs/architecture.md,
 * State). Workers send patches; the server applies them in arrival order, which is the order all
 * replicas follow.
 */
export interface SharedStore {
  get(instance: string): Record<string, unknown>;
  apply(patch: SharedPatch): void;
  /** Instances that have a state (possibly empty). */
  list(): string[];
}

export function createSharedStore(): SharedStore {
  const states = new Map<string, Record<string, unknown>>();
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
  };
}
