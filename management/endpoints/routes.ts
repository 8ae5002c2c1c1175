/**
 * Route debugging (docs/management.md, Routes), answered by the same route table that serves
 * requests.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { parseInstanceId } from "../../routing/instance.ts";
import { ServerError, validationError } from "../../runtime/errors.ts";
import { checkPath } from "../../runtime/server/path-check.ts";
import { parseDirectives } from "../../runtime/directives/parse.ts";
import { redactPresent } from "../comment-changes.ts";
import { getInstance, type ManagementContext } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { locate, parseRelativePath } from "../paths.ts";
import { execId } from "../schemas.ts";

const MANAGEMENT_PREFIX = "/api/v1/exec";

const hostname = z.string().max(256).optional().describe(
  "Host header to pick the instance from, as a request would (exec-2.localhost)",
);

interface RouteScope {
  execId?: string;
  hostname?: string;
}

function instanceFor(context: ManagementContext, input: RouteScope) {
  if (input.execId !== undefined) return getInstance(context, input.execId);
  const id = parseInstanceId(input.hostname ?? null, context.defaultInstance);
  if (id === null) throw validationError("hostname", "hostname is not a valid Host header value");
  return getInstance(context, id);
}

/** What the pipeline would run for `path`: the same table, the same match. */
async function resolve(context: ManagementContext, input: RouteScope, path: string) {
  const instance = instanceFor(context, input);
  let pathname: string;
  try {
    pathname = new URL(path.startsWith("/") ? path : `/${path}`, "http://x").pathname;
    checkPath(pathname);
  } catch (error) {
    throw validationError(
      "path",
      error instanceof Error ? error.message : "path is not a URL path",
    );
  }
  // The client's types want these on every answer: `hostname` a string ("default" when none
  // was given, as the original API's resolver calls it), the one folder an instance has.
  const scope = {
    hostname: input.hostname ?? "default",
    execId: instance.id,
    triedDirectories: [instance.id],
  };
  const miss = { matched: false as const, path, ...scope };
  if (pathname === MANAGEMENT_PREFIX || pathname.startsWith(`${MANAGEMENT_PREFIX}/`)) {
    return { ...miss, reason: "the management API answers this path; scripts never do" };
  }
  const { table } = await instance.routes();
  const match = table.match(pathname);
  if (!match) return miss;
  return {
    matched: true as const,
    path,
    scriptPath: match.route.file,
    routePattern: match.route.pattern,
    parameters: match.params,
    type: match.route.type,
    baseDir: match.route.dir,
    ...scope,
  };
}

export const ROUTE_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "POST",
    path: "/route/resolve",
    cli: { group: "routes", verb: "resolve", positional: "path" },
    summary: "Which script a URL path runs, with its parameters",
    input: z.object({ path: z.string().min(1).max(4096), hostname, execId }),
    handler: (input, { context }) => resolve(context, input, input.path),
  }),
  defineEndpoint({
    method: "POST",
    path: "/route/discover",
    cli: { group: "routes", verb: "discover" },
    summary: "Every route of an instance (or of one folder)",
    input: z.object({
      execId,
      baseDir: z.string().max(4096).default(""),
      includeMetadata: z.boolean().default(false).describe(
        "Add each file's size, modified time and magic comments (secrets redacted)",
      ),
    }),
    async handler(input, { context }) {
      const instance = getInstance(context, input.execId);
      const base = parseRelativePath(input.baseDir, "baseDir", true);
      const where = await locate(instance, base, "baseDir");
      if (!(await stat(where.abs).catch(() => null))?.isDirectory()) {
        throw new ServerError("NOT_FOUND", `No folder ${where.shown}`);
      }
      const { table } = await instance.routes();
      const routes = [];
      for (const route of table.routes) {
        if (base !== "" && !route.file.startsWith(`${base}/`)) continue;
        const item: Record<string, unknown> = {
          pattern: route.pattern,
          filePath: route.file,
          type: route.type,
          params: route.params,
        };
        if (input.includeMetadata) {
          const file = join(instance.dir, route.file);
          const s = await stat(file).catch(() => null);
          if (s) Object.assign(item, { size: s.size, modified: s.mtime.toISOString() });
          const source = await readFile(file, "utf8").catch(() => null);
          if (source !== null) item.comments = redactPresent(parseDirectives(source).present);
        }
        routes.push(item);
      }
      return { baseDir: base, count: routes.length, routes };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/route/test",
    cli: { group: "routes", verb: "test" },
    summary: "Resolves many paths at once",
    input: z.object({
      paths: z.array(z.string().min(1).max(4096)).min(1, { error: "paths array is required" })
        .max(1000),
      hostname,
      execId,
    }),
    async handler(input, { context }) {
      const results = [];
      for (const path of input.paths) {
        const r = await resolve(context, input, path);
        results.push(
          r.matched
            ? { path, matched: true, scriptPath: r.scriptPath, parameters: r.parameters }
            : { path, matched: false },
        );
      }
      const matched = results.filter((r) => r.matched).length;
      return { tested: results.length, matched, notMatched: results.length - matched, results };
    },
  }),
];
