/** Health, restart and what is running (SPEC §21). */
import { readdirSync } from "node:fs";
import { z } from "zod";
import type { ManagementContext } from "./context.ts";
import { defineEndpoint, type Endpoint } from "./endpoint.ts";

export const VERSION = "0.1.0";
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

export function systemEndpoints(context: ManagementContext): Endpoint[] {
  let restarting: Promise<void> | null = null;
  let lastRestart: { reason: string; at: string; error?: string } | null = null;
  const active = () =>
    context.activeRequests().map((r) => ({
      ...r,
      startedAt: new Date(r.startedAt).toISOString(),
      duration: Date.now() - r.startedAt,
    }));
  return [
    defineEndpoint({
      method: "GET",
      path: "/health",
      cli: { group: "system", verb: "health", aliases: ["health"] },
      open: true,
      summary: "Liveness; needs no token",
      input: z.object({}),
      handler(_input, c) {
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
      handler() {
        const list = active();
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
      async handler(input) {
        const already = restarting !== null;
        if (!restarting) {
          const drainTimeoutMs = input.graceful ? input.drainTimeoutMs : 0;
          lastRestart = { reason: input.reason, at: new Date().toISOString() };
          const record = lastRestart;
          restarting = context.restart({ drainTimeoutMs, reason: input.reason })
            .catch((error: unknown) => {
              record.error = error instanceof Error ? error.message : String(error);
            })
            .finally(() => (restarting = null));
        }
        if (input.wait) await restarting;
        return {
          message: already
            ? "A restart is already in progress"
            : input.wait
            ? "Restart completed"
            : "Restart initiated",
          graceful: input.graceful,
          drainTimeoutMs: input.graceful ? input.drainTimeoutMs : 0,
          reason: input.reason,
          restarting: restarting !== null,
        };
      },
    }),
    defineEndpoint({
      method: "GET",
      path: "/system/restart-status",
      cli: { group: "system", verb: "restart-status" },
      summary: "Whether a restart would have to wait for requests, and whether one is running",
      input: z.object({}),
      handler() {
        const uptime = Math.floor((Date.now() - context.startedAt) / 1000);
        const list = active();
        return {
          canRestart: true,
          uptime,
          uptimeFormatted: formatUptime(uptime),
          activeRequests: list.length,
          active: list,
          restartReady: list.length === 0,
          restarting: restarting !== null,
          lastRestart,
        };
      },
    }),
  ];
}
