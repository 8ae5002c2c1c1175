/**
 * Dependencies (docs/management.md, Packages and dependencies): what scripts may use, what is
 * missing, and installing it.
 */
import { builtinModules } from "node:module";
import { z } from "zod";
import { validationError } from "../../runtime/errors.ts";
import { type InstallSpec, parseInstallSpec } from "../../runtime/packages/names.ts";
import { checkFile, compileCode, dependencyReport } from "../checks.ts";
import type { ManagementContext } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";

/** `"a, b"` or `["a", "b"]` -> ["a", "b"]. */
export function moduleList(value: string | string[] | undefined): string[] {
  const items = Array.isArray(value) ? value : (value ?? "").split(",");
  return [...new Set(items.flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== ""))];
}

/** Specs from user input; the first bad one is a 400 naming it. */
export function parseSpecs(field: string, values: string[]): InstallSpec[] {
  return values.map((value) => {
    try {
      return parseInstallSpec(value);
    } catch (error) {
      throw validationError(field, (error as Error).message);
    }
  });
}

/**
 * "Bundled" here means: usable by every script with no install. hoody-exec pre-installs no npm
 * packages for scripts (D5: scripts get only the scripts root's node_modules, never the server's);
 * what every script has is the runtime's built-in modules, as `x` and `node:x`.
 */
export function bundledPackages(): string[] {
  return [...new Set(builtinModules.filter((m) => !m.startsWith("_")))].sort();
}

/**
 * The package specifiers `code` imports, read from its syntax tree by the serving compiler; code
 * that does not parse is refused (its imports are not guessed).
 */
export async function importsOf(context: ManagementContext, code: string): Promise<string[]> {
  const abs = checkFile(context, undefined, undefined, code);
  return (await compileCode(context, code, abs)).imports;
}

export const DEPENDENCY_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/dependencies/bundled",
    cli: { group: "dependencies", verb: "bundled", aliases: ["packages list"] },
    summary: "Modules every script may use with no install (the runtime's built-ins)",
    input: z.object({}),
    handler(_input, { context }) {
      const packages = bundledPackages();
      return {
        total: packages.length,
        packages,
        allAvailable: true,
        runtime: context.installer.runtime,
        note:
          "No npm packages are pre-installed: a package a script imports is installed into the scripts root on first use.",
      };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/dependencies/check",
    cli: { group: "dependencies", verb: "check", aliases: ["packages check"] },
    summary: "Which of the modules (or those the code imports) are installed",
    input: z.object({
      code: z.string().max(512 * 1024).optional().describe("Source to scan for imports"),
      modules: z.union([z.string(), z.array(z.string())]).optional().describe(
        "Comma-joined module names",
      ),
    }),
    async handler(input, { context }) {
      if (input.code === undefined && input.modules === undefined) {
        throw validationError("body", "code or modules is required");
      }
      const specifiers = input.code !== undefined
        ? await importsOf(context, input.code)
        : moduleList(input.modules);
      const details = dependencyReport(context, specifiers);
      const installed = details.filter((d) => d.installed).map((d) => d.module);
      const missing = details.filter((d) => !d.installed).map((d) => d.module);
      return {
        total: details.length,
        installed,
        missing,
        details,
        message: missing.length === 0
          ? "All modules are available"
          : `${missing.length} module(s) missing: ${missing.join(", ")}`,
      };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/dependencies/install",
    cli: { group: "dependencies", verb: "install", aliases: ["packages add-modules"] },
    summary: "Installs packages into the scripts root now (waits for the installer)",
    input: z.object({
      modules: z.union([z.string(), z.array(z.string())]).describe(
        "Packages: name, name@version or name@file:folder",
      ),
      force: z.boolean().default(false).describe("Install even when already installed"),
    }),
    async handler(input, { context }) {
      const specs = parseSpecs("modules", moduleList(input.modules));
      if (specs.length === 0) {
        throw validationError("modules", "modules must name at least one package");
      }
      const installer = context.installer;
      const details: Record<string, unknown>[] = [];
      const todo = specs.filter((s) => {
        const present = installer.isInstalled(s.name) && !input.force;
        if (present) {
          details.push({
            module: s.name,
            status: "already-installed",
            version: installer.version(s.name),
          });
        }
        return !present;
      });
      let failed: string[] = [];
      if (todo.length > 0) {
        const job = await installer.install(todo, { force: input.force }).done;
        for (const s of todo) {
          details.push(
            job.status === "done"
              ? { module: s.name, status: "installed", version: job.installed[s.name] ?? null }
              : { module: s.name, status: "failed", error: job.error },
          );
        }
        if (job.status === "failed") failed = todo.map((s) => s.name);
      }
      const installedModules = specs.map((s) => s.name).filter((n) => !failed.includes(n));
      return {
        total: specs.length,
        installed: installedModules.length,
        failed: failed.length,
        installedModules,
        failedModules: failed,
        details,
      };
    },
  }),
];
