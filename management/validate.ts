/**
 * Validation (SPEC §16): syntax and transpile through the compiler that serves scripts, packages
 * against the scripts root's node_modules, magic comments, and with `typecheck: true` a real
 * type-check against the injected globals (types/index.d.ts, SPEC §28.5).
 */
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { z } from "zod";
import { isValidInstanceId } from "../routing/instance.ts";
import { isRuntimeProvided, packageNameOf } from "../runtime/packages/names.ts";
import type { TypeCheckDiagnostic } from "../runtime/typecheck/typecheck.ts";
import { parseDirectives } from "../runtime/directives/parse.ts";
import type { ManagementContext } from "./context.ts";
import { defineEndpoint, type Endpoint } from "./endpoint.ts";
import { ApiError } from "./errors.ts";
import { redactPresent } from "./magic-comments.ts";
import { isScriptFile } from "./script-check.ts";
import { execId } from "./schemas.ts";

const MAX_CODE = 512 * 1024;

export const code = z.string({ error: "Missing code in request body" })
  .min(1, { error: "Missing code in request body" })
  .refine((s) => Buffer.byteLength(s) <= MAX_CODE, { error: "code must be at most 512 KiB" })
  .describe("The script's source");

const filePath = z.string().max(4096).optional().describe(
  "Where the script would live below the instance (picks .ts/.js and where packages resolve)",
);

