import { ServerError } from "../errors.ts";
import type { Body, ToWorker, Unit } from "../protocol/messages.ts";
import type { Deadlines } from "./deadlines.ts";
import type { Host } from "./hosts.ts";
import { createWarmSet } from "./warm.ts";
import type { Job, WorkerRecord } from "./worker-record.ts";

const WARM_IDLE_MS = 30_000;
/**
 * Workers a host boots at once. Unbounded, a burst of answers (a host relays a turn's answers in
 * one frame) started as many boots side by side; on Deno each then took over a second and their
 * requests answered together past a client's timeout, and the next burst repeated it.
 */
const MAX_BOOTING_PER_HOST = 2;
/** The most ready Workers a host keeps after bursts, unless `--stock` asks for more. */
const BURST_STOCK = 8;
/**
 * A script whose last two requests came at least this far apart gets a spare that dials the
 * server (`readySpare`): it is booted long before the next, and the dial's CPU is idle time's.
 * Closer together (one connection back to back, ~3 ms apart on Bun), a dialling spare cost each
 * request ~0.3 ms more CPU (321 -> 298 served a second) for no latency won.
 */
const DIAL_GAP_MS = 20;
/** Each interval this long in which no request waited takes the stock a step back to `--stock`. */
const STOCK_SHRINK_MS = 5_000;

export interface ServerlessOptions {
  /** Booted Workers kept per host at the least (and warm ones per hot script). */
  stock: number;
  /** How often a quiet stock shrinks a step (STOCK_SHRINK_MS; tests pass less). */
  shrinkMs?: number;
  /** Requests that may wait for a Worker at once; more answer 503 at once. */
  queueLimit: number;
  /** How long a request waits for a Worker before it answers 503 with Retry-After. */
  waitMs: number;
  deadlines: Deadlines;
  closing(): boolean;
  /** The live hosts this stock draws on. */
  live(): Host[];
  /** The live hosts, else a new one; throws 503 while hosts die before they connect (pool.ts). */
  liveOrNew(): Host[];
  /**
   * A new serverless Worker on `host`: it speaks through its host, or with `direct` opens its own
   * socket to the server.
   */
  spawn(host: Host, direct?: boolean): WorkerRecord;
  /** Whether a warm spare readied while nobody waits may open its own socket (adapter `dialingSpares`). */
  dialingSpares: boolean;
  /** How many Workers a host runs now. */
  load(host: Host): number;
  /** How many of them have not said they booted yet. */
  booting(host: Host): number;
  deliver(worker: WorkerRecord, message: ToWorker, body?: Body | null): void;
  terminate(worker: WorkerRecord): void;
  /** `waited`: the job waited in the queue for its Worker (messages.ts, `run`). */
  start(worker: WorkerRecord, job: Job, waited: boolean): void;
}

export interface Serverless {
  /** Starts `job` on a ready Worker, or queues it (bounded in length and time) for the next one. */
  run(job: Job): void;
  /** A new serverless host: its stock boots now, and waiting requests get what is ready. */
  fill(host: Host): void;
  /** The Worker answered: it goes, and a warm replacement (if earned) and the stock follow. */
  answered(worker: WorkerRecord): void;
  /** A Worker finished booting: its host may start another, and a dialing spare turns warm. */
  booted(worker: WorkerRecord): void;
  /** The Worker is gone: it is no longer in the stock or the warm set. */
  forget(worker: WorkerRecord): void;
  close(): void;
}

/**
 * Serverless mode (the default): a fresh Worker per request. Each host keeps a stock of booted
 * Workers, a hot script gets Workers that already imported it (warm), and a request that finds
 * neither waits in one bounded queue while the stock refills as fast as the hosts can spawn.
 */
