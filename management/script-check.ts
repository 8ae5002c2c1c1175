/** What a write must pass before it reaches the disk: transpile (line, column) and magic comments (D6). */
import { extname } from "node:path";
import { SCRIPT_EXTENSIONS } from "../routing/pattern.ts";
import { getDirectiveSpec } from "../runtime/directives/table.ts";
import {
  type DirectiveWarning,
  parseDirectives,
  parseDirectiveValue,
} from "../runtime/directives/parse.ts";
import { InstallError } from "../runtime/packages/installer.ts";
import { packageNameOf } from "../runtime/packages/names.ts";
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
          step: "validate",
          directive: result.warning.directive,
          validation: { magicComments: { valid: false, error: result.warning.message } },
        },
      );
    }
  }
  return parsed.warnings;
}

/** SPEC §3: a `.json` file must parse; 400 `Invalid JSON` (the parser's reason beside it). */
export function checkJson(file: string, content: string): void {
  if (extname(file).toLowerCase() !== ".json") return;
  try {
    JSON.parse(content);
  } catch (error) {
    throw new ApiError(400, "VALIDATION_ERROR", "Invalid JSON", {
      field: "content",
      step: "validate",
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * Syntax and TypeScript transpile through the same compiler that serves the script. Resolves to
 * the bare package specifiers the script imports or requires.
 */
export async function checkCompiles(
  context: ManagementContext,
  source: string,
  abs: string,
  shown: string,
): Promise<string[]> {
  const result = await context.compiler.compile(source, abs);
  if (result.ok) return result.module.imports;
  const { line, column, message } = result.error;
  throw new ApiError(
    400,
    "VALIDATION_ERROR",
    `Script validation failed: ${shown}:${line}:${column}: ${scrub(message, abs, shown)}`,
    {
      field: "content",
      step: "validate",
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

/** `typecheck: true`: a real type-check against the injected globals; any error refuses the write. */
export async function typeCheckStep(
  context: ManagementContext,
  source: string,
  abs: string,
  shown: string,
): Promise<"ok"> {
  const errors = await context.typeChecker.check(source, abs);
  if (errors.length === 0) return "ok";
  const first = errors[0]!;
  throw new ApiError(
    400,
    "VALIDATION_ERROR",
    `Type check failed: ${shown}:${first.line}:${first.column}: ${first.message}` +
      (errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""),
    {
      field: "content",
      step: "typecheck",
      line: first.line,
      column: first.column,
      errors,
    },
  );
}

/** Installs the missing packages among `imports`; a failure is a 500 INSTALL_FAILED, nothing changed. */
export async function installStep(
  context: ManagementContext,
  imports: string[],
): Promise<{ installed: Record<string, string> }> {
  const installer = context.installer;
  const names = [...new Set(imports.map(packageNameOf).filter((n) => n !== null))];
  const missing = names.filter((n) => !installer.isInstalled(n));
  try {
    await installer.ensure(missing);
  } catch (error) {
    if (!(error instanceof InstallError)) throw error;
    throw new ApiError(500, "INSTALL_FAILED", error.message, {
      step: "install",
      packages: error.job.packages,
      output: error.job.output.split(context.root).join("<scripts root>"),
    });
  }
  return { installed: Object.fromEntries(missing.map((n) => [n, installer.version(n) ?? ""])) };
}
