/** How the CLI prints a response body: `-o json` is exactly the body (D16), yaml and table for people. */
import { stringify } from "yaml";

export type OutputFormat = "json" | "yaml" | "table";

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function table(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((c) => cell(row[c]).slice(0, 60)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join("\n") + "\n";
}

const isRow = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Table: the body's first array of objects as rows, otherwise the body's fields as KEY VALUE. */
function toTable(body: unknown): string {
  if (Array.isArray(body) && body.every(isRow)) return table(body);
  if (!isRow(body)) return `${cell(body)}\n`;
  const list = Object.values(body).find((v) => Array.isArray(v) && v.length > 0 && v.every(isRow));
  if (list) return table(list as Record<string, unknown>[]);
  return table(Object.entries(body).map(([key, value]) => ({ key, value })));
}

export function formatBody(body: unknown, format: OutputFormat): string {
  if (typeof body === "string") return body.endsWith("\n") ? body : `${body}\n`;
  switch (format) {
    case "json":
      return `${JSON.stringify(body, null, 2)}\n`;
    case "yaml":
      return stringify(body, { aliasDuplicateObjects: false });
    case "table":
      return toTable(body);
  }
}