export function createServerless(options: ServerlessOptions): Serverless {
  const stock: WorkerRecord[] = [];
  /** Requests waiting for a Worker, in arrival order. */
  const waiting: Job[] = [];
  // At least one: a serverless request waits for the stock, so an empty stock would serve none.
  const floor = Math.max(1, options.stock);
  const ceiling = Math.max(floor, BURST_STOCK);
  /**
   * The ready Workers each host keeps now. A request that found none adds one (up to the ceiling),
   * so the next burst of that size finds them ready; each quiet interval takes one away.
   */
  let stockSize = floor;
  let waitedLately = false;
  const shrinker = setInterval(() => {
    if (!waitedLately && stockSize > floor) shrink();
    waitedLately = false;
  }, options.shrinkMs ?? STOCK_SHRINK_MS);
  shrinker.unref?.();
  const warm = createWarmSet<WorkerRecord>({
    perScript: options.stock,
    total: 64,
    idleMs: WARM_IDLE_MS,
  });
  /** Dialing spares still booting, by the script they will be warm for (`readySpare`). */
  const coming = new Map<WorkerRecord, string>();
  const sweeper = setInterval(() => {
    for (const worker of warm.sweep(Date.now())) options.terminate(worker);
  }, WARM_IDLE_MS / 2);
  sweeper.unref?.();

  /**
   * Gives a Worker its script: it serves one request with it and is terminated. `ahead`: no
   * request is waiting for it yet (a warm spare).
   */
  function initialised(worker: WorkerRecord, unit: Unit, ahead: boolean): WorkerRecord {
    worker.ephemeral = true;
    worker.unit = unit;
    // A rehearsal only pays off in idle time: it takes the first runs of the request path off a
    // request that comes later (paced p50), and costs its CPU whenever one already waits.
    const rehearse = ahead && waiting.length === 0;
    options.deliver(worker, { t: "init", unit, shared: {}, rehearse });
    return worker;
  }

  /** A Worker from the stock (booted, or booting with its messages queued), or null if it is empty. */
  function takeWorker(): WorkerRecord | null {
    const index = stock.findIndex((w) => !w.host.condemned);
    return index >= 0 ? stock.splice(index, 1)[0]! : null;
  }

  /** A warm Worker holding the script, else one from the stock; null when there is none. */
  function workerFor(unit: Unit): WorkerRecord | null {
    const hit = warm.take(unit.key);
    const fresh = hit ? null : takeWorker();
    const worker = hit ?? (fresh && initialised(fresh, unit, false));
    if (!worker) return null;
    // Once answered, it is replaced by a Worker holding the same script: after a hit, or once on
    // the first miss; after any other miss only if no request waits by then (`replace`). Never on
    // every miss under load: that would double the spawns.
    worker.warmAfter = hit !== undefined || !warm.has(unit.key);
    warm.keep(unit.key);
    return worker;
  }

  /** A new Worker on the live host that runs the fewest, unless none is live or it is busy booting. */
  function spawnOnLeastBusy(direct = false): WorkerRecord | null {
    const hosts = options.live();
    if (hosts.length === 0) return null;
    return spawnIfRoom(hosts.reduce((a, b) => options.load(b) < options.load(a) ? b : a), direct);
  }

  /** A new Worker on `host`, unless it already boots as many as it may at once. */
  function spawnIfRoom(host: Host, direct = false): WorkerRecord | null {
    return options.booting(host) < MAX_BOOTING_PER_HOST ? options.spawn(host, direct) : null;
  }

  /** One ready Worker fewer per host: the surplus goes (a booting one first, it did least). */
  function shrink(): void {
    stockSize -= 1;
    for (const host of options.live()) {
      const held = stock.filter((w) => w.host === host);
      const surplus = held.sort((a, b) => Number(a.booted) - Number(b.booted))
        .slice(0, Math.max(0, held.length - stockSize));
      for (const worker of surplus) options.terminate(worker);
    }
  }

  /** Every live host back to its stock of Workers, and the waiting requests handed what is there. */
  function topUp(): void {
    for (const host of options.closing() ? [] : options.live()) refill(host);
    serveWaiting();
  }

  /**
   * Spawns toward the host's stock: `--stock` as fast as the host may boot, the Workers a burst
   * added one boot at a time and only while no request waits (each Worker then goes to one of them
   * as it comes, and boots side by side cost Deno more each: refilled two at a time, the grown
   * stock served 5% fewer a second at 50 connections).
   */
  function refill(host: Host): void {
    let count = stock.filter((w) => w.host === host).length;
    for (let worker; count < floor && (worker = spawnIfRoom(host)); count++) stock.push(worker);
    if (count < stockSize && waiting.length === 0 && options.booting(host) === 0) {
      stock.push(options.spawn(host));
    }
  }

  /**
   * Requests that found no Worker get the next ones, in order: the stock is refilled as fast as
   * the hosts can spawn (that is the throughput), never by a spawn per waiting request, which on
   * Deno (a spawn blocks its host for ~15 ms) starved every request at once.
   */
  function serveWaiting(): void {
    for (let i = 0; i < waiting.length;) {
      const job = waiting[i]!;
      const worker = workerFor(job.unit);
      if (!worker) {
        i += 1;
        continue;
      }
      waiting.splice(i, 1);
      job.stopWaiting();
      options.start(worker, job, true);
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
    // No serverless host yet (the first request of its kind) or none alive: one starts now, and
    // its stock serves the queue. While hosts die before they connect, a 503 at once instead.
    const starting = !options.closing() && options.live().length === 0;
    if (starting) {
      try {
        options.liveOrNew();
      } catch (error) {
        if (error instanceof ServerError) return job.reject(error);
        throw error;
      }
    }
    waiting.push(job);
    waitedLately = true;
    // One that waits for the host to start says nothing about bursts.
    if (!starting && stockSize < ceiling) stockSize += 1;
    job.stopWaiting = options.deadlines.add(options.waitMs, () => {
      const index = waiting.indexOf(job);
      if (index >= 0) waiting.splice(index, 1);
      shed(`no serverless Worker was free within ${options.waitMs} ms`);
    });
    if (starting) serveWaiting();
  }

  /**
   * The answered Worker goes; a warm replacement (if earned) and the stock follow. A miss earns one
   * too once nobody waits: a burst can use up a hot script's warm Workers while every request misses,
   * and its light load after would otherwise load the script on every request's path (Bun, paced
   * after a burst: p50 2.9 ms instead of 1.8).
   */
  function replace(worker: WorkerRecord): void {
    options.terminate(worker);
    const unit = worker.unit;
    const earned = worker.warmAfter || waiting.length === 0;
    if (!options.closing() && earned && unit && warm.wants(unit.key)) readySpare(unit);
    topUp();
  }

  /**
   * A warm spare for `unit`. While nobody waits and the script's requests come `DIAL_GAP_MS` apart
   * or more, where the runtime allows it, a new Worker that opens its own socket to the server,
   * warm once it has booted: its run and its answer skip the host's relay (Bun, paced at 20 a
   * second: p50 0.10-0.18 ms lower). Otherwise one from the stock, warm at once: the dial and the
   * accept cost each Worker CPU (every serverless Worker dialling, 50 connections: 438 -> 307
   * served a second).
   */
  function readySpare(unit: Unit): void {
    // One on its way already is the script's spare once it has booted.
    if ([...coming.values()].includes(unit.key)) return;
    const dials = options.dialingSpares && waiting.length === 0 &&
      warm.gap(unit.key) >= DIAL_GAP_MS;
    const dialing = dials ? spawnOnLeastBusy(true) : null;
    if (dialing) {
      coming.set(dialing, unit.key);
      initialised(dialing, unit, true);
      return;
    }
    const spare = takeWorker() ?? spawnOnLeastBusy();
    if (spare) warm.add(unit.key, initialised(spare, unit, true));
  }

  return {
    run(job) {
      const worker = workerFor(job.unit);
      if (worker) options.start(worker, job, false);
      else wait(job);
    },
    fill(host) {
      refill(host);
      serveWaiting();
    },
    /**
     * Never before the answer: the spent Worker's aftermath (its termination, the warm replacement,
     * the stock's next spawn) is milliseconds of CPU in its host (a spawn holds the host's thread,
     * tens of ms on Deno), and the answer, relayed by that thread and needing the same cores, would
     * wait behind it. With nobody waiting it starts once the answer has left (a timer runs after
     * Bun writes the response, setImmediate does not: paced p50 on Bun 2.6 ms instead of 3.5);
     * with requests waiting, the stock's refill is what they wait for, so it starts at once.
     */
    answered(worker) {
      if (waiting.length === 0) setTimeout(() => replace(worker), 1);
      else replace(worker);
    },
    booted(worker) {
      const key = coming.get(worker);
      if (key !== undefined) {
        coming.delete(worker);
        // Its script went quiet meanwhile (the sweep forgot it): not kept warm for it.
        if (warm.has(key)) warm.add(key, worker);
        else options.terminate(worker);
      }
      topUp();
    },
    forget(worker) {
      coming.delete(worker);
      const index = stock.indexOf(worker);
      if (index >= 0) stock.splice(index, 1);
      warm.remove(worker);
    },
    close() {
      clearInterval(sweeper);
      clearInterval(shrinker);
    },
  };
}
