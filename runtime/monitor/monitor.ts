/**
 * What the management API reads for monitoring: the request registry and the parts of the
 * running server it asks on demand (queues, host processes, WebSocket counts). Nothing here runs
 * per request but `record`.
 */
import { residentBytes } from "../host/memory-watchdog.ts";
import type { Mode } from "../protocol/messages.ts";
import type { RequestRecord } from "../server/exchange.ts";
import type { GateDepth } from "../server/gate.ts";
import type { SocketMetrics } from "../server/websocket-metrics.ts";
import { createRegistry, type Registry, type RegistryOptions } from "./registry.ts";

export interface HostProcess {
  pid: number;
  mode: Mode;
  /** Resident memory in bytes; null where /proc cannot tell. */
  rss: number | null;
}

/** The parts of the running server the monitor reads when asked. */
export interface MonitorSources {
  queues(): GateDepth[];
  hosts(): { pid: number; mode: Mode }[];
  sockets: SocketMetrics["read"];
}

export interface Monitor {
  readonly registry: Registry;
  /** Epoch ms when counting began. */
  readonly since: number;
  /** Feeds the registry: `PipelineHooks.onRequest`. */
  record(record: RequestRecord): void;
  /** `@concurrent` queues, split into instance and script. */
  queues(): { instance: string; script: string; running: number; waiting: number }[];
  hosts(): HostProcess[];
  sockets: SocketMetrics["read"];
  /** Graceful restarts since start. */
  readonly restarts: number;
  restarted(): void;
}

export function createMonitor(sources: MonitorSources, options: RegistryOptions = {}): Monitor {
  const registry = createRegistry(options);
  let restarts = 0;
  return {
    registry,
    since: Date.now(),
    record: (record) => registry.record(record),
    queues: () =>
      sources.queues().map(({ key, running, waiting }) => {
        const colon = key.indexOf(":");
        return { instance: key.slice(0, colon), script: key.slice(colon + 1), running, waiting };
      }),
    hosts: () => sources.hosts().map((h) => ({ ...h, rss: residentBytes(h.pid) })),
    sockets: () => sources.sockets(),
    get restarts() {
      return restarts;
    },
    restarted: () => void (restarts += 1),
  };
}

/** A monitor with no server behind it (tests, a management app in-process). */
export function detachedMonitor(sockets: SocketMetrics["read"]): Monitor {
  return createMonitor({ queues: () => [], hosts: () => [], sockets });
}
