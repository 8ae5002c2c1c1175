/**
 * The management API in-process, the way hono tests an app: `createManagementApp(control)` over a
 * ServerControl whose compiler, instances, shared store, installer and type checker are the real
 * ones, and whose Worker side (requests, recycling, restart) is absent. Only calls that must run a
 * script need a server on a port.
 */
import { join } from "node:path";
import { createManagementApp } from "../../management/app.ts";
import { createCompiler } from "../../runtime/compile/compiler.ts";
import { createDirectiveStore } from "../../runtime/directives/store.ts";
import type { ServerControl } from "../../runtime/control.ts";
import { createLogger } from "../../runtime/log.ts";
import { detachedMonitor } from "../../runtime/monitor/monitor.ts";
import { createSocketMetrics } from "../../runtime/server/websocket-metrics.ts";
import { createInstaller } from "../../runtime/packages/installer.ts";
import { createInstanceRegistry } from "../../runtime/server/instances.ts";
import { createSharedStore } from "../../runtime/server/shared-state.ts";
import { typeChecker } from "../../runtime/typecheck/typecheck.ts";
import { ServerError, toErrorResponse } from "../../runtime/errors.ts";
import { realClock } from "../../runtime/schedule/clock.ts";
import { createFireHistory } from "../../runtime/schedule/history.ts";
import { createScheduler } from "../../runtime/schedule/scheduler.ts";
import { type Body, callWith, json } from "./management-calls.ts";
import { createHookStore } from "../../runtime/proxy/store.ts";

export interface ManagementAppOptions {
  adminToken?: string | null;
  /** The address the front would hand the app. */
  clientIp?: string;
}

export interface InProcessManagement extends Disposable {
  control: ServerControl;
  /** `/api/v1/exec` + `path`, JSON in and out. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Body }>;
  /** Any request to the app (`path` as given), answered as it is. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export async function createInProcessManagement(
  root: string,
  options: ManagementAppOptions = {},
): Promise<InProcessManagement> {
  const cacheDir = join(root, "_hoody", "cache");
  const compiler = createCompiler({ cacheDir });
  const installer = createInstaller({
    root,
    runtime: "Bun" in globalThis ? "bun" : "deno",
    exec: process.execPath,
  });
  const shared = createSharedStore();
  const instances = createInstanceRegistry(root, {
    compiler,
    directives: createDirectiveStore(join(cacheDir, "directives")),
    log: createLogger(true),
    ensurePackages: (names) => installer.ensure(names),
  });
  const control: ServerControl = {
    root,
    adminToken: options.adminToken ?? null,
    defaultInstance: "1",
    startedAt: Date.now(),
    debug: false,
    log: createLogger(true),
    instances,
    compiler,
    shared,
    installer,
    typeChecker,
    applyShared: (patch) => shared.apply(patch),
    activeRequests: () => [],
    clearCompiled: () => {
      compiler.clear();
      instances.clear();
    },
    recycleWorkers: () => 0,
    workerModeCount: () => 0,
    flushLogs: () => Promise.resolve(),
    proxy: { upstreams: [], hooks: await createHookStore(root) },
    monitor: detachedMonitor(createSocketMetrics().read),
    restart: () => Promise.resolve(),
    // Armed from disk on the first schedules call; a fire answers 503 (no Worker side here).
    schedules: createScheduler({
      root,
      instances,
      fetch: () =>
        Promise.resolve(
          toErrorResponse(new ServerError("UNAVAILABLE", "no Worker side in-process")),
        ),
      origin: () => "http://127.0.0.1",
      clock: realClock,
      history: createFireHistory({
        dir: join(root, "_hoody", "schedules"),
        maxFileBytes: 1024 * 1024,
        keep: 4,
        warn: () => {},
      }),
      log: createLogger(true),
    }),
  };
  const app = createManagementApp(control);
  const env = { clientIp: options.clientIp ?? "127.0.0.1" };
  const fetch = async (path: string, init?: RequestInit) => await app.request(path, init, env);
  return {
    control,
    fetch,
    async call(method, path, body, headers) {
      const response = await callWith(fetch, method, path, body, headers);
      return { status: response.status, body: await json(response) };
    },
    [Symbol.dispose]: () => {
      void control.schedules.stop();
      compiler.close();
    },
  };
}
