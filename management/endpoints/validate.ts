/**
 * Validation (docs/management.md, Validation): syntax and transpile through the compiler that
 * serves scripts, packages against the scripts root's node_modules, magic comments, and with
 * `typecheck: true` a real type-check against the injected globals (types/index.d.ts).
 */
import { extname, join } from "node:path";
import { z } from "zod";
import { parseDirectives } from "../../runtime/directives/parse.ts";
import {
  checkFile,
  compileCheck,
  compileCode,
  dependencyReport,
  looksLikeTypeScript,
  readJavascript,
  typeCheck,
} from "../checks.ts";
import { redactPresent } from "../comment-changes.ts";
import type { ManagementContext } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { execId } from "../schemas.ts";

const MAX_CODE = 512 * 1024;

export const code = z.string({ error: "Missing code in request body" })
  .min(1, { error: "Missing code in request body" })
  .refine((s) => Buffer.byteLength(s) <= MAX_CODE, { error: "code must be at most 512 KiB" })
  .describe("The script's source");

const filePath = z.string().max(4096).optional().describe(
  "Where the script would live below the instance (picks .ts/.js and where packages resolve)",
);

/** `validate/script`: every check at once, reported rather than refused. */
export async function validateScript(
  context: ManagementContext,
  source: string,
  abs: string,
  typecheck: boolean,
) {
  const compiled = await compileCheck(context, source, abs);
  const syntax = compiled.ok
    ? { valid: true, message: "Syntax is valid" }
    : { valid: false, error: compiled.message, line: compiled.line, column: compiled.column };
  const isTs = looksLikeTypeScript(source) || /\.[mc]?tsx?$/.test(extname(abs));
  const typescript = !isTs
    ? null
    : compiled.ok
    ? { valid: true, transpiledLength: (await readJavascript(compiled.module)).length }
    : { valid: false, error: compiled.message };
  const dependencies = compiled.ok ? dependencyReport(context, compiled.module.imports) : [];
  const missing = dependencies.filter((d) => !d.installed);
  const total = dependencies.length;
  const parsed = parseDirectives(source);
  const typeCheckResult = typecheck && compiled.ok ? await typeCheck(context, source, abs) : null;
  const transformations = compiled.ok ? compiled.module.transformations : [];
  const results = {
    syntax,
    typescript,
    // Code that does not parse has no imports to read: say so rather than guess them.
    dependencies: {
      total,
      installed: total - missing.length,
      missing: missing.length,
      missingModules: missing.map((d) => d.module),
      allInstalled: compiled.ok && missing.length === 0,
      ...(compiled.ok ? {} : { checked: false, reason: "the code has a syntax error" }),
    },
    magicComments: Object.keys(parsed.present).length > 0 ? redactPresent(parsed.present) : null,
    magicCommentWarnings: parsed.warnings,
    typecheck: typeCheckResult,
    normalized: transformations.length > 0,
    transformations,
  };
  const valid = syntax.valid && (typescript?.valid ?? true) && missing.length === 0 &&
    (typeCheckResult?.valid ?? true);
  const typeErrors = typeCheckResult?.errors ?? [];
  const problems = [
    !syntax.valid && `syntax: ${syntax.error}`,
    typeErrors[0] &&
    `${typeErrors.length} type error(s), first at ${typeErrors[0].line}:${typeErrors[0].column}: ${
      typeErrors[0].message
    }`,
    missing.length > 0 && `missing packages: ${missing.map((d) => d.module).join(", ")}`,
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

/** The compiled module of code that must parse (400 naming line and column otherwise). */
function compileOnly(
  context: ManagementContext,
  source: string,
  input: { execId?: string; path?: string },
) {
  return compileCode(context, source, checkFile(context, input.execId, input.path, source));
}

export const VALIDATE_ENDPOINTS: readonly Endpoint[] = [
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
    handler: (input, { context }) =>
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
    async handler(input, { context }) {
      const compiled = await compileOnly(context, input.code, input);
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
    async handler(input, { context }) {
      const compiled = await compileOnly(context, input.code, {
        ...input,
        path: input.path ?? "_validate.ts",
      });
      const javascript = await readJavascript(compiled);
      return {
        valid: true,
        javascript,
        originalLength: input.code.length,
        transpiledLength: javascript.length,
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
    async handler(input, { context }) {
      const compiled = await compileOnly(context, input.code, input);
      const dependencies = dependencyReport(context, compiled.imports).map((d) =>
        d.builtin
          ? { module: d.module, installed: true, builtin: true }
          : { module: d.module, installed: d.installed }
      );
      const missing = dependencies.filter((d) => !d.installed).map((d) => d.module);
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
      const present = Object.keys(parsed.present).length > 0 ? redactPresent(parsed.present) : null;
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
    async handler(input, { context }) {
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
