/**
 * The templates a server offers: the built-ins, then the custom ones (a custom template can never
 * take a built-in's name). Looking one up, listing them, and filling one in.
 */
import { ServerError } from "../../runtime/errors.ts";
import { getBuiltinTemplates } from "./builtin.ts";
import { readCustomTemplate, scanCustomTemplates } from "./custom.ts";
import { fillTemplate } from "./fill.ts";
import type { Template } from "./metadata.ts";

export interface ListOptions {
  category?: string;
  includeBuiltin: boolean;
  includeCustom: boolean;
}

export async function listTemplates(root: string, options: ListOptions): Promise<Template[]> {
  const builtin = options.includeBuiltin ? [...(await getBuiltinTemplates()).values()] : [];
  const custom = options.includeCustom ? await scanCustomTemplates(root) : [];
  const all = [...builtin, ...custom.filter((t) => !builtin.some((b) => b.name === t.name))];
  return options.category === undefined
    ? all
    : all.filter((t) => t.metadata.category === options.category);
}

/** A template by name (built-ins first), or 404 saying where to look. */
export async function getTemplate(root: string, name: string): Promise<Template> {
  const template = (await getBuiltinTemplates()).get(name) ?? await readCustomTemplate(root, name);
  if (!template) {
    throw new ServerError(
      "NOT_FOUND",
      `No template "${name}": templates/list shows the built-in and custom ones`,
      { details: { name } },
    );
  }
  return template;
}

/**
 * The template's code with its placeholders filled, or 400 TEMPLATE_VARIABLES listing every
 * required param not given (`missing`) and every variable no param names (`unknown`).
 */
export function renderTemplate(
  template: Template,
  variables: Record<string, unknown>,
): { code: string; values: Record<string, string> } {
  const result = fillTemplate(template.code, template.metadata.params, variables);
  if (result.ok) return result;
  const problems = [
    result.missing.length > 0 ? `missing required variables: ${result.missing.join(", ")}` : "",
    result.unknown.length > 0 ? `unknown variables: ${result.unknown.join(", ")}` : "",
  ].filter((p) => p !== "");
  const params = template.metadata.params.map((p) => p.name).join(", ") || "none";
  throw new ServerError(
    "TEMPLATE_VARIABLES",
    `Template ${template.name}: ${problems.join("; ")} (its params: ${params})`,
    { details: { template: template.name, missing: result.missing, unknown: result.unknown } },
  );
}
