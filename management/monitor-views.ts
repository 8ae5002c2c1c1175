/**
 * The monitor's numbers in the shapes the original client reads (`hoody-sdk` generated/types.ts:
 * ExecMonitorGetStatsResponse, ListMonitorScriptsResponse, ExecMonitorGetScriptPerformanceResponse).
 */
import { type RecentError, type ScriptStats } from "../runtime/monitor/registry.ts";
import { ascending, inOrder, percentile } from "../runtime/monitor/samples.ts";
import type { SocketCounts } from "../runtime/server/websocket-metrics.ts";
import type { ManagementContext } from "./context.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const round = (ms: number) => Math.round(ms * 100) / 100;

export function httpView(stats: ScriptStats) {
  const sorted = ascending(inOrder(stats.sample));
  return {
    total: stats.total,
    success: stats.success,
    clientErrors: stats.clientErrors,
    errors: stats.errors,
    meanDurationMs: stats.total === 0 ? 0 : round(stats.sumMs / stats.total),
    p50DurationMs: round(percentile(sorted, 50)),
    p95DurationMs: round(percentile(sorted, 95)),
    maxDurationMs: round(stats.maxMs),
  };
}

export function wsView(counts: SocketCounts | undefined) {
  return {
    opened: counts?.opened ?? 0,
    closed: counts?.closed ?? 0,
    normalCloses: counts?.normalCloses ?? 0,
    abnormalCloses: counts?.abnormalCloses ?? 0,
    meanSessionMs: counts?.meanSessionMs ?? 0,
    maxSessionMs: counts?.maxSessionMs ?? 0,
  };
}

const errorView = (e: RecentError) => ({
  timestamp: iso(e.timestamp),
  statusCode: e.statusCode,
  message: e.message,
  executionId: e.executionId ?? "",
});

/** What one read of the running server knows beside the registry, gathered once per call. */
export function liveOf(context: ManagementContext) {
  const active = new Map<string, number>();
  for (const r of context.activeRequests()) {
    const key = `${r.execId}:${r.scriptPath}`;
    active.set(key, (active.get(key) ?? 0) + 1);
  }
  const running = new Map<string, number>();
  for (const q of context.monitor.queues()) running.set(`${q.instance}:${q.script}`, q.running);
  return { active, running, sockets: context.monitor.sockets().scripts };
}

export type Live = ReturnType<typeof liveOf>;

export function scriptView(context: ManagementContext, stats: ScriptStats, live: Live) {
  const key = `${stats.instance}:${stats.script}`;
  const ws = live.sockets[key];
  return {
    scriptPath: stats.script,
    hostname: stats.instance,
    execId: stats.instance,
    vmCached: stats.script !== "" &&
      context.instances.get(stats.instance)?.scripts.peek(stats.script) !== undefined,
    sharedStateBytes: null,
    activeHttp: live.active.get(key) ?? 0,
    activeWs: ws?.active ?? 0,
    concurrentRunning: live.running.get(key) ?? 0,
    http: httpView(stats),
    ws: wsView(ws),
    recentErrors: stats.recentErrors.map(errorView),
    firstSeenAt: iso(stats.firstSeenAt),
    lastActivityAt: iso(stats.lastActivityAt),
    lastStatusCode: stats.lastStatus,
  };
}

export type ScriptView = ReturnType<typeof scriptView>;

export const SORTS = ["lastActivity", "requests", "errors", "p95", "ws_active"] as const;

/** Largest first; ties by most recent activity. */
const SORT_KEYS: Record<(typeof SORTS)[number], (v: ScriptView) => number> = {
  lastActivity: (v) => Date.parse(v.lastActivityAt),
  requests: (v) => v.http.total,
  errors: (v) => v.http.errors,
  p95: (v) => v.http.p95DurationMs,
  ws_active: (v) => v.activeWs,
};

export function sortViews(views: ScriptView[], sort: (typeof SORTS)[number]): ScriptView[] {
  const key = SORT_KEYS[sort];
  const recent = SORT_KEYS.lastActivity;
  return views.sort((a, b) => key(b) - key(a) || recent(b) - recent(a));
}

export function performanceView(context: ManagementContext, stats: ScriptStats) {
  const live = liveOf(context);
  const view = scriptView(context, stats, live);
  return {
    scriptPath: view.scriptPath,
    execId: view.execId,
    period: "lifetime" as const,
    http: { ...view.http, recentDurationsMs: inOrder(stats.sample).map(round) },
    ws: view.ws,
    activeHttp: view.activeHttp,
    activeWs: view.activeWs,
    firstSeenAt: view.firstSeenAt,
    lastActivityAt: view.lastActivityAt,
  };
}
