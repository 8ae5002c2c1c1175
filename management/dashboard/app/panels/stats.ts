/**
 * Monitoring and shared state of the instance the switcher shows. While the tab is shown it polls
 * `monitor/stats`, `monitor/scripts`, `monitor/active-requests` and `shared-state/get` every 2 s,
 * keeps about ten minutes of history in the page, and charts request and error rates and p95 per
 * script (stats/history.ts, stats/charts.ts) beside tables of the same numbers (stats/tables.ts)
 * and the shared-state editor (stats/shared.ts).
 */
import { call } from "../api.ts";
import { fill, h, messageOf, say, statusLine } from "../dom.ts";
import type { Panel, Shell } from "../panel.ts";
import { Chart, COLOURS } from "./stats/charts.ts";
import { History } from "./stats/history.ts";
import { sharedStateView } from "./stats/shared.ts";
import {
  activeTable,
  errorsTable,
  hostsTable,
  queuesTable,
  scriptName,
  scriptTable,
  summaryView,
} from "./stats/tables.ts";
import type { ActiveRequest, ScriptStats, ServerStats, Snapshot } from "./stats/types.ts";

const POLL_MS = 2000;
/** Scripts charted when the user picked none: the busiest few. */
const DEFAULT_CHARTED = 3;
/** Lines a chart can tell apart: every colour but the total's. */
const MAX_CHARTED = COLOURS.length - 1;

async function load(execId: string): Promise<Snapshot> {
  const [stats, scripts, active] = await Promise.all([
    call<ServerStats>("GET", "/monitor/stats"),
    call<{ scripts: ScriptStats[] }>("GET", "/monitor/scripts", { limit: 500, sort: "requests" }),
    call<{ active: ActiveRequest[] }>("GET", "/monitor/active-requests"),
  ]);
  return {
    at: Date.now(),
    stats: { ...stats, queues: stats.queues.filter((q) => q.execId === execId) },
    scripts: scripts.scripts.filter((s) => s.execId === execId),
    active: active.active.filter((r) => r.execId === execId),
  };
}

/** Replaces `parent`'s children, keeping the keyboard focus on the control it was on. */
function refill(parent: HTMLElement, ...children: Node[]): void {
  const focused = document.activeElement instanceof HTMLElement &&
      parent.contains(document.activeElement)
    ? document.activeElement.dataset.focus
    : undefined;
  fill(parent, ...children);
  if (focused === undefined) return;
  for (const element of parent.querySelectorAll<HTMLElement>("[data-focus]")) {
    if (element.dataset.focus === focused) element.focus();
  }
}

export const statsPanel: Panel = {
  id: "stats",
  title: "Stats",
  create(shell: Shell) {
    const history = new History();
    /** The scripts the user put on the charts, or null for the busiest few. */
    let picked: string[] | null = null;
    let last: Snapshot | null = null;
    let shown = false;
    let generation = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const status = statusLine();
    const updated = h("span", { class: "muted" });
    const summary = h("div");
    const requestsChart = new Chart("requests", "Requests", "/s");
    const errorsChart = new Chart("errors", "5xx errors", "/s");
    const p95Chart = new Chart("p95", "p95 duration", " ms");
    const charts = [requestsChart, errorsChart, p95Chart];
    const scriptsBox = h("div", { class: "stats-scroll" });
    const errorsBox = h("div", { class: "stats-scroll" });
    const sideBox = h("div", { class: "stats-side" });
    const shared = sharedStateView(() => shell.execId());

    const charted = () => picked ?? history.busiest(DEFAULT_CHARTED);

    const drawCharts = () => {
      const scripts = charted();
      const names = scripts.map(scriptName);
      requestsChart.update(["all", ...names], history.series("requests", [null, ...scripts]));
      errorsChart.update(["all", ...names], history.series("errors", [null, ...scripts]));
      // p95 has no instance-wide line: each script keeps its colour from the rate charts.
      p95Chart.update(names, history.series("p95", scripts), 1);
    };

    const chartScript = (script: string, on: boolean) => {
      const now = charted().filter((s) => s !== script);
      picked = on ? [...now, script] : now;
      render();
    };

    const render = () => {
      if (!last) return;
      const { stats, scripts, active } = last;
      const execId = shell.execId();
      const chosen = charted();
      refill(summary, summaryView(stats, scripts, execId));
      refill(scriptsBox, scriptTable(scripts, chosen, chosen.length < MAX_CHARTED, chartScript));
      refill(
        errorsBox,
        errorsTable(scripts, (executionId) => shell.open("logs", { executionId })),
      );
      refill(
        sideBox,
        activeTable(active),
        hostsTable(stats.hosts),
        queuesTable(stats.queues),
      );
      drawCharts();
      automatic.disabled = picked === null;
      updated.textContent = `updated ${new Date(last.at).toLocaleTimeString()}, every 2 s`;
    };

    const poll = async (run: number) => {
      try {
        const snapshot = await load(shell.execId());
        if (run !== generation) return;
        history.add(snapshot.at, snapshot.scripts);
        last = snapshot;
        if (status.dataset.kind === "error") say(status, "");
        render();
      } catch (error) {
        // The last figures stay; the next poll tries again.
        if (run === generation) {
          say(status, `Could not read the monitor: ${messageOf(error)}`, "error");
        }
      }
      if (run === generation) await shared.refresh();
      if (run === generation && shown) timer = setTimeout(() => void poll(run), POLL_MS);
    };

    const restart = () => {
      generation += 1;
      clearTimeout(timer);
      if (shown) void poll(generation);
    };

    const automatic = h("button", {
      type: "button",
      onclick: () => {
        picked = null;
        render();
      },
    }, "Chart the busiest");

    const chartRow = h("div", { class: "stats-charts" }, charts.map((c) => c.element));
    new ResizeObserver(() => charts.forEach((c) => c.fit())).observe(chartRow);

    const element = h(
      "section",
      { class: "stats", "aria-labelledby": "stats-title" },
      h(
        "div",
        { class: "toolbar" },
        h("h2", { id: "stats-title" }, "Stats"),
        updated,
        automatic,
      ),
      status,
      summary,
      chartRow,
      h("div", { class: "stats-columns" }, h("div", {}, scriptsBox, errorsBox), sideBox),
      shared.element,
    );

    shell.onInstanceChange(() => {
      history.clear();
      picked = null;
      last = null;
      restart();
    });
    return {
      element,
      show: () => {
        if (shown) return;
        shown = true;
        restart();
      },
      hide: () => {
        shown = false;
        restart();
      },
    };
  },
};
