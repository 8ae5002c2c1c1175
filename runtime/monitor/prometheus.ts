/**
 * The monitor as Prometheus metrics. Labels stay bounded: instance and script file (never the
 * request path; requests no script answered share script=""), status class, host pid and mode.
 */
import { BUCKETS_MS } from "./registry.ts";
import { Exposition, type Labels } from "./exposition.ts";
import type { Monitor } from "./monitor.ts";

const CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"];
const BOUNDS_S = BUCKETS_MS.map((ms) => ms / 1000);

export function renderMetrics(monitor: Monitor, activeRequests: number): string {
  const scripts = monitor.registry.scripts();
  const sockets = monitor.sockets();
  const hosts = monitor.hosts();
  const queues = monitor.queues();
  const script = (s: { instance: string; script: string }): Labels => ({
    instance: s.instance,
    script: s.script,
  });
  const requests: [Labels, number][] = [];
  for (const s of scripts) {
    s.classes.forEach((count, i) => {
      if (count > 0) requests.push([{ ...script(s), status_class: CLASSES[i]! }, count]);
    });
  }
  const modes = new Map<string, number>();
  for (const h of hosts) modes.set(h.mode, (modes.get(h.mode) ?? 0) + 1);
  return new Exposition()
    .counter(
      "hoody_exec_requests_total",
      "Script requests answered, by instance, script file and status class",
      requests,
    )
    .histogram(
      "hoody_exec_request_duration_seconds",
      "Time from a script request's arrival to its response (its head, for a stream)",
      scripts.map((s) => ({
        labels: script(s),
        bounds: BOUNDS_S,
        counts: s.buckets,
        sum: s.sumMs / 1000,
        count: s.total,
      })),
    )
    .gauge("hoody_exec_active_requests", "Script requests running now", [[{}, activeRequests]])
    .gauge("hoody_exec_websocket_connections", "WebSocket connections open now", [[
      {},
      sockets.total.active,
    ]])
    .counter("hoody_exec_websocket_opened_total", "WebSocket connections accepted", [[
      {},
      sockets.total.opened,
    ]])
    .counter(
      "hoody_exec_websocket_closed_total",
      "WebSocket connections closed, by kind (normal: 1000, 1001 or no code)",
      [
        [{ kind: "normal" }, sockets.total.normalCloses],
        [{ kind: "abnormal" }, sockets.total.abnormalCloses],
      ],
    )
    .gauge(
      "hoody_exec_worker_hosts",
      "Worker host processes alive, by mode",
      [...modes].map(([mode, count]): [Labels, number] => [{ mode }, count]),
    )
    .gauge(
      "hoody_exec_host_resident_memory_bytes",
      "Resident memory of each Worker host process",
      hosts.filter((h) => h.rss !== null).map((h): [Labels, number] => [
        { pid: String(h.pid), mode: h.mode },
        h.rss!,
      ]),
    )
    .gauge(
      "hoody_exec_queue_waiting",
      "Requests waiting at a script's @concurrent gate",
      queues.map((q): [Labels, number] => [script(q), q.waiting]),
    )
    .gauge(
      "hoody_exec_queue_running",
      "Requests running through a script's @concurrent gate",
      queues.map((q): [Labels, number] => [script(q), q.running]),
    )
    .counter("hoody_exec_restarts_total", "Graceful restarts since the server started", [[
      {},
      monitor.restarts,
    ]])
    .counter(
      "hoody_exec_dropped_scripts_total",
      "Scripts dropped from the metrics registry to keep it bounded (least recently active first)",
      [[{}, monitor.registry.droppedScripts]],
    )
    .gauge("process_resident_memory_bytes", "Resident memory of the server process", [[
      {},
      process.memoryUsage().rss,
    ]])
    .gauge("process_start_time_seconds", "When the server process started, in Unix seconds", [[
      {},
      Math.floor(monitor.since / 1000),
    ]])
    .text();
}
