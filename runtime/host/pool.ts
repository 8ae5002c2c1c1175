import { randomBytes } from "node:crypto";
import { ServerError } from "../errors.ts";
import type {
  Bytes,
  ErrorInfo,
  FromWorker,
  Mode,
  RequestInfo,
  ResponseInfo,
  ToWorker,
  Unit,
} from "../protocol/messages.ts";
import { safeEqual } from "../safe-equal.ts";
import { createDeadlines } from "./deadlines.ts";
import { createHosts, type Host, type WorkerLink } from "./hosts.ts";
import { createInboundStream, type InboundStream } from "./inbound-stream.ts";
import { watchMemory } from "./memory-watchdog.ts";
import {
  type HostPool,
  type PoolOptions,
  RESTART_CLOSE_CODE,
  type RunOutcome,
  type SocketLink,
  type SocketSink,
} from "./pool-api.ts";
import { createWarmSet } from "./warm.ts";

interface Pending {
  resolve(outcome: RunOutcome): void;
  reject(error: ServerError): void;
  /** Stops its deadline (or its cancel grace): the request is settled or streaming. */
  stopTimer: () => void;
  /** Set once the Worker sent a head: the request is then streaming until `end`. */
  inbound: InboundStream | null;
}

/** A request on its way to a Worker (it may wait for a serverless one first). */
interface Job {
  unit: Unit;
  request: RequestInfo;
  body: Bytes | null;
  timeoutMs: number;
  upgrade: string | undefined;
  resolve(outcome: RunOutcome): void;
  reject(error: ServerError): void;
  /** Ends its wait in the queue (it got a Worker). */
  stopWaiting: () => void;
}

/** One Web Worker, driven from here over its own socket. */
interface WorkerRecord {
  id: string;
  token: string;
  host: Host;
  link: WorkerLink | null;
  /** Messages written before the Worker connected, sent in order once it does. */
  outbox: [ToWorker, Bytes | null][];
  unit: Unit | null;
  /** A worker-mode Worker's script, `instance:file` (its key in `dedicated`); "" for serverless. */
  name: string;
  ephemeral: boolean;
  /** Serverless: once answered, prepare a warm Worker with the same script. */
  warmAfter: boolean;
  pending: Map<number, Pending>;
  pongs: Map<number, () => void>;
  gone: boolean;
  /** When it last got a request (worker-mode eviction picks the oldest). */
  lastUsed: number;
  /** The client sockets this Worker's script serves, by connection id. */
  sockets: Map<string, SocketSink>;
}

const PING_GRACE_MS = 250;
const WARM_IDLE_MS = 30_000;
/** A cancelled stream whose Worker never says it stopped is let go after this. */
const CANCEL_GRACE_MS = 5_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NO_TIMER = () => {};
const EXTRA_HOSTS_AFTER_MS = 1000;

/**
 * Workers in killable host processes (DESIGN.md "Threads and processes"). A worker-mode script
 * keeps one Worker until its code changes; a serverless request takes a ready Worker from the
 * stock, which serves it alone and is terminated. Requests go straight to the Worker's socket.
 */
