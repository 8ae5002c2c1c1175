/**
 * The logs panel's tables: one row per log line (execution: time, level, script, request, message;
 * access: time, status, duration, request line, script, request), at most MAX_ROWS in the DOM, the
 * oldest dropped first, rows the filters refuse hidden. Text goes in as text nodes: whatever a
 * script printed shows as the server escaped it, on one row.
 */
import { fill, h } from "../../dom.ts";
import {
  accessFields,
  clockOf,
  type Filters,
  type LogLine,
  type LogType,
  matches,
} from "./lines.ts";

/** The most rows the live view keeps in the DOM. */
export const MAX_ROWS = 2000;

/** What a click on a request id does: show that request's lines. */
export type PickRequest = (executionId: string) => void;

function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id;
}

/** The request id cell: a button showing that request's lines, or a dash outside any request. */
function requestCell(line: LogLine, pick: PickRequest): HTMLElement {
  if (line.executionId === "-" || line.executionId === "") return h("td", {}, "–");
  return h(
    "td",
    {},
    h("button", {
      type: "button",
      class: "log-request mono",
      title: line.executionId,
      "aria-label": `Lines of request ${line.executionId}`,
      onclick: () => pick(line.executionId),
    }, shortId(line.executionId)),
  );
}

function statusClass(status: number): string {
  if (status >= 500) return "status-5xx";
  if (status >= 400) return "status-4xx";
  if (status >= 300) return "status-3xx";
  return "status-2xx";
}

function levelCell(line: LogLine): HTMLElement {
  const level = line.level || "?";
  return h("td", {}, h("span", { class: `log-level level-${level.toLowerCase()}` }, level));
}

function statusCell(line: LogLine): HTMLElement {
  const fields = accessFields(line);
  return h(
    "td",
    {},
    fields
      ? h("span", { class: `log-level ${statusClass(fields.status)}` }, String(fields.status))
      : "–",
  );
}

function requestLineCell(line: LogLine): HTMLElement {
  const fields = accessFields(line);
  return h(
    "td",
    { class: "mono log-text", title: fields ? `from ${fields.client}` : "" },
    fields
      ? [h("strong", {}, fields.method), " ", fields.path, fields.extra ? ` ${fields.extra}` : ""]
      : line.text,
  );
}

function durationCell(line: LogLine): HTMLElement {
  const fields = accessFields(line);
  return h(
    "td",
    { class: "mono log-duration" },
    fields ? `${fields.durationMs.toFixed(1)} ms` : "–",
  );
}

/** A table column: its heading and how a line fills its cell. */
interface Column {
  key: string;
  title: string;
  cell(line: LogLine, pick: PickRequest): HTMLElement;
}

const TIME: Column = {
  key: "time",
  title: "Time",
  cell: (line) => h("td", { class: "mono log-time", title: line.time }, clockOf(line.time)),
};
const SCRIPT: Column = {
  key: "script",
  title: "Script",
  cell: (line) => h("td", { class: "mono log-script", title: line.script }, line.script || "–"),
};
const REQUEST: Column = { key: "request", title: "Request", cell: requestCell };

const COLUMNS: Record<LogType, readonly Column[]> = {
  execution: [
    TIME,
    { key: "level", title: "Level", cell: levelCell },
    SCRIPT,
    REQUEST,
    {
      key: "text",
      title: "Message",
      cell: (line) => h("td", { class: "mono log-text" }, line.text),
    },
  ],
  access: [
    TIME,
    { key: "status", title: "Status", cell: statusCell },
    { key: "duration", title: "Duration", cell: durationCell },
    { key: "text", title: "Request line", cell: requestLineCell },
    SCRIPT,
    REQUEST,
  ],
};

/** The columns of a kind, less those named in `omit` (the side view's narrower tables). */
const columnsOf = (type: LogType, omit: readonly string[]) =>
  COLUMNS[type].filter((column) => !omit.includes(column.key));

/** One row for a line of either kind. */
export function rowOf(
  line: LogLine,
  type: LogType,
  pick: PickRequest,
  omit: readonly string[] = [],
): HTMLTableRowElement {
  return h(
    "tr",
    { "data-level": line.level, "data-execution-id": line.executionId },
    columnsOf(type, omit).map((column) => column.cell(line, pick)),
  );
}

/** A table of log lines with its headings; `body` takes the rows. */
export function logTable(type: LogType, label: string, omit: readonly string[] = []): {
  table: HTMLTableElement;
  body: HTMLTableSectionElement;
} {
  const body = h("tbody");
  const table = h(
    "table",
    { class: `log-table log-${type}`, "aria-label": label },
    h(
      "thead",
      {},
      h("tr", {}, columnsOf(type, omit).map((column) => h("th", { scope: "col" }, column.title))),
    ),
    body,
  );
  return { table, body };
}

/** The live view: lines appended as they come, bounded, filtered, kept scrolled to the end. */
export class LiveView {
  readonly element: HTMLElement;
  private rows: { line: LogLine; row: HTMLTableRowElement }[] = [];
  private body: HTMLTableSectionElement;
  private type: LogType = "execution";
  private shownCount = 0;

  constructor(private readonly pick: PickRequest, private readonly filters: () => Filters) {
    const { table, body } = logTable(this.type, "Live log lines");
    this.body = body;
    this.element = h("div", { class: "log-scroll" }, table);
  }

  /** Empties the view; with a type, shows that kind's columns. */
  reset(type: LogType = this.type): void {
    this.rows = [];
    this.shownCount = 0;
    if (type !== this.type || this.body.childElementCount > 0) {
      this.type = type;
      const { table, body } = logTable(type, "Live log lines");
      this.body = body;
      fill(this.element, table);
    }
  }

  /** Appends lines (only the last MAX_ROWS of a burst are built), dropping the oldest past MAX_ROWS. */
  add(lines: readonly LogLine[]): void {
    const atEnd = this.element.scrollHeight - this.element.scrollTop - this.element.clientHeight <
      24;
    const filters = this.filters();
    const fresh = lines.slice(Math.max(0, lines.length - MAX_ROWS)).map((line) => {
      const row = rowOf(line, this.type, this.pick);
      row.hidden = !matches(line, filters);
      if (!row.hidden) this.shownCount++;
      return { line, row };
    });
    this.body.append(...fresh.map((r) => r.row));
    this.rows.push(...fresh);
    const over = this.rows.length - MAX_ROWS;
    if (over > 0) {
      for (const { row } of this.rows.splice(0, over)) {
        if (!row.hidden) this.shownCount--;
        row.remove();
      }
    }
    if (atEnd) this.element.scrollTop = this.element.scrollHeight;
  }

  /** Hides the rows the filters refuse, shows the others. */
  refilter(): void {
    const filters = this.filters();
    this.shownCount = 0;
    for (const { line, row } of this.rows) {
      row.hidden = !matches(line, filters);
      if (!row.hidden) this.shownCount++;
    }
  }

  get total(): number {
    return this.rows.length;
  }

  get shown(): number {
    return this.shownCount;
  }
}
