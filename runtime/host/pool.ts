import { ServerError } from "../errors.ts";
import { randomHex } from "../hex.ts";
import type { Body, Mode, ToWorker } from "../protocol/messages.ts";
import { safeEqual } from "../safe-equal.ts";
import { createSlots } from "../slots.ts";
import { createDeadlines } from "./deadlines.ts";
import { createHeavyScripts } from "./heavy-scripts.ts";
import { createHosts, type Host } from "./hosts.ts";
import { watchMemory } from "./memory-watchdog.ts";
import type { PoolOptions, RunOutcome, WorkerPool } from "./pool-api.ts";
import { createServerless } from "./serverless.ts";
import { createWorkerMode } from "./worker-mode.ts";
import { NO_TIMER, type WorkerRecord } from "./worker-record.ts";
import { createWorkerRequests } from "./worker-requests.ts";

const EXTRA_HOSTS_AFTER_MS = 1000;
/**
 * CPU a serverless request may take in a Worker without a JIT (adapter `jitlessServerless`)
 * before its script's next requests go to hosts with one. A hello takes ~1 ms there; a request
 * that computes for long runs ~2.5x faster with the JIT (WebAssembly ~30x).
 */
const HEAVY_CPU_MS = 20;

/**
 * Workers in killable host processes (docs/architecture.md, Workers). This file keeps the
 * hosts and the Workers they run; `worker-mode.ts` and `serverless.ts` decide which Worker serves
 * a request, and `worker-requests.ts` carries each request to its Worker and back.
 */
