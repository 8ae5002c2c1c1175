/** Health, restart, what is running, and clearing caches (docs/management.md, System). */
import { readdirSync } from "node:fs";
import { z } from "zod";
import { validationError } from "../../runtime/errors.ts";
import type { ManagementContext } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { execId, hostname } from "../schemas.ts";
import { applyOps, clearOps, instanceOf } from "../shared-values.ts";
import { VERSION } from "../version.ts";

const STARTED = new Date().toISOString();

function countFds(): number | null {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return null;
  }
}

export function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m` : `${m}m ${Math.floor(seconds % 60)}s`;
}

interface LastRestart {
  reason: string;
  at: string;
  error?: string;
}

interface RestartState {
  running: Promise<void> | null;
  last: LastRestart | null;
}

/** One restart at a time per server; the records themselves hold no state. */
const restarts = new WeakMap<ManagementContext, RestartState>();
function restartOf(context: ManagementContext): RestartState {
  let state = restarts.get(context);
  if (!state) restarts.set(context, state = { running: null, last: null });
  return state;
}

const active = (context: ManagementContext) =>
  context.activeRequests().map((r) => ({
    ...r,
    startedAt: new Date(r.startedAt).toISOString(),
    duration: Date.now() - r.startedAt,
  }));

export const SYSTEM_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/health",
    cli: { group: "system", verb: "health", aliases: ["health"] },
    open: true,
    summary: "Liveness; needs no token",
    input: z.object({}),
    handler(_input, { c }) {
      const memory = process.memoryUsage();
      return {
        status: "ok",
        service: "hoody-exec",
        version: VERSION,
        built: VERSION,
        started: STARTED,
        memory: { rss: memory.rss, heap: memory.heapUsed },
        fds: countFds(),
        pid: process.pid,
        ip: c.env.clientIp,
        userAgent: c.req.header("user-agent") ?? null,
      };
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/monitor/active-requests",
    cli: { group: "system", verb: "active-requests" },
    summary: "Requests running right now",
    input: z.object({}),
    handler(_input, { context }) {
      const list = active(context);
      return { count: list.length, active: list };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/system/restart",
    cli: { group: "system", verb: "restart" },
    destructive: true,
    summary:
      "Graceful restart: new script requests get 503, in-flight ones drain, every Worker host restarts and scripts reload",
    input: z.object({
      graceful: z.boolean().default(true).describe("Drain in-flight requests first"),
      drainTimeoutMs: z.number().int().min(0).max(300_000).default(5000),
      reason: z.string().max(256).default("API restart request"),
      wait: z.boolean().default(false).describe("Answer once the restart has finished"),
    }),
    async handler(input, { context }) {
      const restart = restartOf(context);
      const already = restart.running !== null;
      if (!restart.running) {
        const drainTimeoutMs = input.graceful ? input.drainTimeoutMs : 0;
        const record: LastRestart = { reason: input.reason, at: new Date().toISOString() };
        restart.last = record;
        restart.running = context.restart({ drainTimeoutMs, reason: input.reason })
          .catch((error: unknown) => {
            record.error = error instanceof Error ? error.message : String(error);
          })
          .finally(() => (restart.running = null));
      }
      if (input.wait) await restart.running;
      return {
        message: already
          ? "A restart is already in progress"
          : input.wait
          ? "Restart completed"
          : "Restart initiated",
        graceful: input.graceful,
        drainTimeoutMs: input.graceful ? input.drainTimeoutMs : 0,
        reason: input.reason,
        restarting: restart.running !== null,
      };
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/system/restart-status",
    cli: { group: "system", verb: "restart-status" },
    summary: "Whether a restart would have to wait for requests, and whether one is running",
    input: z.object({}),
    handler(_input, { context }) {
      const uptime = Math.floor((Date.now() - context.startedAt) / 1000);
      const list = active(context);
      const restart = restartOf(context);
      return {
        canRestart: true,
        uptime,
        uptimeFormatted: formatUptime(uptime),
        activeRequests: list.length,
        active: list,
        restartReady: list.length === 0,
        restarting: restart.running !== null,
        lastRestart: restart.last,
      };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/cache/clear",
    cli: { group: "system", verb: "cache-clear" },
    summary:
      "Fresh Workers for worker-mode scripts (clearVm: globals start over, shared stays) and optionally an empty shared (clearState)",
    input: z.object({
      hostname,
      execId,
      scriptPath: z.string().optional().describe("Deprecated: refused"),
      clearVm: z.boolean().default(true).describe(
        "Restart worker-mode Workers and drop compiled code; shared survives",
      ),
      clearState: z.boolean().default(false).describe("Also empty shared"),
      clearAll: z.boolean().default(false).describe("Every instance, not just one"),
    }),
    handler(input, { context }) {
      if (input.scriptPath !== undefined) {
        throw validationError(
          "scriptPath",
          "scriptPath is deprecated: the cache is cleared per hostname or with clearAll=true",
        );
      }
      const scope = input.clearAll ? null : instanceOf(context, input);
      let vmCleared = 0;
      if (input.clearVm) {
        context.clearCompiled();
        vmCleared = context.recycleWorkers(scope);
      }
      let stateCleared = 0;
      if (input.clearState) {
        for (const id of scope === null ? context.shared.list() : [scope]) {
          const ops = clearOps(context, id);
          if (ops.length > 0) stateCleared += 1;
          applyOps(context, id, ops);
        }
      }
      return {
        cleared: true,
        vmCache: { cleared: vmCleared, remaining: context.workerModeCount() },
        sharedState: {
          cleared: stateCleared,
          remaining: context.shared.list().filter((id) =>
            Object.keys(context.shared.get(id)).length > 0
          ).length,
        },
      };
    },
  }),
];
