/**
 * What the running server lets an operator reach: the management API (management/) is handed one
 * of these by `serve()` and touches the server only through it. The runtime never imports
 * management/; main.ts passes its loader in.
 */
import type { Compiler } from "./compile/compiler.ts";
import type { Logger } from "./log.ts";
import type { Monitor } from "./monitor/monitor.ts";
import type { Installer } from "./packages/installer.ts";
import type { SharedPatch } from "./protocol/messages.ts";
import type { InstanceRegistry } from "./server/instances.ts";
import type { Scheduler } from "./schedule/scheduler.ts";
import type { ActiveRequest } from "./server/request-info.ts";
import type { SharedStore } from "./server/shared-state.ts";
import type { TypeChecker } from "./typecheck/typecheck.ts";
import type { ProxyControl } from "./proxy/proxy.ts";

export interface ServerControl {
  root: string;
  adminToken: string | null;
  defaultInstance: string;
  startedAt: number;
  /** Stack traces in error bodies (`--debug`). */
  debug: boolean;
  /** The server's log: where an unexpected management error is written. */
  log: Logger;
  instances: InstanceRegistry;
  compiler: Compiler;
  shared: SharedStore;
  /** The scripts root's package installer (the script loader and the package endpoints share it). */
  installer: Installer;
  typeChecker: TypeChecker;
  /** Applies a change to an instance's `shared` and sends it to every Worker of the instance. */
  applyShared(patch: SharedPatch): void;
  /** Requests running right now. */
  activeRequests(): ActiveRequest[];
  /** Drops compiled modules and cached scripts (rebuilt on their next request). */
  clearCompiled(): void;
  /**
   * Worker-mode scripts of `instance` (every instance's when null) get fresh Workers, so their
   * globals start over; `shared` survives. Returns how many Workers were retired.
   */
  recycleWorkers(instance: string | null): number;
  /** Worker-mode Workers alive now. */
  workerModeCount(): number;
  /** Writes the log lines still waiting in memory (the log API reads the files after it). */
  flushLogs(): Promise<void>;
  /** Request statistics per script, queues, host processes, WebSocket counts (monitor/*). */
  monitor: Monitor;
  /** `@schedule` scripts: armed schedules, their history, reload and trigger (docs/schedules.md). */
  schedules: Scheduler;
  /** The proxied services (`--upstream`) and their hooks' store (docs/proxy-hooks.md). */
  proxy: ProxyControl;
  /** Graceful restart: stop taking requests (503), drain up to `drainTimeoutMs`, restart every Worker host, reload every script. */
  restart(options: { drainTimeoutMs: number; reason: string }): Promise<void>;
  /** Script versions kept per script and bytes over all (`--versions-keep`, `--versions-max-bytes`). */
  versionLimits?: { perScript: number; totalBytes: number };
}

/** The management API as the front sees it: a fetch handler, given the client's address. */
export interface ManagementApp {
  fetch(request: Request, env: { clientIp: string }): Response | Promise<Response>;
}

/** Builds the management API for a running server; called once, on first use. */
export type ManagementLoader = (control: ServerControl) => Promise<ManagementApp>;
