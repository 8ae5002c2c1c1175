/**
 * How the CLI prints a response body: `-o json` is exactly the body, indented; `raw` the
 * same on one line, as the server sent it; yaml, table and wide (a table with nothing cut) for
 * people.
 */
import { stringify } from "yaml";

export const OUTPUT_FORMATS = ["json", "yaml", "table", "wide", "raw"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Cells longer than this are cut in `table` (not in `wide`). */
const TABLE_CELL_WIDTH = 60;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function table(rows: Record<string, unknown>[], width: number): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((c) => cell(row[c]).slice(0, width)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join("\n") + "\n";
}

const isRow = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Table: the body's first array of objects as rows, otherwise the body's fields as KEY VALUE. */
function toTable(body: unknown, width: number): string {
  if (Array.isArray(body) && body.every(isRow)) return table(body, width);
  if (!isRow(body)) return `${cell(body)}\n`;
  const list = Object.values(body).find((v) => Array.isArray(v) && v.length > 0 && v.every(isRow));
  if (list) return table(list as Record<string, unknown>[], width);
  return table(Object.entries(body).map(([key, value]) => ({ key, value })), width);
}

export function formatBody(body: unknown, format: OutputFormat): string {
  if (typeof body === "string") return body.endsWith("\n") ? body : `${body}\n`;
  switch (format) {
    case "json":
      return `${JSON.stringify(body, null, 2)}\n`;
    case "raw":
      return `${JSON.stringify(body)}\n`;
    case "yaml":
      return stringify(body, { aliasDuplicateObjects: false });
    case "table":
      return toTable(body, TABLE_CELL_WIDTH);
    case "wide":
      return toTable(body, Infinity);
  }
}
