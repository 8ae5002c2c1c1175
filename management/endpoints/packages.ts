/**
 * The scripts root's package.json (docs/management.md, Packages and dependencies): read, init,
 * update, install (202 + status), compare, pin.
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { ServerError, validationError } from "../../runtime/errors.ts";
import { isValidPackageName } from "../../runtime/packages/names.ts";
import {
  dependenciesOf,
  type PackageJson,
  packageJsonPath,
  readPackageJson,
  writePackageJson,
} from "../../runtime/packages/package-json.ts";
import type { ManagementContext } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { withLock } from "../locks.ts";
import { extraInstalled, satisfies } from "../installed.ts";
import { parseSpecs } from "./dependencies.ts";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function strings(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === "string")) as Record<
    string,
    string
  >;
}

/** The scripts root's package.json: 404 when there is none, 400 when it does not parse. */
function read(context: ManagementContext): PackageJson {
  let pkg: PackageJson | null;
  try {
    pkg = readPackageJson(context.root);
  } catch (error) {
    throw new ServerError("BAD_REQUEST", `package.json: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!pkg) {
    throw new ServerError("NOT_FOUND", "No package.json in the scripts root (package init)");
  }
  return pkg;
}

/** Runs `task` alone among the changes to package.json. */
const locked = <T>(context: ManagementContext, task: () => Promise<T>) =>
  withLock([packageJsonPath(context.root)], task);

export const PACKAGE_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/package/read",
    cli: { group: "packages", verb: "read", aliases: ["packages json read"] },
    summary: "The scripts root's package.json",
    input: z.object({}),
    handler(_input, { context }) {
      const pkg = read(context);
      const dependencies = dependenciesOf(pkg);
      const devDependencies = dependenciesOf(pkg, true);
      return {
        path: "package.json",
        content: pkg,
        dependencies,
        devDependencies,
        scripts: strings(pkg.scripts),
        dependencyCount: Object.keys(dependencies).length,
        devDependencyCount: Object.keys(devDependencies).length,
      };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/package/init",
    cli: { group: "packages", verb: "init", aliases: ["packages json init"] },
    summary: "Creates the scripts root's package.json",
    input: z.object({
      name: z.string().max(214).default("hoody-exec-project"),
      version: z.string().max(64).default("1.0.0"),
      description: z.string().max(1024).default("Hoody Exec project"),
      force: z.boolean().default(false).describe("Replace an existing package.json"),
    }),
    handler: (input, { context }) =>
      locked(context, async () => {
        if (!isValidPackageName(input.name)) {
          throw validationError("name", `${input.name} is not a valid npm package name`);
        }
        if (existsSync(packageJsonPath(context.root)) && !input.force) {
          throw new ServerError("CONFLICT", "package.json exists: pass force=true to replace it");
        }
        const existed = existsSync(packageJsonPath(context.root));
        const previous = input.force ? readPackageJson(context.root) : null;
        const content: PackageJson = {
          name: input.name,
          version: input.version,
          description: input.description,
          type: "module",
          main: "src/index.ts",
          private: true,
          scripts: { start: "bun src/index.ts", dev: "bun --watch src/index.ts" },
          dependencies: dependenciesOf(previous),
          devDependencies: dependenciesOf(previous, true),
        };
        await writePackageJson(context.root, content);
        return {
          message: "package.json created successfully",
          path: "package.json",
          content,
          created: !existed,
        };
      }),
  }),
  defineEndpoint({
    method: "POST",
    path: "/package/update",
    cli: { group: "packages", verb: "update", aliases: ["packages json update"] },
    summary: "Changes dependencies, scripts and fields of package.json (does not install)",
    input: z.object({
      dependencies: z.unknown().optional().describe('{"name": "1.2.3"}'),
      scripts: z.unknown().optional(),
      metadata: z.unknown().optional().describe("Top-level fields: name, version, description…"),
      remove: z.unknown().optional().describe("Dependency names to remove"),
    }),
    handler: (input, { context }) =>
      locked(context, async () => {
        const pkg = read(context);
        const changes: string[] = [];
        // Wrong JSON shapes are ignored, as in the original API.
        const deps = dependenciesOf(pkg);
        for (const [name, version] of Object.entries(strings(input.dependencies))) {
          if (!isValidPackageName(name)) continue;
          changes.push(`dependencies.${name}: ${deps[name] ?? "(none)"} → ${version}`);
          deps[name] = version;
        }
        if (Array.isArray(input.remove)) {
          for (const name of input.remove) {
            if (typeof name === "string" && name in deps) {
              delete deps[name];
              changes.push(`dependencies.${name}: removed`);
            }
          }
        }
        pkg.dependencies = deps;
        const scripts = strings(pkg.scripts);
        for (const [name, command] of Object.entries(strings(input.scripts))) {
          scripts[name] = command;
          changes.push(`scripts.${name}`);
        }
        if (Object.keys(scripts).length > 0) pkg.scripts = scripts;
        if (isRecord(input.metadata)) {
          for (const [key, value] of Object.entries(input.metadata)) {
            if (["dependencies", "devDependencies", "scripts", "__proto__"].includes(key)) {
              continue;
            }
            if (typeof value !== "string" && typeof value !== "boolean") continue;
            pkg[key] = value;
            changes.push(key);
          }
        }
        await writePackageJson(context.root, pkg);
        return {
          message: "package.json updated successfully",
          changes,
          changeCount: changes.length,
          dependencies: deps,
        };
      }),
  }),
  defineEndpoint({
    method: "POST",
    path: "/package/install",
    cli: { group: "packages", verb: "install", follow: "/package/install/status" },
    summary:
      "Starts installing packages (or everything declared): 202, follow with packages status",
    input: z.object({
      packages: z.array(z.string().max(512)).max(64).default([]).describe(
        "name, name@version or name@file:folder; none = what package.json declares",
      ),
      dev: z.boolean().default(false),
      save: z.boolean().default(true).describe("Always true here: installs are recorded"),
      force: z.boolean().default(false),
    }),
    handler(input, { context, c }) {
      const specs = parseSpecs("packages", input.packages);
      const { job } = context.installer.install(specs, {
        dev: input.dev,
        force: input.force,
      });
      return c.json({
        status: "installing",
        command: job.command,
        jobId: job.id,
        message: `Installing ${
          specs.length ? job.packages.join(", ") : "the declared dependencies"
        }; follow with GET /api/v1/exec/package/install/status?jobId=${job.id}`,
      }, 202);
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/package/install/status",
    cli: { group: "packages", verb: "status" },
    summary: "An install job's progress and installer output (the latest without jobId)",
    input: z.object({ jobId: z.string().max(128).optional() }),
    handler(input, { context }) {
      const installer = context.installer;
      const job = input.jobId === undefined ? installer.jobs()[0] : installer.job(input.jobId);
      if (!job) throw new ServerError("NOT_FOUND", `No install job ${input.jobId ?? ""}`.trim());
      return job;
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/package/compare",
    cli: { group: "packages", verb: "compare" },
    summary: "Declared dependencies against node_modules: missing, outdated, extra",
    input: z.object({}),
    handler(_input, { context }) {
      const declared = dependenciesOf(read(context));
      const installer = context.installer;
      const missing: string[] = [];
      const outdated: { package: string; declared: string; installed: string }[] = [];
      for (const [name, range] of Object.entries(declared)) {
        const version = installer.version(name);
        if (version === null) missing.push(name);
        else if (
          /^\d+\.\d+\.\d+/.test(range.replace(/^[\^~=v]/, "")) && !satisfies(version, range)
        ) {
          outdated.push({ package: name, declared: range, installed: version });
        }
      }
      const extra = extraInstalled(context).filter((n) => !(n in declared));
      const total = Object.keys(declared).length;
      return {
        summary: {
          total,
          installed: total - missing.length,
          missing: missing.length,
          outdated: outdated.length,
          extra: extra.length,
        },
        missing,
        outdated,
        extra,
        allInstalled: missing.length === 0,
        upToDate: missing.length === 0 && outdated.length === 0,
      };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/package/pin",
    cli: { group: "packages", verb: "pin" },
    summary: "Strips ^ and ~ from declared versions (does not install)",
    input: z.object({
      packages: z.array(z.string().min(1).max(128)).max(64).optional().describe(
        "Names to pin; none = every declared dependency",
      ),
    }),
    handler: (input, { context }) =>
      locked(context, async () => {
        const pkg = read(context);
        const deps = dependenciesOf(pkg);
        const pinned: string[] = [];
        for (const name of input.packages ?? Object.keys(deps)) {
          const range = deps[name];
          if (range === undefined || !/^[\^~]/.test(range)) continue;
          deps[name] = range.slice(1);
          pinned.push(`${name}: ${range} → ${deps[name]}`);
        }
        pkg.dependencies = deps;
        if (pinned.length > 0) await writePackageJson(context.root, pkg);
        return {
          message: pinned.length
            ? "Dependencies pinned to exact versions"
            : "All dependencies are already pinned to exact versions",
          pinned,
          count: pinned.length,
          dependencies: deps,
        };
      }),
  }),
];
