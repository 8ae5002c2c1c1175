/**
 * The route table as the router sees it (`route/discover` with metadata), joined with the
 * schedules (`schedules/list`) and the last answers (`monitor/scripts`), filterable.
 */
import { call } from "../api.ts";
import { fill, h, say, statusLine } from "../dom.ts";
import type { Panel, Shell } from "../panel.ts";

interface Route {
  pattern: string;
  filePath: string;
  type: string;
  params: string[];
  comments?: Record<string, string>;
}
interface ScheduleItem {
  scriptRel: string;
  expression: string;
  nextFire: string | null;
}
interface ScriptStats {
  execId: string;
  scriptPath: string;
  lastStatusCode: number;
  http: { total: number; errors: number; p95DurationMs: number };
}

/** The directives a reader of the table cares about first, shown as `name value`. */
const KEY_DIRECTIVES = ["token", "cors", "timeout", "concurrent", "websocket", "auth"];

async function load(execId: string) {
  const [routes, schedules, scripts] = await Promise.all([
    call<{ routes: Route[] }>("POST", "/route/discover", { execId, includeMetadata: true }),
    call<{ schedules: ScheduleItem[] }>("GET", "/schedules/list", { execId }),
    call<{ scripts: ScriptStats[] }>("GET", "/monitor/scripts", { limit: 500 }),
  ]);
  const scheduleOf = new Map(schedules.schedules.map((s) => [s.scriptRel, s]));
  const statsOf = new Map(
    scripts.scripts.filter((s) => s.execId === execId).map((s) => [s.scriptPath, s]),
  );
  return routes.routes.map((route) => ({
    route,
    schedule: scheduleOf.get(route.filePath),
    stats: statsOf.get(route.filePath),
  }));
}

type Row = Awaited<ReturnType<typeof load>>[number];

function directivesOf(route: Route): string {
  const comments = route.comments ?? {};
  return KEY_DIRECTIVES.filter((name) => name in comments)
    .map((name) => `@${name} ${comments[name]}`.trim())
    .join(", ");
}

function matches(row: Row, filter: string): boolean {
  if (filter === "") return true;
  const text = [
    row.route.filePath,
    row.route.pattern,
    row.route.comments?.mode ?? "serverless",
    directivesOf(row.route),
    row.schedule?.expression ?? "",
  ].join(" ").toLowerCase();
  return filter.toLowerCase().split(/\s+/).every((word) => text.includes(word));
}

export const routesPanel: Panel = {
  id: "routes",
  title: "Routes",
  create(shell: Shell) {
    let rows: Row[] = [];
    const status = statusLine();
    const filter = h("input", {
      type: "search",
      id: "routes-filter",
      placeholder: "file, pattern, mode, directive…",
      oninput: () => render(),
    });
    const body = h("tbody");
    const table = h(
      "table",
      { class: "routes" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["File", "Route", "Mode", "Directives", "Schedule", "Last status", ""].map((title) =>
            h("th", { scope: "col" }, title)
          ),
        ),
      ),
      body,
    );

    const render = () => {
      const shown = rows.filter((row) => matches(row, filter.value.trim()));
      fill(
        body,
        shown.map(({ route, schedule, stats }) =>
          h(
            "tr",
            { "data-file": route.filePath },
            h("td", {}, h("code", {}, route.filePath)),
            h("td", {}, h("code", {}, route.pattern)),
            h("td", {}, route.comments?.mode ?? "serverless"),
            h("td", {}, directivesOf(route)),
            h(
              "td",
              {},
              schedule
                ? h("code", { title: `next: ${schedule.nextFire ?? "–"}` }, schedule.expression)
                : "",
            ),
            h(
              "td",
              { class: stats && stats.lastStatusCode >= 500 ? "bad" : "" },
              stats ? String(stats.lastStatusCode) : "–",
            ),
            h(
              "td",
              { class: "actions" },
              h("button", {
                type: "button",
                "aria-label": `Edit ${route.filePath}`,
                onclick: () => shell.open("editor", { path: route.filePath }),
              }, "Edit"),
              h("button", {
                type: "button",
                "aria-label": `Call ${route.pattern}`,
                onclick: () =>
                  shell.open("request", {
                    path: route.filePath,
                    pattern: route.pattern,
                    params: route.params,
                  }),
              }, "Call"),
            ),
          )
        ),
      );
      say(status, `${shown.length} of ${rows.length} routes`);
    };

    const refresh = async () => {
      try {
        rows = await load(shell.execId());
        render();
      } catch (error) {
        say(status, error, "error");
      }
    };

    const element = h(
      "section",
      { "aria-labelledby": "routes-title" },
      h(
        "div",
        { class: "toolbar" },
        h("h2", { id: "routes-title" }, "Routes"),
        h("label", { for: "routes-filter" }, "Filter"),
        filter,
        h("button", { type: "button", onclick: () => void refresh() }, "Refresh"),
      ),
      status,
      table,
    );
    shell.onInstanceChange(() => void refresh());
    return { element, show: () => void refresh() };
  },
};
