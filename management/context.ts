import type { Compiler } from "../runtime/compile/compiler.ts";
import type { SharedPatch } from "../runtime/protocol/messages.ts";
import type { InstanceRegistry } from "../runtime/server/instances.ts";
import type { ActiveRequest } from "../runtime/server/request-info.ts";
import type { SharedStore } from "../runtime/server/shared-state.ts";

/** Everything the management API may touch in the running server: one object, wired in runtime/serve.ts. */
export interface ManagementContext {
  root: string;
  adminToken: string | null;
  defaultInstance: string;
  startedAt: number;
  instances: InstanceRegistry;
  compiler: Compiler;
  shared: SharedStore;
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
  /** Graceful restart: stop taking requests (503), drain up to `drainTimeoutMs`, restart every Worker host, reload every script. */
  restart(options: { drainTimeoutMs: number; reason: string }): Promise<void>;
}
