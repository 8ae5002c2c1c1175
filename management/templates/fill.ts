/**
 * `{{name}}` placeholders: find them, and fill them from a template's params and the caller's
 * variables (defaults for what is not given). Pure; the caller turns a `FillProblem` into a 400.
 */
import type { TemplateParam } from "./metadata.ts";

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The placeholder names a code holds, in order of first use. */
export function findPlaceholders(code: string): string[] {
  return [...new Set(Array.from(code.matchAll(PLACEHOLDER), (m) => m[1]!))];
}

export type FillResult =
  | { ok: true; code: string; values: Record<string, string> }
  | { ok: false; missing: string[]; unknown: string[] };

/** A variable's text: strings as written, anything else as JSON. */
function toText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value) ?? "";
}

/**
 * The code with every placeholder replaced: a given variable, else the param's default, else ""
 * for an optional param. Required params not given and variables no param names are reported
 * together, so one answer lists everything to fix.
 */
export function fillTemplate(
  code: string,
  params: readonly TemplateParam[],
  variables: Record<string, unknown>,
): FillResult {
  const known = new Set(params.map((p) => p.name));
  const unknown = Object.keys(variables).filter((name) => !known.has(name));
  const missing = params
    .filter((p) => p.required && (variables[p.name] === undefined || variables[p.name] === null))
    .map((p) => p.name);
  if (missing.length > 0 || unknown.length > 0) return { ok: false, missing, unknown };
  const values: Record<string, string> = {};
  for (const p of params) {
    const given = variables[p.name];
    values[p.name] = given === undefined || given === null ? p.default ?? "" : toText(given);
  }
  const filled = code.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
  return { ok: true, code: filled, values };
}
