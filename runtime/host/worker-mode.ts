import type { Body, SharedPatch, ToWorker, Unit } from "../protocol/messages.ts";
import type { Host } from "./hosts.ts";
import type { WorkerRecord } from "./worker-record.ts";

export interface WorkerModeOptions {
  /** Worker-mode Workers alive at once; the one idle longest is stopped to make room. */
  maxWorkers: number;
  /** The instance's `shared` now, for a new Worker's init. */
  snapshot(instance: string): unknown;
  /** The live worker-mode hosts, else a new one (pool.ts). */
  liveOrNew(): Host[];
  /** The worker-mode hosts neither condemned nor exited. */
  live(): Host[];
  /** A new Worker on `host` that opens its own socket to the server. */
  spawn(host: Host): WorkerRecord;
  deliver(worker: WorkerRecord, message: ToWorker, body?: Body | null): void;
  terminate(worker: WorkerRecord): void;
  closeSockets(worker: WorkerRecord, reason: string): void;
  /** Tests: how long after a spare is taken the next one boots (SPARE_AFTER_MS). */
  spareAfterMs?: number;
}

export interface WorkerMode {
  /** The script's Worker: the one it has while its unit is unchanged, else a new one. */
  workerFor(unit: Unit): WorkerRecord;
  /** A new worker-mode host: a spare Worker boots there now, for the first script it gets. */
  prime(host: Host): void;
  /** A request of this Worker settled: a replaced Worker goes once it has none left. */
  settled(worker: WorkerRecord): void;
  forget(worker: WorkerRecord): void;
  broadcast(patch: SharedPatch): void;
  /** Retires the Workers of `instance` (of all when null); returns how many. */
  recycle(instance: string | null): number;
  readonly count: number;
}

/**
 * How long after a spare is taken its host boots the next. Not while the taking request (or a
 * burst of edits) is served: on Deno, with the next spare booting 100 ms after, an edit took 144 ms
 * to be served against 42 ms with a second.
 */
const SPARE_AFTER_MS = 1000;

/**
 * Worker mode: one long-lived Worker per script, keeping its globals between requests,
 * until the script's code changes (it is then replaced: the old one finishes what it has first).
 * Scripts spread over the worker-mode hosts by name, so one runaway host holds only some of them.
 * Each host keeps one spare Worker booted (runtime, sandbox, socket) and no script yet: a script's
 * first request (the server's first response, an edit's new Worker) then only loads the script.
 */
export function createWorkerMode(options: WorkerModeOptions): WorkerMode {
  /** The current Worker of each script, by `instance:file`. */
  const dedicated = new Map<string, WorkerRecord>();
  const byUnit = new WeakMap<Unit, WorkerRecord>();
  const spares = new Map<Host, WorkerRecord>();

  const isCurrent = (worker: WorkerRecord | undefined): worker is WorkerRecord =>
    worker !== undefined && !worker.gone && !worker.host.condemned &&
    dedicated.get(worker.name) === worker;

  function workerFor(unit: Unit): WorkerRecord {
    // Every request after the first: the Worker this very unit started, while it is the script's.
    const known = byUnit.get(unit);
    if (isCurrent(known)) return known;
    const name = `${unit.instance}:${unit.main.file}`;
    const current = dedicated.get(name);
    if (isCurrent(current) && current.unit?.key === unit.key) return current;
    // An edit gives the script a new Worker; the old one finishes what it has first.
    if (current) retire(current);
    else evictIdle();
    const host = hostFor(name);
    const worker = takeSpare(host) ?? options.spawn(host);
    worker.unit = unit;
    worker.name = name;
    options.deliver(worker, { t: "init", unit, shared: options.snapshot(unit.instance) });
    dedicated.set(name, worker);
    byUnit.set(unit, worker);
    return worker;
  }

  function prime(host: Host): void {
    if (spares.has(host) || !options.live().includes(host)) return;
    spares.set(host, options.spawn(host));
  }

  function takeSpare(host: Host): WorkerRecord | null {
    const spare = spares.get(host);
    if (!spare) return null;
    spares.delete(host);
    setTimeout(() => prime(host), options.spareAfterMs ?? SPARE_AFTER_MS).unref?.();
    return spare.gone ? null : spare;
  }

  function hostFor(name: string): Host {
    const candidates = options.liveOrNew();
    let hash = 0;
    for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
    return candidates[hash % candidates.length]!;
  }

  /** An edited (or recycled) script's old Worker: its sockets close now, its requests finish. */
  function retire(worker: WorkerRecord): void {
    options.closeSockets(worker, "the script changed; reconnect");
    if (worker.pending.size === 0) options.terminate(worker);
  }

  /**
   * At most `maxWorkers` Workers (each costs MiBs: 3.5 on Bun, 7+ on Deno): the one idle the
   * longest makes room. Its script loses module state and gets a new Worker on its next request;
   * `shared` lives in the server and survives.
   */
  function evictIdle(): void {
    if (dedicated.size < options.maxWorkers) return;
    let oldest: WorkerRecord | undefined;
    // A Worker holding WebSockets goes only if every idle one does.
    const rank = (w: WorkerRecord) => [w.sockets.size > 0 ? 1 : 0, w.lastUsed];
    for (const worker of dedicated.values()) {
      if (worker.pending.size > 0) continue;
      if (!oldest) oldest = worker;
      else {
        const [a, b] = [rank(worker), rank(oldest)];
        if (a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!)) oldest = worker;
      }
    }
    if (oldest) options.terminate(oldest);
  }

  return {
    workerFor,
    prime,
    settled(worker) {
      const retired = worker.name !== "" && dedicated.get(worker.name) !== worker;
      if (retired && worker.pending.size === 0) options.terminate(worker);
    },
    forget(worker) {
      if (worker.name !== "" && dedicated.get(worker.name) === worker) {
        dedicated.delete(worker.name);
      }
      if (spares.get(worker.host) === worker) spares.delete(worker.host);
    },
    broadcast(patch) {
      for (const worker of dedicated.values()) {
        if (worker.unit?.instance === patch.instance) {
          options.deliver(worker, { t: "shared-patch", patch });
        }
      }
    },
    recycle(instance) {
      let count = 0;
      for (const [name, worker] of [...dedicated]) {
        if (instance !== null && worker.unit?.instance !== instance) continue;
        dedicated.delete(name);
        retire(worker);
        count += 1;
      }
      return count;
    },
    get count() {
      return dedicated.size;
    },
  };
}
