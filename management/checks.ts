/**
 * The checks a script passes, shared by `scripts/write` (which refuses on the first failure) and
 * `validate/*` (which reports them): transpile through the compiler that serves scripts, a real
 * type-check against the injected globals, its packages against the scripts root, its magic
 * comments. Clients never see a host path: compiler messages name `{execId}/{file}`.
 */
import { readFile } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { isValidInstanceId } from "../routing/instance.ts";
import { SCRIPT_EXTENSIONS } from "../routing/pattern.ts";
import type { CompiledModule } from "../runtime/compile/compiler.ts";
import {
  type DirectiveWarning,
  parseDirectives,
  parseDirectiveValue,
} from "../runtime/directives/parse.ts";
import { getDirectiveSpec } from "../runtime/directives/table.ts";
import { ServerError, validationError } from "../runtime/errors.ts";
import { InstallError } from "../runtime/packages/installer.ts";
import { isRuntimeProvided, packageNameOf } from "../runtime/packages/names.ts";
import type { TypeCheckDiagnostic } from "../runtime/typecheck/typecheck.ts";
import type { ManagementContext } from "./context.ts";

export function isScriptFile(file: string): boolean {
  return SCRIPT_EXTENSIONS.includes(extname(file));
}

/** `validate/script` runs its TypeScript step only when the code looks like TypeScript. */
export function looksLikeTypeScript(source: string): boolean {
  return /:\s*[A-Za-z_{[(]|\binterface\s|\btype\s+\w+\s*=|\bas\s+\w|<\w+>\(/.test(source);
}

/** What clients see of a file below the scripts root: `{execId}/{file}`. */
export function shownPath(context: ManagementContext, abs: string): string {
  return relative(context.root, abs).split(sep).join("/");
}

/** The absolute file a check of loose code stands for: the real one when named, else a scratch name. */
export function checkFile(
  context: ManagementContext,
  id: string | undefined,
  file: string | undefined,
  source: string,
): string {
  const instance = id !== undefined && isValidInstanceId(id) ? id : context.defaultInstance;
  if (file && isScriptFile(file) && !file.split("/").includes("..")) {
    return join(context.root, instance, file);
  }
  return join(
    context.root,
    instance,
    looksLikeTypeScript(source) ? "_validate.ts" : "_validate.js",
  );
}

export type CompileCheck =
  | { ok: true; module: CompiledModule }
  | { ok: false; message: string; line: number; column: number };

/** Syntax and TypeScript transpile through the serving compiler (this also warms its cache). */
export async function compileCheck(
  context: ManagementContext,
  source: string,
  abs: string,
): Promise<CompileCheck> {
  const result = await context.compiler.compile(source, abs);
  if (result.ok) return { ok: true, module: result.module };
  const { line, column, message } = result.error;
  return { ok: false, message: message.split(abs).join(shownPath(context, abs)), line, column };
}

/** The JavaScript the compiler made of a script (empty when its cache file is gone). */
export async function readJavascript(module: CompiledModule): Promise<string> {
  return await readFile(module.path, "utf8").catch(() => "");
}

/**
 * The write path's transpile step: 400 naming the line and column, or the bare package
 * specifiers the script imports or requires.
 */
export async function requireCompiles(
  context: ManagementContext,
  source: string,
  abs: string,
): Promise<string[]> {
  const compiled = await compileCheck(context, source, abs);
  if (compiled.ok) return compiled.module.imports;
  const { line, column, message } = compiled;
  throw validationError(
    "content",
    `Script validation failed: ${shownPath(context, abs)}:${line}:${column}: ${message}`,
    {
      step: "validate",
      line,
      column,
      validation: { syntax: { valid: false, error: message, line, column } },
    },
  );
}

/**
 * The validate and dependency endpoints' compile: the module, or 400 naming the line and column of
 * code that does not parse (the field is `code`).
 */
export async function compileCode(
  context: ManagementContext,
  source: string,
  abs: string,
): Promise<CompiledModule> {
  const compiled = await compileCheck(context, source, abs);
  if (compiled.ok) return compiled.module;
  const { line, column, message } = compiled;
  throw new ServerError("VALIDATION_ERROR", `Syntax error at ${line}:${column}: ${message}`, {
    details: { valid: false, field: "code", line, column },
  });
}

export interface TypeCheckResult {
  valid: boolean;
  errors: TypeCheckDiagnostic[];
}

/** A real type-check against the injected globals (types/index.d.ts). */
export async function typeCheck(
  context: ManagementContext,
  source: string,
  abs: string,
): Promise<TypeCheckResult> {
  const errors = await context.typeChecker.check(source, abs);
  return { valid: errors.length === 0, errors };
}

/** `typecheck: true` on a write: any type error refuses it. */
export async function requireTypes(
  context: ManagementContext,
  source: string,
  abs: string,
): Promise<"ok"> {
  const { errors } = await typeCheck(context, source, abs);
  const first = errors[0];
  if (first === undefined) return "ok";
  throw validationError(
    "content",
    `Type check failed: ${
      shownPath(context, abs)
    }:${first.line}:${first.column}: ${first.message}` +
      (errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""),
    { step: "typecheck", line: first.line, column: first.column, errors },
  );
}

export interface Dependency {
  module: string;
  installed: boolean;
  version: string | null;
  builtin: boolean;
}

/** Each package among `specifiers` once, installed or not in the scripts root. */
export function dependencyReport(context: ManagementContext, specifiers: string[]): Dependency[] {
  const out: Dependency[] = [];
  for (const specifier of specifiers) {
    const builtin = isRuntimeProvided(specifier);
    const name = builtin ? specifier : packageNameOf(specifier);
    if (name === null || out.some((d) => d.module === name)) continue;
    const installed = builtin || context.installer.isInstalled(name);
    out.push({
      module: name,
      installed,
      version: builtin ? null : context.installer.version(name),
      builtin,
    });
  }
  return out;
}

/** The write path's install step: the missing packages among `imports`, or 500 INSTALL_FAILED. */
export async function installMissing(
  context: ManagementContext,
  imports: string[],
): Promise<{ installed: Record<string, string> }> {
  const { installer } = context;
  const names = [...new Set(imports.map(packageNameOf).filter((n) => n !== null))];
  const missing = names.filter((n) => !installer.isInstalled(n));
  try {
    await installer.ensure(missing);
  } catch (error) {
    if (!(error instanceof InstallError)) throw error;
    throw new ServerError("INSTALL_FAILED", error.message, {
      cause: error,
      details: {
        step: "install",
        packages: error.job.packages,
        output: error.job.output.split(context.root).join("<scripts root>"),
      },
    });
  }
  return { installed: Object.fromEntries(missing.map((n) => [n, installer.version(n) ?? ""])) };
}

/** Directive values that would fall back to a default at run time are refused at write time. */
export function requireDirectives(source: string): DirectiveWarning[] {
  const parsed = parseDirectives(source);
  for (const [name, written] of Object.entries(parsed.present)) {
    const spec = getDirectiveSpec(name);
    if (!spec) continue;
    const result = parseDirectiveValue(spec, written);
    if (!result.ok) {
      throw validationError("content", `Script validation failed: ${result.warning.message}`, {
        step: "validate",
        directive: result.warning.directive,
        validation: { magicComments: { valid: false, error: result.warning.message } },
      });
    }
  }
  return parsed.warnings;
}

/** A `.json` file must parse; 400 `Invalid JSON` (the parser's reason beside it). */
export function requireJson(file: string, content: string): void {
  if (extname(file).toLowerCase() !== ".json") return;
  try {
    JSON.parse(content);
  } catch (error) {
    throw validationError("content", "Invalid JSON", {
      step: "validate",
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}