export async function createHostPool(options: PoolOptions): Promise<HostPool> {
  const hosts: Host[] = [];
  const workers = new Map<string, WorkerRecord>();
  const stock: WorkerRecord[] = [];
  const dedicated = new Map<string, WorkerRecord>();
  const byUnit = new WeakMap<Unit, WorkerRecord>();
  const warm = createWarmSet<WorkerRecord>({
    perScript: options.stock,
    total: 64,
    idleMs: WARM_IDLE_MS,
  });
  const sweeper = setInterval(() => {
    for (const worker of warm.sweep(Date.now())) terminate(worker);
  }, WARM_IDLE_MS / 2);
  sweeper.unref?.();
  let nextRequest = 0;
  let nextWorker = 0;
  let nonce = 0;
  let closing = false;
  let quickDeaths = 0;
  const deadlines = createDeadlines();
  /** Serverless requests waiting for a Worker, in arrival order. */
  const waiting: Job[] = [];
  // At least one: a serverless request waits for the stock, so an empty stock would serve none.
  const stockSize = Math.max(1, options.stock);

  const farm = await createHosts({
    adapter: options.adapter,
    workerUrl: options.workerUrl,
    scriptsRoot: options.scriptsRoot,
    onHostExit: (host, reason) => {
      const index = hosts.indexOf(host);
      if (index >= 0) hosts.splice(index, 1);
      const why = host.killedFor ?? `its host process exited (${reason})`;
      for (const worker of workers.values()) if (worker.host === host) gone(worker, why);
      if (closing) return;
      // A host that dies young again and again is restarted ever more slowly, never in a tight loop.
      quickDeaths = performance.now() - host.startedAt < 1000 ? quickDeaths + 1 : 0;
      const delay = quickDeaths === 0 ? 0 : Math.min(100 * 2 ** quickDeaths, 5000);
      if (!host.condemned) {
        options.log(
          `worker host ${host.pid} exited (${reason}); starting a new one in ${delay} ms`,
        );
      }
      setTimeout(() => {
        if (!closing && live(host.mode).length < options.size) addHost(host.mode);
      }, delay);
    },
    onWorker: (id, token, link) => {
      const worker = workers.get(id);
      if (!worker || worker.link || worker.gone || !safeEqual(worker.token, token)) return null;
      worker.link = link;
      for (const [message, body] of worker.outbox.splice(0)) link.send(message, body);
      return (message, body) => onWorkerMessage(worker, message, body);
    },
    onHostMessage: (_host, message, body) => {
      const worker = message.t === "hello" ? undefined : workers.get(message.workerId);
      if (!worker) return;
      switch (message.t) {
        case "from-worker":
          return onWorkerMessage(worker, message.message, body);
        case "worker-exit":
          return gone(worker, "the Worker exited");
        case "hello":
          return;
        default:
          return message satisfies never;
      }
    },
    onWorkerClosed: (id) => {
      const worker = workers.get(id);
      if (worker) gone(worker, "the Worker exited");
    },
  });

  function addHost(mode: Mode): Host {
    const host = farm.spawn(mode);
    hosts.push(host);
    if (mode === "serverless") {
      for (let i = 0; i < stockSize; i++) stock.push(spawnWorker(host, false));
      serveWaiting();
    }
    return host;
  }

  function live(mode: Mode): Host[] {
    return hosts.filter((h) => !h.condemned && h.mode === mode);
  }

  /** The live hosts of a mode; a request that finds none (one died and waits to restart) starts one now. */
  function liveOrNew(mode: Mode): Host[] {
    const candidates = live(mode);
    return candidates.length > 0 ? candidates : [addHost(mode)];
  }

  /** `direct` Workers open their own socket (worker mode); the rest speak through their host. */
  function spawnWorker(host: Host, direct: boolean): WorkerRecord {
    nextWorker += 1;
    const worker: WorkerRecord = {
      id: `w${nextWorker}`,
      token: randomBytes(18).toString("hex"),
      host,
      link: null,
      outbox: [],
      unit: null,
      name: "",
      ephemeral: false,
      warmAfter: false,
      pending: new Map(),
      pongs: new Map(),
      gone: false,
      lastUsed: 0,
      sockets: new Map(),
    };
    if (!direct) {
      worker.link = {
        send: (message, body) => host.send({ t: "to-worker", workerId: worker.id, message }, body),
      };
    }
    workers.set(worker.id, worker);
    host.send({ t: "spawn", workerId: worker.id, token: worker.token, direct });
    return worker;
  }

  function deliver(worker: WorkerRecord, message: ToWorker, body: Bytes | null = null): void {
    if (worker.link) worker.link.send(message, body);
    else worker.outbox.push([message, body]);
  }

  /** Gives a serverless Worker its script: it serves one request with it and is terminated. */
  function initialised(worker: WorkerRecord, unit: Unit): WorkerRecord {
    worker.ephemeral = true;
    worker.unit = unit;
    deliver(worker, { t: "init", unit, shared: {} });
    return worker;
  }

  /** A Worker from the stock (booted, or booting with its messages queued), or null if it is empty. */
  function takeWorker(): WorkerRecord | null {
    const index = stock.findIndex((w) => !w.host.condemned);
    return index >= 0 ? stock.splice(index, 1)[0]! : null;
  }

  /**
   * After a serverless request is answered: a warm replacement for its script (if it earned one)
   * and the stock topped up. Not before: a spawn holds the host's thread for milliseconds (tens
   * on Deno), and the answer, relayed by that thread, would wait behind it.
   */
  function replenish(finished: WorkerRecord): void {
    const unit = finished.unit;
    if (!closing && finished.warmAfter && unit && warm.wants(unit.key)) {
      warm.add(unit.key, initialised(takeWorker() ?? spawnWorker(leastBusy(), false), unit));
    }
    topUp();
  }

  /** Every live serverless host back to its stock of Workers, and the waiting requests handed what is there. */
  function topUp(): void {
    for (const host of closing ? [] : live("serverless")) {
      let count = stock.filter((w) => w.host === host).length;
      while (count++ < stockSize) stock.push(spawnWorker(host, false));
    }
    serveWaiting();
  }

  /**
   * Serverless requests that found no Worker wait here, in order, for the next one: the stock is
   * refilled as fast as the hosts can spawn (that is the throughput), never by a spawn per waiting
   * request, which on Deno (a spawn blocks its host for ~15 ms) starved every request at once.
   */
  function serveWaiting(): void {
    for (let i = 0; i < waiting.length;) {
      const job = waiting[i]!;
      const worker = serverlessWorker(job.unit);
      if (!worker) {
        i += 1;
        continue;
      }
      waiting.splice(i, 1);
      job.stopWaiting();
      start(worker, job);
    }
  }

  /** A request that found no Worker: queued, bounded in length and in time (then 503). */
  function wait(job: Job): void {
    const shed = (why: string) =>
      job.reject(
        new ServerError("UNAVAILABLE", `${job.request.scriptPath}: ${why}; retry in a moment`, {
          headers: { "retry-after": "1" },
        }),
      );
    if (waiting.length >= options.queueLimit) {
      return shed(`${waiting.length} requests already wait for a serverless Worker`);
    }
    waiting.push(job);
    job.stopWaiting = deadlines.add(options.waitMs, () => {
      const index = waiting.indexOf(job);
      if (index >= 0) waiting.splice(index, 1);
      shed(`no serverless Worker was free within ${options.waitMs} ms`);
    });
    // No serverless host yet (the first request of its kind) or none alive: one starts now.
    if (!closing && live("serverless").length === 0) addHost("serverless");
  }

  /** Worker-mode scripts spread over the hosts by name, so one runaway host holds only some of them. */
  function hostFor(name: string): Host {
    const candidates = liveOrNew("worker");
    let hash = 0;
    for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
    return candidates[hash % candidates.length]!;
  }

  function leastBusy(): Host {
    const load = (host: Host) => [...workers.values()].filter((w) => w.host === host).length;
    return liveOrNew("serverless").reduce((a, b) => (load(b) < load(a) ? b : a));
  }

  /** A warm Worker holding the script, else one from the stock; null when there is none. */
  function serverlessWorker(unit: Unit): WorkerRecord | null {
    const hit = warm.take(unit.key);
    const fresh = hit ? null : takeWorker();
    const worker = hit ?? (fresh && initialised(fresh, unit));
    if (!worker) return null;
    // Once answered, it is replaced by a Worker holding the same script: after a hit, or once on
    // the first miss. Never on every miss: under load that would double the spawns.
    worker.warmAfter = hit !== undefined || !warm.has(unit.key);
    warm.keep(unit.key);
    return worker;
  }

  function workerFor(unit: Unit): WorkerRecord | null {
    if (unit.mode === "serverless") return serverlessWorker(unit);
    // Every request after the first: the Worker this very unit started, while it is the script's.
    const known = byUnit.get(unit);
    if (known && !known.gone && !known.host.condemned && dedicated.get(known.name) === known) {
      return known;
    }
    const name = `${unit.instance}:${unit.main.file}`;
    const current = dedicated.get(name);
    if (current && !current.gone && !current.host.condemned && current.unit?.key === unit.key) {
      return current;
    }
    // An edit gives the script a new Worker; the old one finishes what it has first.
    if (current) retire(current);
    else evictIdle();
    const worker = spawnWorker(hostFor(name), true);
    worker.unit = unit;
    worker.name = name;
    deliver(worker, { t: "init", unit, shared: options.snapshot(unit.instance) });
    dedicated.set(name, worker);
    byUnit.set(unit, worker);
    return worker;
  }

  /**
   * At most `maxWorkers` worker-mode Workers (each costs MiBs: 3.5 on Bun, 7+ on Deno): the one
   * idle the longest makes room. Its script loses module state and gets a new Worker on its next
   * request; `shared` lives in the server and survives.
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
    if (oldest) terminate(oldest);
  }

  function onWorkerMessage(worker: WorkerRecord, message: FromWorker, body: Bytes | null): void {
    switch (message.t) {
      case "result":
        return settle(worker, message.id, (p) => p.resolve({ response: message.response, body }));
      case "error":
        return settle(worker, message.id, (p) => fail(p, fromErrorInfo(message.error)));
      case "head":
        return startStream(worker, message.id, message.response);
      case "chunk":
        if (body) worker.pending.get(message.id)?.inbound?.push(body);
        return;
      case "end":
        return settle(worker, message.id, (p) => {
          if (message.error) {
            const error = fromErrorInfo(message.error);
            options.log(`${worker.unit?.main.file}: its stream broke off: ${error.message}`);
            p.inbound?.end(error);
          } else p.inbound?.end();
        });
      case "ws-send": {
        const data = message.text ? decoder.decode(body ?? new Uint8Array(0)) : body!;
        for (const conn of message.conns) worker.sockets.get(conn)?.send(data);
        return;
      }
      case "ws-close":
        worker.sockets.get(message.conn)?.close(message.code, message.reason);
        return;
      case "shared-patch":
        return options.onPatch(message.patch);
      case "fetch":
        void options.onFetch(message.request, body).then((outcome) =>
          deliver(
            worker,
            { t: "fetch-result", id: message.id, response: outcome.response },
            outcome.body,
          )
        );
        return;
      case "pong":
        worker.pongs.get(message.nonce)?.();
        return;
      case "exit":
        // Deno ends a Worker that exits without telling anyone: this message is how we know.
        return gone(worker, `the script called process.exit(${message.code})`);
      case "hello":
        return;
      default:
        return message satisfies never;
    }
  }

  /** A request that already streams fails by breaking its body off; others answer the error. */
  function fail(pending: Pending, error: ServerError): void {
    if (pending.inbound) pending.inbound.end(error);
    else pending.reject(error);
  }

  /** The head of a streamed response: the request answers now, and stays pending until `end`. */
  function startStream(worker: WorkerRecord, id: number, response: ResponseInfo): void {
    const pending = worker.pending.get(id);
    // Its request timed out meanwhile: nobody reads this stream.
    if (!pending) return deliver(worker, { t: "cancel", id });
    if (pending.inbound) return;
    // @timeout covers a request until its head: a stream may then run as long as it is read.
    pending.stopTimer();
    pending.stopTimer = NO_TIMER;
    pending.inbound = createInboundStream(
      (bytes) => !worker.gone && deliver(worker, { t: "ack", id, bytes }),
      () => {
        if (worker.gone) return;
        deliver(worker, { t: "cancel", id });
        const grace = setTimeout(() => settle(worker, id, () => {}), CANCEL_GRACE_MS);
        pending.stopTimer = () => clearTimeout(grace);
      },
    );
    pending.resolve({ response, body: null, stream: pending.inbound.stream });
  }

  function settle(worker: WorkerRecord, id: number, done: (p: Pending) => void): void {
    const pending = worker.pending.get(id);
    if (!pending) return;
    worker.pending.delete(id);
    pending.stopTimer();
    done(pending);
    if (worker.ephemeral || (isRetired(worker) && worker.pending.size === 0)) terminate(worker);
    if (worker.ephemeral) replenish(worker);
    maybeKillCondemned(worker.host);
  }

  function isRetired(worker: WorkerRecord): boolean {
    return !worker.ephemeral && worker.name !== "" && dedicated.get(worker.name) !== worker;
  }

  /** An edited (or recycled) script's old Worker: its sockets close now, its requests finish. */
  function retire(worker: WorkerRecord): void {
    closeSockets(worker, "the script changed; reconnect");
    if (worker.pending.size === 0) terminate(worker);
  }

  function closeSockets(worker: WorkerRecord, reason: string): void {
    const sinks = [...worker.sockets.values()];
    worker.sockets.clear();
    for (const sink of sinks) sink.close(RESTART_CLOSE_CODE, reason);
  }

  function attachSocket(worker: WorkerRecord, conn: string, sink: SocketSink): SocketLink {
    if (worker.gone) {
      return {
        open: () => sink.close(RESTART_CLOSE_CODE, "the script restarted; reconnect"),
        message: () => {},
        closed: () => {},
      };
    }
    worker.sockets.set(conn, sink);
    return {
      open: () => deliver(worker, { t: "ws-open", conn }),
      message(data) {
        worker.lastUsed = performance.now();
        if (typeof data === "string") {
          deliver(worker, { t: "ws-message", conn, text: true }, encoder.encode(data));
        } else deliver(worker, { t: "ws-message", conn, text: false }, data);
      },
      closed(code, reason) {
        if (worker.sockets.delete(conn) && !worker.gone) {
          deliver(worker, { t: "ws-closed", conn, code, reason });
        }
      },
    };
  }

  function terminate(worker: WorkerRecord): void {
    worker.host.send({ t: "terminate", workerId: worker.id });
    gone(worker, "the Worker was stopped");
  }

  /** A Worker is gone: its requests answer 502 and a worker-mode script gets a new one next time. */
  function gone(worker: WorkerRecord, reason: string): void {
    if (worker.gone) return;
    worker.gone = true;
    workers.delete(worker.id);
    const index = stock.indexOf(worker);
    if (index >= 0) stock.splice(index, 1);
    warm.remove(worker);
    if (worker.name !== "" && dedicated.get(worker.name) === worker) dedicated.delete(worker.name);
    for (const pending of worker.pending.values()) {
      pending.stopTimer();
      fail(
        pending,
        new ServerError(
          "SCRIPT_CRASHED",
          `The script's Worker is gone: ${reason}. Retry the request.`,
        ),
      );
    }
    worker.pending.clear();
    closeSockets(worker, "the script restarted; reconnect");
    maybeKillCondemned(worker.host);
  }

  /** Past its deadline: a Worker that still answers a ping was only waiting, and keeps running. */
  async function expire(worker: WorkerRecord, id: number): Promise<void> {
    worker.pending.delete(id);
    const alive = await ping(worker);
    if (alive && !worker.ephemeral) return;
    terminate(worker);
    if (!alive && !options.adapter.terminateStopsLoops) {
      condemn(worker.host, `a Worker of ${worker.unit?.main.file} is stuck in a loop`);
    }
  }

  function ping(worker: WorkerRecord): Promise<boolean> {
    nonce += 1;
    const n = nonce;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        worker.pongs.delete(n);
        resolve(false);
      }, PING_GRACE_MS);
      worker.pongs.set(n, () => {
        clearTimeout(timer);
        worker.pongs.delete(n);
        resolve(true);
      });
      deliver(worker, { t: "ping", nonce: n });
    });
  }

  /**
   * Deno cannot stop a Worker busy in a loop, so its whole host goes: no new work, a replacement
   * at once, and a kill when its other requests are done (or after drainMs).
   */
  function condemn(host: Host, reason: string, replace = true): void {
    if (host.condemned) return;
    host.condemned = true;
    options.log(`recycling worker host ${host.pid}: ${reason}`);
    // Idle Workers there (the stock, and the warm ones holding a hot script) are dropped now, so
    // no request is handed to a host about to be killed.
    for (const worker of [...workers.values()]) {
      if (worker.host === host && worker.pending.size === 0) terminate(worker);
    }
    if (replace) addHost(host.mode);
    maybeKillCondemned(host);
    setTimeout(() => host.kill(), options.drainMs).unref?.();
  }

  function maybeKillCondemned(host: Host): void {
    if (!host.condemned) return;
    const busy = [...workers.values()].some((w) => w.host === host && w.pending.size > 0);
    if (!busy) host.kill();
  }

  /** Sends a request to its Worker; its `@timeout` runs from here. */
  function start(worker: WorkerRecord, job: Job): void {
    const { request, timeoutMs, upgrade } = job;
    nextRequest += 1;
    const id = nextRequest;
    const answer = !upgrade ? job.resolve : (outcome: RunOutcome) =>
      job.resolve(
        outcome.response.status === 101
          ? { ...outcome, attach: (sink) => attachSocket(worker, upgrade, sink) }
          : outcome,
      );
    const pending: Pending = {
      resolve: answer,
      reject: job.reject,
      stopTimer: NO_TIMER,
      inbound: null,
    };
    if (timeoutMs > 0) {
      pending.stopTimer = deadlines.add(timeoutMs, () => {
        void expire(worker, id);
        job.reject(
          new ServerError(
            "SCRIPT_TIMEOUT",
            `${request.scriptPath} did not answer within its @timeout of ${timeoutMs} ms`,
          ),
        );
      });
    }
    worker.pending.set(id, pending);
    worker.lastUsed = performance.now();
    deliver(
      worker,
      upgrade ? { t: "run", id, request, upgrade } : { t: "run", id, request },
      job.body,
    );
  }

  const stopWatching = watchMemory(() => hosts, options.memoryMb, options.log);

  // Not waiting for the hosts to connect: messages queue until they do, so the server can listen
  // (and a first request start its work) while they boot. One worker-mode host now, the rest a
  // second later (or a serverless one at its first request): booting them all at once shares
  // the cores with the first requests (Bun, first response with 1,000 scripts: 250 -> 330+ ms).
  const modes: Mode[] = ["worker", "serverless"];
  addHost("worker");
  const more = setTimeout(() => {
    for (const mode of modes) {
      for (let i = live(mode).length; i < options.size && !closing; i++) addHost(mode);
    }
  }, EXTRA_HOSTS_AFTER_MS);
  more.unref?.();

  return {
    run(unit, request, body, timeoutMs, upgrade) {
      return new Promise<RunOutcome>((resolve, reject) => {
        const job: Job = {
          unit,
          request,
          body,
          timeoutMs,
          upgrade,
          resolve,
          reject,
          stopWaiting: NO_TIMER,
        };
        const worker = workerFor(unit);
        if (worker) start(worker, job);
        else wait(job);
      });
    },
    broadcast(patch) {
      for (const worker of dedicated.values()) {
        if (worker.unit?.instance === patch.instance) deliver(worker, { t: "shared-patch", patch });
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
    get workerModeCount() {
      return dedicated.size;
    },
    async restart() {
      const old = [...hosts];
      const fresh = old.map((host) => addHost(host.mode));
      for (const host of old) condemn(host, "restart requested", false);
      await Promise.all(fresh.map((h) => h.connected));
    },
    async close() {
      closing = true;
      clearTimeout(more);
      stopWatching();
      clearInterval(sweeper);
      await farm.close();
    },
  };
}

function fromErrorInfo(info: ErrorInfo): ServerError {
  const details: Record<string, unknown> = {};
  if (info.file) details.script = info.file;
  if (info.line) details.line = info.line;
  if (info.column) details.column = info.column;
  if (info.stack) details.stack = info.stack;
  return new ServerError(info.code, info.message, { details });
}
