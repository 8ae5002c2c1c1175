/**
 * The composition root: builds the server's parts in dependency order (config -> compiler,
 * installer, shared store -> instances -> Worker pool -> pipeline -> HTTP) and hands the
 * management API, given by the caller, a ServerControl.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { getAdapter } from "./adapter/index.ts";
import type { ChildHandle, RunningServer } from "./adapter/types.ts";
import { createCompiler } from "./compile/compiler.ts";
import { createDirectiveStore } from "./directives/store.ts";
import { createWorkerPool } from "./host/pool.ts";
import { sandboxBundle } from "./compile/sandbox-bundle.ts";
import type { ManagementApp, ManagementLoader, ServerControl } from "./control.ts";
import { createLogger, type Logger } from "./log.ts";
import { resolveConfig, type ResolvedConfig, type ServeConfig } from "./server/config.ts";
import { createPipeline, type PipelineHooks } from "./server/pipeline.ts";
import { ensurePackagesWith } from "./packages/index.ts";
import { createInstaller } from "./packages/installer.ts";
import { typeChecker } from "./typecheck/typecheck.ts";
import { createSharedStore } from "./server/shared-state.ts";
import type { SharedPatch } from "./protocol/messages.ts";
import { createWebSockets } from "./server/websockets.ts";
import { ServerError, toErrorResponse } from "./errors.ts";
import type { SocketMetrics } from "./server/websocket-metrics.ts";
import { createMonitor } from "./monitor/monitor.ts";
import { combineHooks } from "./server/combine-hooks.ts";
import { createLogWriter } from "./logs/writer.ts";
import { createConsoleSink } from "./logs/console-sink.ts";
import { tokenOf } from "./server/units.ts";
import { createAccessLog } from "./logs/access.ts";
import { realClock, type ScheduleClock } from "./schedule/clock.ts";
import { DASHBOARD_PATH } from "./server/management-path.ts";
import { createInstanceRegistry } from "./server/instances.ts";
import { watchScripts } from "./server/scripts-watcher.ts";
import { createScheduler } from "./schedule/scheduler.ts";
import { createFireHistory } from "./schedule/history.ts";
import { createProxy } from "./proxy/proxy.ts";

/**
 * How long a serverless request may wait for a Worker when every host is spawning as fast as it
 * can: past it, 503 with Retry-After (shedding, within a typical client's timeout) rather than a
 * client left hanging. Measured: with 3 s, Deno at 50 connections (26 Workers/s) left 79 clients
 * past wrk's 2 s timeout. At 50 connections on one core Deno serves ~60 a second, so a request
 * waits ~0.85 s on average (50 / 60). With a third of that core (two busy loops beside it, ~30 a
 * second) 1.5 s shed 15-16 requests in 5 s, 1.8 s 0-5, and none timed out (p99 1.77-1.91 s): a
 * Worker once found answers within a few ms, so the last 0.2 s before the client gives up are
 * enough for it. (A noisy neighbour in one bench run shed 15 at 1.5 s.)
 */
const SERVERLESS_WAIT_MS = 1800;
/** When a start looks through the compile cache for entries to remove. */
const CACHE_PRUNE_AFTER_MS = 10_000;

export interface RunningHoodyExec {
  readonly port: number;
  readonly url: string;
  readonly config: ResolvedConfig;
  /** WebSocket counts per script and in total (for monitoring). */
  readonly websocketMetrics: SocketMetrics["read"];
  /**
   * Stops the server. With `drainMs`, script requests answer 503 meanwhile and the running ones may
   * finish for that long first (a stop signal gives them STOP_DRAIN_MS); without, they fail now.
   */
  stop(drainMs?: number): Promise<void>;
}

/** How long a stop signal lets running script requests finish (main.ts). */
export const STOP_DRAIN_MS = 5000;

