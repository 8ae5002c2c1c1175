import type { SharedOp, SharedPatch } from "../protocol/messages.ts";
import { applyOps, isSafePath, toJsonValue } from "../protocol/shared-ops.ts";

/**
 * A Worker's replica of its instance's `shared`. Writes apply locally at once and are sent to
 * the server, which orders them and echoes every patch to every Worker of the instance. A Worker
 * re-applies its own unacknowledged writes after a foreign patch, so all replicas converge on the
 * server's order without losing a local write (a counter incremented in two Workers counts both).
 */
export interface SharedReplica {
  readonly proxy: Record<string, unknown>;
  receive(patch: SharedPatch): void;
  flush(): void;
}

export function createSharedReplica(
  instance: string,
  workerId: string,
  initial: unknown,
  send: (patch: SharedPatch) => void,
): SharedReplica {
  const root = (typeof initial === "object" && initial !== null ? initial : {}) as Record<
    string,
    unknown
  >;
  const pending = new Map<number, SharedOp[]>();
  let buffer: SharedOp[] = [];
  let seq = 0;
  const proxies = new WeakMap<object, object>();
  const targets = new WeakMap<object, object>();

  const flush = () => {
    if (buffer.length === 0) return;
    seq += 1;
    pending.set(seq, buffer);
    send({ instance, origin: workerId, seq, ops: buffer });
    buffer = [];
  };

  const record = (op: SharedOp) => {
    if (buffer.length === 0) queueMicrotask(flush);
    buffer.push(op);
  };

  const unwrap = (value: unknown): unknown =>
    typeof value === "object" && value !== null ? targets.get(value) ?? value : value;

  const wrap = (target: object, path: string[]): object => {
    const cached = proxies.get(target);
    if (cached) return cached;
    const proxy = new Proxy(target, {
      get(t, key, receiver) {
        const value = Reflect.get(t, key, receiver);
        if (typeof key !== "string" || typeof value !== "object" || value === null) return value;
        return wrap(value, [...path, key]);
      },
      set(t, key, value) {
        if (typeof key !== "string") return Reflect.set(t, key, value);
        const full = [...path, key];
        if (!isSafePath(full)) throw new TypeError(`shared: the key "${key}" is not allowed`);
        const raw = toJsonValue(unwrap(value));
        if (raw === undefined) {
          Reflect.deleteProperty(t, key);
          record({ op: "delete", path: full });
        } else {
          Reflect.set(t, key, raw);
          record({ op: "set", path: full, value: toJsonValue(raw) });
        }
        return true;
      },
      deleteProperty(t, key) {
        if (typeof key === "string") record({ op: "delete", path: [...path, key] });
        return Reflect.deleteProperty(t, key);
      },
    });
    proxies.set(target, proxy);
    targets.set(proxy, target);
    return proxy;
  };

  return {
    proxy: wrap(root, []) as Record<string, unknown>,
    flush,
    receive(patch) {
      if (patch.origin === workerId) {
        pending.delete(patch.seq);
        return;
      }
      applyOps(root, patch.ops);
      for (const ops of pending.values()) applyOps(root, ops);
      applyOps(root, buffer);
    },
  };
}