export function createWorkerPool(options: PoolOptions): WorkerPool {
  const hosts: Host[] = [];
  const workers = new Map<string, WorkerRecord>();
  const deadlines = createDeadlines();
  let nextWorker = 0;
  let closing = false;
  let quickDeaths = 0;
  /** performance.now() until which hosts that die before they connect restart on their backoff only. */
  const backoffUntil = new Map<string, number>();
  const jitless = options.adapter.jitlessServerless;
  /**
   * Scripts whose request took HEAVY_CPU_MS or more in a Worker without a JIT, or ran out of its
   * @timeout computing there.
   */
  const heavyScripts = createHeavyScripts(options.heavyScriptsFile ?? null);

  const requests = createWorkerRequests({
    deadlines,
    terminateStopsLoops: options.adapter.terminateStopsLoops,
    deliver,
    terminate,
    gone,
    condemn: (host, reason) => condemn(host, reason),
    onSettled(worker, cpuMs) {
      if (worker.ephemeral) {
        if (cpuMs !== null && cpuMs >= HEAVY_CPU_MS) markHeavy(worker);
        serverlessOf(worker.host).answered(worker);
      } else workerMode.settled(worker);
      maybeKillCondemned(worker.host);
    },
    // A request that ran out of time computing may have missed its deadline for want of a JIT.
    onExpired(worker, busy) {
      if (busy) markHeavy(worker);
    },
    onReady: (worker) => serverlessOf(worker.host).booted(worker),
    onPatch: options.onPatch,
    onConsole: (worker, text) => worker.unit && options.onConsole(worker.unit, text),
    onFetch: options.onFetch,
    log: options.log,
  });
  const workerMode = createWorkerMode({
    maxWorkers: options.maxWorkers,
    snapshot: options.snapshot,
    liveOrNew: () => liveOrNew("worker", true),
    live: () => live("worker", true),
    spawn: spawnWorker,
    deliver,
    terminate,
    closeSockets: requests.closeSockets,
  });
  /** The stock of serverless Workers on the hosts with (`jit`) or without a JIT. */
  const stockOn = (jit: boolean) =>
    createServerless({
      stock: options.stock,
      queueLimit: options.queueLimit,
      waitMs: options.waitMs,
      deadlines,
      closing: () => closing,
      live: () => live("serverless", jit),
      liveOrNew: () => liveOrNew("serverless", jit),
      spawn: spawnWorker,
      dialingSpares: options.adapter.dialingSpares,
      load: (host) => [...workers.values()].filter((w) => w.host === host).length,
      booting: (host) => [...workers.values()].filter((w) => w.host === host && !w.booted).length,
      deliver,
      terminate,
      start: requests.start,
    });
  // Serverless scripts run on hosts without a JIT where the runtime has them; the heavy ones (and
  // all of them elsewhere) on hosts with one, which start with the first heavy script.
  const serverless = stockOn(!jitless);
  const heavyServerless = jitless ? stockOn(true) : serverless;
  const serverlessOf = (host: Host) => (host.jit ? heavyServerless : serverless);

  const processes = createHosts({
    adapter: options.adapter,
    workerUrl: options.workerUrl,
    scriptsRoot: options.scriptsRoot,
    firstHost: options.firstHost,
    onHostExit(host, reason) {
      const index = hosts.indexOf(host);
      if (index >= 0) hosts.splice(index, 1);
      const why = host.killedFor ?? `its host process exited (${reason})`;
      for (const worker of workers.values()) if (worker.host === host) gone(worker, why);
      if (closing) return;
      // A host that dies young again and again is restarted ever more slowly, never in a tight loop.
      quickDeaths = performance.now() - host.startedAt < 1000 ? quickDeaths + 1 : 0;
      const delay = quickDeaths === 0 ? 0 : Math.min(100 * 2 ** quickDeaths, 5000);
      // One that never connected is no script's doing (a broken install, no memory for a process):
      // until its restart, requests that find no host answer 503 rather than each start another.
      backoffUntil.set(kindOf(host.mode, host.jit), host.hello ? 0 : performance.now() + delay);
      if (!host.condemned) {
        options.log(
          `worker host ${host.pid} exited (${reason}); starting a new one in ${delay} ms`,
        );
      }
      setTimeout(() => {
        if (!closing && live(host.mode, host.jit).length < options.size) {
          addHost(host.mode, host.jit);
        }
      }, delay);
    },
    onWorker(id, token, link) {
      const worker = workers.get(id);
      if (!worker || worker.link || worker.gone || !safeEqual(worker.token, token)) return null;
      worker.link = link;
      for (const [message, body] of worker.outbox.splice(0)) link.send(message, body);
      return (message, body) => requests.receive(worker, message, body);
    },
    onHostMessage(_host, message, body) {
      const worker = message.t === "hello" ? undefined : workers.get(message.workerId);
      if (!worker) return;
      switch (message.t) {
        case "from-worker":
          return requests.receive(worker, message.message, body);
        case "worker-exit":
          return gone(worker, "the Worker exited");
        case "hello":
          return;
        default:
          return message satisfies never;
      }
    },
    onWorkerClosed(id) {
      const worker = workers.get(id);
      // A host the server killed closes its Workers' sockets before its exit is seen: say why.
      if (worker) gone(worker, worker.host.killedFor ?? "the Worker exited");
    },
  });

  function addHost(mode: Mode, jit: boolean): Host {
    const host = processes.spawn(mode, jit);
    hosts.push(host);
    if (mode === "serverless") serverlessOf(host).fill(host);
    else workerMode.prime(host);
    return host;
  }

  function live(mode: Mode, jit: boolean): Host[] {
    return hosts.filter((h) => !h.condemned && h.mode === mode && h.jit === jit);
  }

  function kindOf(mode: Mode, jit: boolean): string {
    return jit ? mode : `${mode} without a JIT`;
  }

  /** A serverless Worker without a JIT found heavy: its script's next requests go to hosts with one. */
  function markHeavy(worker: WorkerRecord): void {
    if (worker.ephemeral && !worker.host.jit && worker.unit) heavyScripts.add(worker.unit);
  }

  /**
   * The live hosts of a mode; a request that finds none (one died and waits to restart) starts one
   * now. Not while hosts die before they connect: every request would start a process, hundreds a
   * second under load, so it answers 503 until the backoff's own restart.
   */
  function liveOrNew(mode: Mode, jit: boolean): Host[] {
    const candidates = live(mode, jit);
    if (candidates.length > 0) return candidates;
    const wait = Math.ceil((backoffUntil.get(kindOf(mode, jit)) ?? 0) - performance.now());
    if (wait > 0) {
      throw new ServerError(
        "UNAVAILABLE",
        `The script host processes exit before they connect (the server's log says why); ` +
          `the next starts in ${wait} ms: retry then`,
        { headers: { "retry-after": String(Math.ceil(wait / 1000)) } },
      );
    }
    return [addHost(mode, jit)];
  }

  /**
   * A new Worker on `host`. A worker-mode one opens its own socket to the server (`direct`); a
   * serverless one speaks through its host, but for a warm spare readied in idle time on Bun
   * (serverless.ts): dialling would need, on Deno, write permission on the socket's path (a script
   * could remove it), and on Bun the dial and the server's accept cost more than the relay
   * (JIT-less hosts, 50 connections, alternated: 270 -> 297 served a second).
   */
  function spawnWorker(host: Host, direct = host.mode === "worker"): WorkerRecord {
    nextWorker += 1;
    const worker: WorkerRecord = {
      id: `w${nextWorker}`,
      token: randomHex(18),
      host,
      link: null,
      outbox: [],
      unit: null,
      name: "",
      ephemeral: false,
      warmAfter: false,
      pending: createSlots(),
      pongs: new Map(),
      gone: false,
      booted: false,
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

  function deliver(worker: WorkerRecord, message: ToWorker, body: Body | null = null): void {
    if (worker.link) worker.link.send(message, body);
    else worker.outbox.push([message, body]);
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
    serverlessOf(worker.host).forget(worker);
    workerMode.forget(worker);
    requests.abandon(worker, reason);
    maybeKillCondemned(worker.host);
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
    if (replace) addHost(host.mode, host.jit);
    maybeKillCondemned(host);
    setTimeout(() => host.kill(), options.drainMs).unref?.();
  }

  function maybeKillCondemned(host: Host): void {
    if (!host.condemned) return;
    const busy = [...workers.values()].some((w) => w.host === host && w.pending.size > 0);
    if (!busy) host.kill();
  }

  const stopWatching = watchMemory(() => hosts, options.memoryMb, options.log);

  // Not waiting for the hosts to connect: messages queue until they do, so the server can listen
  // (and a first request start its work) while they boot. One worker-mode host now, the rest a
  // second later (or a serverless one at its first request): booting them all at once shares
  // the cores with the first requests (Bun, first response with 1,000 scripts: 250 -> 330+ ms).
  const kinds: [Mode, boolean][] = [["worker", true], ["serverless", !jitless]];
  addHost("worker", true);
  const more = setTimeout(() => {
    for (const [mode, jit] of kinds) {
      for (let i = live(mode, jit).length; i < options.size && !closing; i++) addHost(mode, jit);
    }
  }, EXTRA_HOSTS_AFTER_MS);
  more.unref?.();

  return {
    run(unit, request, body, timeoutMs, upgrade) {
      return new Promise<RunOutcome>((resolve, reject) => {
        const job = {
          unit,
          request,
          body,
          timeoutMs,
          upgrade,
          resolve,
          reject,
          stopWaiting: NO_TIMER,
        };
        if (unit.mode !== "serverless") requests.start(workerMode.workerFor(unit), job);
        else if (heavyScripts.has(unit)) heavyServerless.run(job);
        else serverless.run(job);
      });
    },
    broadcast: (patch) => workerMode.broadcast(patch),
    recycle: (instance) => workerMode.recycle(instance),
    get workerModeCount() {
      return workerMode.count;
    },
    hosts: () => hosts.map((h) => ({ pid: h.pid, mode: h.mode })),
    async restart() {
      const old = [...hosts];
      const fresh = old.map((host) => addHost(host.mode, host.jit));
      for (const host of old) condemn(host, "restart requested", false);
      await Promise.all(fresh.map((h) => h.connected));
    },
    async close() {
      closing = true;
      clearTimeout(more);
      stopWatching();
      serverless.close();
      heavyServerless.close();
      await processes.close();
      await heavyScripts.flush();
    },
  };
}
