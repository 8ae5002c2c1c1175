/** Monitoring (docs/management.md, Monitoring): totals, per-script statistics, Prometheus. */
import { z } from "zod";
import { CONTENT_TYPE } from "../../runtime/monitor/exposition.ts";
import { renderMetrics } from "../../runtime/monitor/prometheus.ts";
import type { ManagementContext } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { liveOf, performanceView, scriptView, SORTS, sortViews } from "../monitor-views.ts";
import { execId } from "../schemas.ts";

function stats(context: ManagementContext) {
  const { monitor } = context;
  const now = Date.now();
  const memory = process.memoryUsage();
  const sockets = monitor.sockets();
  const registry = monitor.registry;
  const { total, success, errors, clientErrors } = registry.totals;
  const wsInstances = new Set(
    Object.entries(sockets.scripts).filter(([, c]) => c.active > 0).map(([k]) =>
      k.slice(0, k.indexOf(":"))
    ),
  );
  const scripts = registry.scripts();
  const { active: _, meanSessionMs: _m, maxSessionMs: _x, ...ws } = sockets.total;
  return {
    uptime: Math.floor((now - context.startedAt) / 1000),
    memory: {
      used: memory.heapUsed,
      total: memory.heapTotal,
      percentage: Math.round((memory.heapUsed / memory.heapTotal) * 10_000) / 100,
      rss: memory.rss,
      external: memory.external,
    },
    cache: {
      scripts:
        scripts.filter((s) =>
          s.script !== "" && context.instances.get(s.instance)?.scripts.peek(s.script) !== undefined
        ).length,
      vms: context.workerModeCount(),
      sharedStates: context.shared.list().length,
      activeWsHostnames: wsInstances.size,
    },
    requests: {
      total,
      success,
      errors,
      clientErrors,
      activeHttp: context.activeRequests().length,
      ...registry.rates.read(now),
    },
    websocket: { ...ws, active: sockets.total.active },
    cron: context.schedules.stats(),
    droppedScripts: registry.droppedScripts,
    sinceMs: monitor.since,
    restarts: monitor.restarts,
    queues: monitor.queues().map((q) => ({
      execId: q.instance,
      scriptPath: q.script,
      running: q.running,
      waiting: q.waiting,
    })),
    hosts: monitor.hosts(),
    sharedStore: context.shared.status(),
  };
}

export const MONITOR_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/monitor/stats",
    cli: { group: "system", verb: "stats" },
    summary:
      "Uptime, memory, request totals and 1/5/15-minute counts, WebSocket counters, caches, @concurrent queues, host processes, the shared-state store",
    input: z.object({}),
    handler: (_input, { context }) => stats(context),
  }),
  defineEndpoint({
    method: "GET",
    path: "/monitor/scripts",
    cli: { group: "monitor", verb: "scripts" },
    summary:
      "Per-script request counts, durations (p50/p95/max), recent errors, sorted and limited",
    input: z.object({
      limit: z.number().int().min(1).max(500).default(100),
      sort: z.enum(SORTS).default("lastActivity"),
    }),
    handler(input, { context }) {
      const live = liveOf(context);
      const all = context.monitor.registry.scripts().map((s) => scriptView(context, s, live));
      const scripts = sortViews(all, input.sort).slice(0, input.limit);
      return { count: scripts.length, total: all.length, scripts };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/monitor/script-performance",
    cli: { group: "scripts", verb: "performance", positional: "scriptPath" },
    summary: "One script's lifetime statistics with its recent durations; {metrics:{}} if unknown",
    input: z.object({
      scriptPath: z.string().max(1024).describe("The script's file below its instance"),
      execId,
    }),
    handler(input, { context }) {
      const path = input.scriptPath.replace(/^\/+/, "");
      const found = context.monitor.registry.scripts().filter((s) =>
        s.script === path && (input.execId === undefined || s.instance === input.execId)
      ).sort((a, b) =>
        Number(b.instance === context.defaultInstance) -
        Number(a.instance === context.defaultInstance)
      )[0];
      return { metrics: found ? performanceView(context, found) : {} };
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/monitor/metrics",
    cli: { group: "system", verb: "metrics" },
    raw: true,
    summary: "Prometheus text exposition (format 0.0.4)",
    input: z.object({}),
    handler(_input, { context, c }) {
      const text = renderMetrics(context.monitor, context.activeRequests().length);
      return c.body(text, 200, { "content-type": CONTENT_TYPE });
    },
  }),
];
