/**
 * What the Stats panel shows as text: the server's figures (`monitor/stats`), the per-script table
 * and its recent errors (`monitor/scripts`), the running requests (`monitor/active-requests`), the
 * host processes and the `@concurrent` queues.
 */
import { h } from "../../dom.ts";
import type { ActiveRequest, ScriptStats, ServerStats } from "./types.ts";

const MIB = 1024 * 1024;
export const mib = (bytes: number | null) =>
  bytes === null ? "–" : `${(bytes / MIB).toFixed(1)} MiB`;
const ms = (value: number) => `${value} ms`;
export const scriptName = (path: string) => path === "" ? "(no script)" : path;

export function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${hours}h ${m}m`;
  if (hours > 0) return `${hours}h ${m}m ${s}s`;
  return m > 0 ? `${m}m ${s}s` : `${s}s`;
}

function table(caption: string, headings: readonly string[], rows: readonly Node[], empty: string) {
  return h(
    "table",
    { class: "stats-table" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headings.map((t) => h("th", { scope: "col" }, t)))),
    h(
      "tbody",
      {},
      rows.length > 0
        ? rows
        : h("tr", {}, h("td", { colspan: headings.length, class: "empty" }, empty)),
    ),
  );
}

/** The server's figures, as a row of labelled numbers. */
export function summaryView(stats: ServerStats, scripts: readonly ScriptStats[], execId: string) {
  const own = scripts.reduce((n, s) => n + s.http.total, 0);
  const item = (term: string, value: string, detail = "") =>
    h("div", {}, h("dt", {}, term), h("dd", {}, value, detail ? h("small", {}, detail) : null));
  const ws = stats.websocket;
  return h(
    "dl",
    { class: "stats-summary" },
    item("Uptime", duration(stats.uptime), stats.restarts > 0 ? `${stats.restarts} restarts` : ""),
    item(
      "Server memory",
      mib(stats.memory.rss),
      `RSS · heap ${mib(stats.memory.used)} of ${mib(stats.memory.total)}`,
    ),
    item(`Instance ${execId} requests`, String(own), `server ${stats.requests.total}`),
    item(
      "Server errors",
      String(stats.requests.errors),
      `5xx · ${stats.requests.clientErrors} 4xx`,
    ),
    item("Last minute", String(stats.requests.per1m), `${stats.requests.perSecond}/s`),
    item("Active requests", String(stats.requests.activeHttp)),
    item(
      "WebSockets open",
      String(ws.active),
      `${ws.opened} opened · ${ws.closed} closed · ${ws.abnormalCloses} abnormal`,
    ),
    item("Shared store", stats.sharedStore.mode),
  );
}

/** One row per script of the instance; a checkbox puts it on the charts. */
export function scriptTable(
  scripts: readonly ScriptStats[],
  charted: readonly string[],
  canChartMore: boolean,
  onChart: (script: string, on: boolean) => void,
) {
  const rows = scripts.map((s) => {
    const on = charted.includes(s.scriptPath);
    const name = scriptName(s.scriptPath);
    return h(
      "tr",
      { "data-script": s.scriptPath },
      h(
        "td",
        {},
        h("input", {
          type: "checkbox",
          "aria-label": `Chart ${name}`,
          "data-focus": `chart:${s.scriptPath}`,
          checked: on,
          disabled: !on && !canChartMore,
          onchange: (event) => onChart(s.scriptPath, (event.target as HTMLInputElement).checked),
        }),
      ),
      h("td", {}, h("code", {}, name)),
      h("td", { class: "num" }, s.http.total),
      h("td", { class: s.http.errors > 0 ? "num bad" : "num" }, s.http.errors),
      h("td", { class: "num" }, s.http.clientErrors),
      h("td", { class: "num" }, ms(s.http.p50DurationMs)),
      h("td", { class: "num" }, ms(s.http.p95DurationMs)),
      h("td", { class: "num" }, ms(s.http.maxDurationMs)),
      h("td", { class: s.lastStatusCode >= 500 ? "num bad" : "num" }, s.lastStatusCode),
    );
  });
  return table(
    "Scripts",
    ["Chart", "Script", "Requests", "5xx", "4xx", "p50", "p95", "Max", "Last status"],
    rows,
    "No requests yet in this instance.",
  );
}

/** The scripts' recent errors, newest first; an execution id opens its log lines. */
export function errorsTable(
  scripts: readonly ScriptStats[],
  onOpen: (executionId: string) => void,
  limit = 10,
) {
  const errors = scripts
    .flatMap((s) => s.recentErrors.map((e) => ({ ...e, script: s.scriptPath })))
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
    .slice(0, limit);
  const rows = errors.map((e) =>
    h(
      "tr",
      {},
      h("td", {}, new Date(e.timestamp).toLocaleTimeString()),
      h("td", {}, h("code", {}, scriptName(e.script))),
      h("td", { class: "num bad" }, e.statusCode),
      h("td", {}, e.message),
      h(
        "td",
        {},
        e.executionId
          ? h("button", {
            type: "button",
            class: "link mono",
            "aria-label": `Logs of execution ${e.executionId}`,
            "data-focus": `logs:${e.executionId}`,
            onclick: () => onOpen(e.executionId),
          }, e.executionId)
          : "–",
      ),
    )
  );
  return table(
    "Recent errors",
    ["Time", "Script", "Status", "Message", "Execution (opens its logs)"],
    rows,
    "No errors.",
  );
}

export function activeTable(active: readonly ActiveRequest[]) {
  const rows = active.map((r) =>
    h(
      "tr",
      {},
      h("td", {}, h("code", {}, scriptName(r.scriptPath))),
      h("td", {}, r.method),
      h("td", { class: "num" }, ms(r.duration)),
      h("td", { class: "mono small" }, r.executionId),
    )
  );
  return table("Active requests", ["Script", "Method", "Running", "Execution"], rows, "None.");
}

export function hostsTable(hosts: ServerStats["hosts"]) {
  const rows = hosts.map((p) =>
    h(
      "tr",
      {},
      h("td", {}, p.mode),
      h("td", { class: "num" }, p.pid),
      h("td", { class: "num" }, mib(p.rss)),
    )
  );
  return table("Host processes", ["Mode", "PID", "RSS"], rows, "No host process running.");
}

export function queuesTable(queues: ServerStats["queues"]) {
  const rows = queues.map((q) =>
    h(
      "tr",
      {},
      h("td", {}, h("code", {}, q.scriptPath)),
      h("td", { class: "num" }, q.running),
      h("td", { class: "num" }, q.waiting),
    )
  );
  return table("@concurrent queues", ["Script", "Running", "Waiting"], rows, "None.");
}