/** SPEC §16: the TS step runs when the code looks like TypeScript. */
export function looksLikeTypeScript(source: string): boolean {
  return /:\s*[A-Za-z_{[(]|\binterface\s|\btype\s+\w+\s*=|\bas\s+\w|<\w+>\(/.test(source);
}

/** The absolute file a check stands for: the real one when named, else a scratch name. */
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

export type Compiled =
  | {
    ok: true;
    imports: string[];
    transformations: string[];
    shape: string;
    javascript: string;
  }
  | { ok: false; error: string; line: number; column: number };

export async function compileFor(context: ManagementContext, source: string, abs: string) {
  const result = await context.compiler.compile(source, abs);
  if (!result.ok) {
    const { line, column, message } = result.error;
    return {
      ok: false,
      error: message.split(abs).join(abs.slice(context.root.length + 1)),
      line,
      column,
    } as Compiled;
  }
  const javascript = await readFile(result.module.path, "utf8").catch(() => "");
  return {
    ok: true,
    imports: result.module.imports,
    transformations: result.module.transformations,
    shape: result.module.shape,
    javascript,
  } as Compiled;
}

/** The packages among `specifiers`, each installed or not in the scripts root. */
export function dependencyReport(context: ManagementContext, specifiers: string[]) {
  const installer = context.installer;
  const seen = new Set<string>();
  const dependencies: { module: string; installed: boolean; builtin?: boolean }[] = [];
  for (const specifier of specifiers) {
    if (isRuntimeProvided(specifier)) {
      if (!seen.has(specifier)) {
        dependencies.push({ module: specifier, installed: true, builtin: true });
      }
      seen.add(specifier);
      continue;
    }
    const name = packageNameOf(specifier);
    if (name === null || seen.has(name)) continue;
    seen.add(name);
    dependencies.push({ module: name, installed: installer.isInstalled(name) });
  }
  const missing = dependencies.filter((d) => !d.installed).map((d) => d.module);
  return { dependencies, missing };
}

/** Every `import … from "x"`, `import("x")`, `require("x")` in a source, as written. */
export function scanSpecifiers(source: string): string[] {
  const out = new Set<string>();
  const patterns = [
    /\bimport\s+(?:[^'"`;]*?\s+from\s+)?["']([^"']+)["']/g,
    /\bexport\s+[^'"`;]*?\s+from\s+["']([^"']+)["']/g,
    /\b(?:require|import)\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) out.add(m[1]!);
  return [...out];
}

export interface TypeCheckResult {
  valid: boolean;
  errors: TypeCheckDiagnostic[];
}

export async function runTypeCheck(
  context: ManagementContext,
  source: string,
  abs: string,
): Promise<TypeCheckResult> {
  const errors = await context.typeChecker.check(source, abs);
  return { valid: errors.length === 0, errors };
}

export async function validateScript(
  context: ManagementContext,
  source: string,
  abs: string,
  typecheck: boolean,
) {
  const compiled = await compileFor(context, source, abs);
  const syntax = compiled.ok
    ? { valid: true, message: "Syntax is valid" }
    : { valid: false, error: compiled.error, line: compiled.line, column: compiled.column };
  const isTs = looksLikeTypeScript(source) || /\.[mc]?tsx?$/.test(extname(abs));
  const typescript = !isTs
    ? null
    : compiled.ok
    ? { valid: true, transpiledLength: compiled.javascript.length }
    : { valid: false, error: compiled.error };
  const specifiers = compiled.ok ? compiled.imports : scanSpecifiers(source);
  const deps = dependencyReport(context, specifiers);
  const parsed = parseDirectives(source);
  const typeCheckResult = typecheck && compiled.ok
    ? await runTypeCheck(context, source, abs)
    : null;
  const results = {
    syntax,
    typescript,
    dependencies: {
      total: deps.dependencies.length,
      installed: deps.dependencies.length - deps.missing.length,
      missing: deps.missing.length,
      missingModules: deps.missing,
      allInstalled: deps.missing.length === 0,
    },
    magicComments: Object.keys(parsed.present).length > 0 ? redactPresent(parsed.present) : null,
    magicCommentWarnings: parsed.warnings,
    typecheck: typeCheckResult,
    normalized: compiled.ok && compiled.transformations.length > 0,
    transformations: compiled.ok ? compiled.transformations : [],
  };
  const valid = syntax.valid && (typescript?.valid ?? true) && deps.missing.length === 0 &&
    (typeCheckResult?.valid ?? true);
  const problems = [
    !syntax.valid && `syntax: ${syntax.error}`,
    typeCheckResult && !typeCheckResult.valid &&
    `${typeCheckResult.errors.length} type error(s), first at ${typeCheckResult.errors[0]!.line}:${
      typeCheckResult.errors[0]!.column
    }: ${typeCheckResult.errors[0]!.message}`,
    deps.missing.length > 0 && `missing packages: ${deps.missing.join(", ")}`,
  ].filter(Boolean);
  return {
    valid,
    results,
    message: valid ? "Script is valid" : `Script is not valid: ${problems.join("; ")}`,
  };
}

/**
 * `validate/return-type`: a JSON value against a TypeScript type, checked by the compiler itself;
 * with the type as JSON Schema (`parsedType`).
 */
async function checkReturnType(
  context: ManagementContext,
  definition: string,
  value: unknown,
) {
  const source = `type __Expected = ${definition};\nconst __value: __Expected = ${
    JSON.stringify(value)
  };\nexport {};\n`;
  const checked = await context.typeChecker.checkDescribing(
    source,
    join(context.root, "_hoody", "return-type.ts"),
    definition,
  );
  return {
    errors: checked.diagnostics.map((e) => ({
      message: e.message,
      line: e.line,
      column: e.column,
    })),
    parsedType: checked.described,
  };
}

export function validateEndpoints(context: ManagementContext): Endpoint[] {
  const compileOnly = async (source: string, input: { execId?: string; path?: string }) => {
    const abs = checkFile(context, input.execId, input.path, source);
    const compiled = await compileFor(context, source, abs);
    if (!compiled.ok) {
      throw new ApiError(
        400,
        "VALIDATION_ERROR",
        `Syntax error at ${compiled.line}:${compiled.column}: ${compiled.error}`,
        {
          valid: false,
          field: "code",
          line: compiled.line,
          column: compiled.column,
        },
      );
    }
    return compiled;
  };
  return [
    defineEndpoint({
      method: "POST",
      path: "/validate/script",
      cli: { group: "validate", verb: "script" },
      summary: "Every check at once: syntax, TypeScript, packages, magic comments (and types)",
      input: z.object({
        code,
        execId,
        path: filePath,
        typecheck: z.boolean().default(false).describe(
          "Type-check against the injected globals (req, res, metadata, shared, …)",
        ),
      }),
      handler: (input) =>
        validateScript(
          context,
          input.code,
          checkFile(context, input.execId, input.path, input.code),
          input.typecheck,
        ),
    }),
    defineEndpoint({
      method: "POST",
      path: "/validate/syntax",
      cli: { group: "validate", verb: "syntax" },
      summary: "Parses and normalises the code as the server would run it",
      input: z.object({ code, execId, path: filePath }),
      async handler(input) {
        const compiled = await compileOnly(input.code, input);
        if (!compiled.ok) throw new Error("unreachable");
        return {
          valid: true,
          message: "JavaScript syntax is valid",
          codeLength: input.code.length,
          normalized: compiled.transformations.length > 0,
          transformations: compiled.transformations,
        };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/validate/typescript",
      cli: { group: "validate", verb: "typescript", aliases: ["validate types"] },
      summary: "Transpiles TypeScript (no type-check; see validate script --typecheck)",
      input: z.object({ code, execId, path: filePath }),
      async handler(input) {
        const compiled = await compileOnly(input.code, {
          ...input,
          path: input.path ?? "_validate.ts",
        });
        if (!compiled.ok) throw new Error("unreachable");
        return {
          valid: true,
          javascript: compiled.javascript,
          originalLength: input.code.length,
          transpiledLength: compiled.javascript.length,
          normalized: compiled.transformations.length > 0,
          transformations: compiled.transformations,
          message: "TypeScript validation successful",
        };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/validate/dependencies",
      cli: { group: "validate", verb: "dependencies" },
      summary: "Which packages the code uses, and which are not installed",
      input: z.object({ code, execId, path: filePath }),
      async handler(input) {
        const abs = checkFile(context, input.execId, input.path, input.code);
        const compiled = await compileFor(context, input.code, abs);
        const { dependencies, missing } = dependencyReport(
          context,
          compiled.ok ? compiled.imports : scanSpecifiers(input.code),
        );
        return {
          totalModules: dependencies.length,
          allInstalled: missing.length === 0,
          missingCount: missing.length,
          missingModules: missing,
          dependencies,
          message: missing.length === 0
            ? "All dependencies are installed"
            : `${missing.length} package(s) not installed (installed on first use, or now with dependencies install)`,
          installCommand: missing.length === 0
            ? null
            : `hoody-exec dependencies install --modules ${missing.join(" ")}`,
        };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/validate/magic-comments",
      cli: { group: "validate", verb: "magic-comments" },
      summary: "The magic comments the code's header sets, with warnings",
      input: z.object({ code }),
      handler(input) {
        const parsed = parseDirectives(input.code);
        const present = Object.keys(parsed.present).length > 0
          ? redactPresent(parsed.present)
          : null;
        return {
          valid: parsed.warnings.length === 0,
          magicComments: present,
          warnings: parsed.warnings,
          returnType: null,
          message: parsed.warnings.length === 0
            ? "Magic comments are valid"
            : `${parsed.warnings.length} warning(s)`,
        };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/validate/return-type",
      cli: { group: "validate", verb: "return-type" },
      summary: "Checks a JSON value against a TypeScript type, with the TypeScript compiler",
      input: z.object({
        typeDefinition: z.string().min(1).max(16 * 1024).describe(
          'A TypeScript type, e.g. "{ id: number; tags: string[] }"',
        ),
        value: z.unknown().refine((v) => v !== undefined, { error: "value is required" })
          .describe("The JSON value to check"),
      }),
      async handler(input) {
        const { errors, parsedType } = await checkReturnType(
          context,
          input.typeDefinition,
          input.value,
        );
        return {
          valid: errors.length === 0,
          errors,
          typeDefinition: input.typeDefinition,
          parsedType,
          message: errors.length === 0
            ? "The value matches the type"
            : `The value does not match the type: ${errors[0]!.message}`,
        };
      },
    }),
  ];
}
