/** What a write must pass before it reaches the disk: transpile (line, column) and magic comments (D6). */
import { extname } from "node:path";
import { SCRIPT_EXTENSIONS } from "../routing/pattern.ts";
import { getDirectiveSpec } from "../runtime/script/directive-schema.ts";
import {
  type DirectiveWarning,
  parseDirectives,
  parseDirectiveValue,
} from "../runtime/script/directives.ts";
import type { ManagementContext } from "./context.ts";
import { ApiError } from "./errors.ts";

export function isScriptFile(file: string): boolean {
  return SCRIPT_EXTENSIONS.includes(extname(file));
}

/** Directive values that would fall back to a default at run time are refused at write time. */
export function checkDirectives(source: string, field = "content"): DirectiveWarning[] {
  const parsed = parseDirectives(source);
  for (const [name, written] of Object.entries(parsed.present)) {
    const spec = getDirectiveSpec(name);
    if (!spec) continue;
    const result = parseDirectiveValue(spec, written);
    if (!result.ok) {
      throw new ApiError(
        400,
        "VALIDATION_ERROR",
        `Script validation failed: ${result.warning.message}`,
        {
          field,
          directive: result.warning.directive,
          validation: { magicComments: { valid: false, error: result.warning.message } },
        },
      );
    }
  }
  return parsed.warnings;
}

/** Syntax and TypeScript transpile through the same compiler that serves the script. */
export async function checkCompiles(
  context: ManagementContext,
  source: string,
  abs: string,
  shown: string,
): Promise<void> {
  const result = await context.compiler.compile(source, abs);
  if (result.ok) return;
  const { line, column, message } = result.error;
  throw new ApiError(
    400,
    "VALIDATION_ERROR",
    `Script validation failed: ${shown}:${line}:${column}: ${scrub(message, abs, shown)}`,
    {
      field: "content",
      line,
      column,
      validation: { syntax: { valid: false, error: scrub(message, abs, shown), line, column } },
    },
  );
}

/** Compiler messages may carry the absolute file name: clients see only `{execId}/{file}`. */
function scrub(message: string, abs: string, shown: string): string {
  return message.split(abs).join(shown);
}