/** What the caller plugs in beside the config. */
export interface ServeParts {
  /** The management API (main.ts passes management/load.ts); without one its paths answer 404. */
  management?: ManagementLoader;
  /** Called with every response the front gives (`hoody-exec dev` logs a line per request). */
  hooks?: PipelineHooks;
  log?: Logger;
  /** The scheduler's clock (docs/schedules.md); tests pass one they move by hand. */
  scheduleClock?: ScheduleClock;
  /**
   * A worker-mode host process started before `serve` was loaded (main.ts, host-process.ts): the
   * pool's first host, ended with the pool. Its starter ends it if `serve` rejects.
   */
  firstHost?: ChildHandle;
}

const NO_MANAGEMENT: ManagementApp = {
  fetch: () => toErrorResponse(new ServerError("NOT_FOUND", "This server has no management API")),
};

/** Starts the whole server: compiler, Worker hosts, watcher, management API and the HTTP front. */
export async function serve(
  input: ServeConfig = {},
  parts: ServeParts = {},
): Promise<RunningHoodyExec> {
  const adapter = await getAdapter();
  const config = resolveConfig(input, adapter.name);
  const log = parts.log ?? createLogger(config.quiet);
  // Compiled scripts and their parsed directives, by content hash.
  const cacheDir = join(config.root, "_hoody", "cache");
  makeFolder(cacheDir, "compiled scripts");
  // Bun's resolver remembers, for the life of a process, that a folder was missing: a host that
  // started before the first install would never see the packages installed into it.
  makeFolder(join(config.root, "node_modules"), "installed packages");

  const compiler = createCompiler({ cacheDir });
  const installer = createInstaller({
    root: config.root,
    runtime: adapter.name,
    exec: process.execPath,
    timeoutMs: config.installTimeoutMs,
  });
  // With --state kv, every instance's `shared` is loaded from disk before the first request. Its
  // module (Deno KV's) is loaded only then: ~20 ms of every other server's start.
  const shared = config.state === "kv"
    ? await (await import("./state/durable-store.ts")).openDurableSharedStore({
      path: join(config.root, "_hoody", "kv", "state.sqlite3"),
      warn: (line) => log.warn(line),
    })
    : createSharedStore();
  // Execution and access logs under _hoody/logs/<instance>/ (docs/logs.md).
  const logs = createLogWriter({
    root: config.root,
    maxFileBytes: config.logMaxFileBytes,
    maxTotalBytes: config.logMaxTotalBytes,
    warn: (line) => log.warn(line),
  });
  const accessLog = createAccessLog(logs);

  const workerUrl = sandboxBundle(compiler).then((bundle) => adapter.workerModule(bundle));
  const pool = createWorkerPool({
    adapter,
    workerUrl,
    scriptsRoot: config.root,
    firstHost: parts.firstHost,
    size: config.hosts,
    stock: config.stock,
    drainMs: 30_000,
    memoryMb: config.memoryMb,
    maxWorkers: config.maxWorkers,
    queueLimit: config.queueLimit,
    waitMs: SERVERLESS_WAIT_MS,
    heavyScriptsFile: join(config.root, "_hoody", "heavy-scripts.json"),
    onPatch: (patch) => applyShared(patch),
    onConsole: createConsoleSink({ writer: logs, tokenOf }),
    snapshot: (instance) => shared.get(instance),
    // A script's relative fetch("/x") comes back through the pipeline: the one reference to a
    // part built below (pool and pipeline need each other; this call only happens once both exist).
    onFetch: async (info, body) => {
      const response = await pipeline.fetch(
        new Request(info.url, { method: info.method, headers: info.headers, body }),
        "127.0.0.1",
      );
      const bytes = response.body ? new Uint8Array(await response.arrayBuffer()) : null;
      return { response: { status: response.status, headers: [...response.headers] }, body: bytes };
    },
    log: (line) => log.warn(line),
  });
  const applyShared = (patch: SharedPatch) => {
    shared.apply(patch);
    pool.broadcast(patch);
  };

  const instances = createInstanceRegistry(config.root, {
    compiler,
    directives: createDirectiveStore(join(cacheDir, "directives")),
    log,
    ensurePackages: ensurePackagesWith(installer),
  });
  // `@schedule` scripts, armed from disk (below: a second after start) and re-armed on every change
  // the watcher reports.
  const scheduler = createScheduler({
    root: config.root,
    instances,
    fetch: (request) => pipeline.fetch(request, "127.0.0.1"),
    origin: () => origin,
    clock: parts.scheduleClock ?? realClock,
    history: createFireHistory({
      dir: join(config.root, "_hoody", "schedules"),
      maxFileBytes: 1024 * 1024,
      keep: 4,
      warn: (line) => log.warn(line),
    }),
    log,
  });
  // The watcher and the scheduler start a second after start: a recursive watch walks the whole
  // tree at once, on this thread (Deno: 45 ms for the bench root's 111 folders, twice that beside
  // a booting host), and the scheduler's scan of every instance's scripts takes ~50 ms on Deno;
  // either would delay the first response. What was read before the watch began is checked
  // against the disk (a schedules call before it starts the scheduler at once), so an edit in
  // between is not missed.
  let unwatch = () => {};
  const arming = setTimeout(() => {
    try {
      unwatch = watchScripts(adapter, config.root, (relative) => {
        instances.changed(relative);
        scheduler.changed(relative);
      });
    } catch (error) {
      // In a timer, a throw would end a running server. Writes through the management API still
      // take effect (they tell the instance themselves); edits made on disk do not.
      log.warn(
        `the file watcher could not start (${(error as Error).message}): edits made on disk ` +
          "take effect after a restart (on Linux, raise fs.inotify.max_user_watches)",
      );
    }
    instances.recheck().catch((error: Error) =>
      log.warn(`could not re-read scripts: ${error.message}`)
    );
    scheduler.rescan();
    void scheduler.start();
  }, 1000);
  arming.unref?.();
  const socketLimits = {
    maxConnections: config.wsMaxConnections,
    maxMessageBytes: config.wsMaxMessageBytes,
    idleTimeoutSeconds: config.wsIdleTimeoutSeconds,
    backpressureBytes: config.wsBackpressureBytes,
  };
  const websockets = createWebSockets(socketLimits);
  const monitor = createMonitor({
    queues: () => pipeline.queues(),
    hosts: () => pool.hosts(),
    sockets: () => websockets.metrics.read(),
  });
  let origin = "";
  // Proxied services and their hooks (docs/proxy-hooks.md): null without --upstream.
  const proxy = await createProxy({ config, instances, pool, selfOrigin: () => origin });
  const pipeline = createPipeline({
    config,
    instances,
    pool,
    websockets,
    log,
    hooks: combineHooks({ onRequest: accessLog }, { onRequest: monitor.record }, parts.hooks),
    management: async (request, clientIp) => (await management()).fetch(request, { clientIp }),
    selfOrigin: () => origin,
    proxy: proxy.front,
  });
  const clearCompiled = () => {
    compiler.clear();
    instances.clear();
  };
  const control: ServerControl = {
    root: config.root,
    adminToken: config.adminToken,
    defaultInstance: config.defaultInstance,
    startedAt: Date.now(),
    debug: config.debug,
    log,
    instances,
    compiler,
    shared,
    installer,
    typeChecker,
    applyShared,
    activeRequests: () => pipeline.activeRequests(),
    clearCompiled,
    recycleWorkers: (instance) => pool.recycle(instance),
    workerModeCount: () => pool.workerModeCount,
    flushLogs: () => logs.flush(),
    monitor,
    schedules: scheduler,
    proxy: proxy.control,
    restart: async ({ drainTimeoutMs, reason }) => {
      log.warn(`restarting: ${reason}`);
      monitor.restarted();
      await pipeline.drain(drainTimeoutMs, "restarting");
      try {
        clearCompiled();
        await pool.restart();
      } finally {
        pipeline.resume();
      }
    },
    versionLimits: { perScript: config.versionsKeep, totalBytes: config.versionsMaxBytes },
  };
  // Loaded on first use (or a second after start): its ~70 ms of imports would otherwise delay
  // the first script response, which needs none of it.
  let app: Promise<ManagementApp> | null = null;
  const management = () => app ??= parts.management?.(control) ?? Promise.resolve(NO_MANAGEMENT);
  setTimeout(() => void management(), 1000).unref?.();
  // The cache's entries no server has used for a month go (compile/cache-prune.ts), once the
  // start's own reads are done.
  const pruning = setTimeout(() => {
    compiler.prune().then(
      (removed) => removed > 0 && log.info(`cache: removed ${removed} files unused for 30 days`),
      (error: Error) => log.warn(`cache: pruning failed: ${error.message}`),
    );
  }, CACHE_PRUNE_AFTER_MS);
  pruning.unref?.();

  /**
   * Ends what the start made, in order: the timers, the watcher and the scheduler (no fire starts
   * from now; the running ones drain or end with the pool, and are recorded), the HTTP front once
   * there is one (after `drainMs` for the running requests), the Worker hosts, the stores.
   */
  const release = async (front: RunningServer | null, drainMs = 0): Promise<void> => {
    clearTimeout(arming);
    clearTimeout(pruning);
    unwatch();
    const scheduled = scheduler.stop();
    if (drainMs > 0) await pipeline.drain(drainMs, "stopping");
    await front?.stop();
    pipeline.observe();
    await pool.close();
    await scheduled;
    await shared.close();
    await logs.close();
    compiler.close();
  };
  // A start that fails from here (a sandbox that cannot be bundled, a port it cannot listen on)
  // ends what it started, as a stop does: no host process, timer, watcher or open store outlives
  // it (the watcher and the scheduler arm a second after start, a first bundle may take longer).
  const abandon = async (error: unknown): Promise<never> => {
    await release(null);
    throw error;
  };
  // The hosts have booted meanwhile; a sandbox that cannot be bundled stops the start here.
  await workerUrl.catch(abandon);
  let server: RunningServer;
  try {
    server = await adapter.serve({
      hostname: config.host,
      port: config.port,
      maxRequestBodySize: config.maxBodyBytes,
      fetch: pipeline.fetch,
      websocket: socketLimits,
    });
  } catch (error) {
    // Bun's serve throws where Deno's rejects: both land here.
    return await abandon(listenError(error, config.host, config.port));
  }
  const loopback = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  origin = `http://${loopback.includes(":") ? `[${loopback}]` : loopback}:${server.port}`;
  log.info(`hoody-exec on ${adapter.name}: serving ${config.root} at ${origin}`);
  if (parts.management) log.info(`dashboard: ${origin}${DASHBOARD_PATH}`);

  return {
    port: server.port,
    url: origin,
    config,
    websocketMetrics: () => websockets.metrics.read(),
    stop: (drainMs = 0) => release(server, drainMs),
  };
}

/** Why the server cannot listen, in words that say what to do (both runtimes set `code`). */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "EADDRINUSE") {
    return new Error(
      `cannot listen on ${host}:${port}: the port is in use. Stop what listens there, or choose ` +
        "another port with --port",
    );
  }
  if (code === "EADDRNOTAVAIL") {
    return new Error(
      `cannot listen on ${host}:${port}: this machine has no such address. Choose one of its ` +
        "addresses with --host (127.0.0.1, or 0.0.0.0 for all)",
    );
  }
  return error;
}

/** A folder the server writes to, made if missing; else a start error that says what to do. */
function makeFolder(path: string, what: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new Error(
      `cannot make the folder ${path} (${what}): ${(error as Error).message}. ` +
        "Make the scripts root writable, or move away the file that has that name",
    );
  }
}
