import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { getAdapter } from "./adapter/index.ts";
import { createCompiler } from "./compile/compiler.ts";
import { createWorkerPool } from "./host/pool.ts";
import { sandboxBundle } from "./compile/sandbox-bundle.ts";
import type { Hono } from "hono";
import type { ManagementContext } from "../management/context.ts";
import type { ManagementEnv } from "../management/env.ts";
import { createLogger, type Logger } from "./log.ts";
import { resolveConfig, type ResolvedConfig, type ServeConfig } from "./server/config.ts";
import { createPipeline } from "./server/pipeline.ts";
import { ensurePackagesFor } from "./packages/index.ts";
import { createSharedStore } from "./server/shared-state.ts";
import type { SharedPatch } from "./protocol/messages.ts";
import {
  createWebSockets,
  DEFAULT_WEBSOCKET_OPTIONS,
  type WebSocketOptions,
} from "./server/websockets.ts";
import type { SocketMetrics } from "./server/websocket-metrics.ts";

/**
 * How long a serverless request may wait for a Worker when every host is spawning as fast as it
 * can: past it, 503 with Retry-After (shedding, within a typical client's timeout) rather than a
 * client left hanging.
 */
const SERVERLESS_WAIT_MS = 1000;

export interface RunningHoodyExec {
  readonly port: number;
  readonly url: string;
  readonly config: ResolvedConfig;
  /** WebSocket counts per script and in total (for monitoring). */
  readonly websocketMetrics: SocketMetrics["read"];
  stop(): Promise<void>;
}

/** WebSocket limits: the defaults, the `HOODY_EXEC_WS_*` environment, then what the caller gives. */
function resolveWebSocketOptions(given: Partial<WebSocketOptions> = {}): WebSocketOptions {
  const env = (name: string, fallback: number) => {
    const value = Number(process.env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  const d = DEFAULT_WEBSOCKET_OPTIONS;
  return {
    maxConnections: env("HOODY_EXEC_WS_MAX_CONNECTIONS", d.maxConnections),
    maxMessageBytes: env("HOODY_EXEC_WS_MAX_MESSAGE_BYTES", d.maxMessageBytes),
    idleTimeoutSeconds: env("HOODY_EXEC_WS_IDLE_TIMEOUT_S", d.idleTimeoutSeconds),
    backpressureBytes: env("HOODY_EXEC_WS_BACKPRESSURE_BYTES", d.backpressureBytes),
    ...given,
  };
}

/** Starts the whole server: compiler, Worker hosts, watcher, management API and the HTTP front. */
export async function serve(
  input: ServeConfig & { websocket?: Partial<WebSocketOptions> } = {},
  log: Logger = createLogger(input.quiet),
): Promise<RunningHoodyExec> {
  const { websocket, ...rest } = input;
  const config = resolveConfig(rest);
  const socketOptions = resolveWebSocketOptions(websocket);
  const websockets = createWebSockets(socketOptions);
  const adapter = await getAdapter();
  mkdirSync(join(config.root, "_hoody", "cache"), { recursive: true });
  // Bun's resolver remembers, for the life of a process, that a folder was missing: a host that
  // started before the first install would never see the packages installed into it.
  mkdirSync(join(config.root, "node_modules"), { recursive: true });

  const compiler = createCompiler({ cacheDir: join(config.root, "_hoody", "cache") });
  const shared = createSharedStore();
  let origin = "";
  const applyShared = (patch: SharedPatch) => {
    shared.apply(patch);
    pool.broadcast(patch);
  };
  const pool = createWorkerPool({
    adapter,
    workerUrl: await adapter.workerModule(await sandboxBundle(compiler)),
    scriptsRoot: config.root,
    size: config.hosts,
    stock: config.stock,
    drainMs: 30_000,
    memoryMb: config.memoryMb,
    maxWorkers: config.maxWorkers,
    queueLimit: config.queueLimit,
    waitMs: SERVERLESS_WAIT_MS,
    onPatch: (patch) => applyShared(patch),
    snapshot: (instance) => shared.get(instance),
    onFetch: async (info, body) => {
      const response = await pipeline(
        new Request(info.url, { method: info.method, headers: info.headers, body }),
        "127.0.0.1",
      );
      const bytes = response.body ? new Uint8Array(await response.arrayBuffer()) : null;
      return { response: { status: response.status, headers: [...response.headers] }, body: bytes };
    },
    log: (line) => log.warn(line),
  });
  // A script's missing packages are installed into <root>/node_modules before it first runs (D5).
  const ensurePackages = ensurePackagesFor(config.root);
  // Imported here, not at the top: the directive schema it brings (zod) takes ~50 ms to load,
  // and loading it while the first host process boots takes that off the first response.
  const { createInstanceRegistry } = await import("./server/instances.ts");
  const instances = createInstanceRegistry(config.root, compiler, log, ensurePackages);
  const unwatch = adapter.watch(config.root, (relative) => instances.changed(relative));

  const pipeline = createPipeline({
    config,
    instances,
    pool,
    websockets,
    log,
    management: async (request, clientIp) => (await management()).fetch(request, { clientIp }),
    selfOrigin: () => origin,
  });
  const clearCompiled = () => {
    compiler.clear();
    instances.clear();
  };
  const context: ManagementContext = {
    root: config.root,
    adminToken: config.adminToken,
    defaultInstance: config.defaultInstance,
    startedAt: Date.now(),
    instances,
    compiler,
    shared,
    applyShared,
    activeRequests: () => pipeline.activeRequests(),
    clearCompiled,
    recycleWorkers: (instance) => pool.recycle(instance),
    workerModeCount: () => pool.workerModeCount,
    restart: async ({ drainTimeoutMs, reason }) => {
      log.warn(`restarting: ${reason}`);
      pipeline.draining = true;
      const deadline = Date.now() + drainTimeoutMs;
      while (pipeline.active.size > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      clearCompiled();
      await pool.restart();
      pipeline.draining = false;
    },
  };
  // Loaded on first use (or a second after start): its ~70 ms of imports would otherwise delay
  // the first script response, which needs none of it.
  let app: Promise<Hono<ManagementEnv>> | null = null;
  const management = () => {
    app ??= import("../management/app.ts").then(({ createManagementApp }) =>
      createManagementApp(context)
    );
    return app;
  };
  setTimeout(() => void management(), 1000).unref?.();
  const server = await adapter.serve({
    hostname: config.host,
    port: config.port,
    maxRequestBodySize: config.maxBodyBytes,
    fetch: pipeline,
    websocket: socketOptions,
  });
  const loopback = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  origin = `http://${loopback.includes(":") ? `[${loopback}]` : loopback}:${server.port}`;
  log.info(`hoody-exec on ${adapter.name}: serving ${config.root} at ${origin}`);

  return {
    port: server.port,
    url: origin,
    config,
    websocketMetrics: () => websockets.metrics.read(),
    async stop() {
      unwatch();
      await server.stop();
      await pool.close();
      compiler.close();
    },
  };
}
