/**
 * The schedules of `@schedule` scripts (docs/schedules.md): what is armed, the fire history, a
 * reload from disk, and a fire on demand. The scheduler itself is runtime/schedule/, reached
 * through ServerControl.schedules.
 */
import { z } from "zod";
import { ServerError, validationError } from "../../runtime/errors.ts";
import { parseScriptPath, type ScriptRef } from "../../runtime/schedule/paths.ts";
import type { ManagementContext } from "../context.ts";
import { getInstance } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";

const scriptPath = z.string().min(1).max(1024);
const instanceOfPath = z.string().max(256).optional().describe(
  "The instance scriptPath is relative to (then scriptPath is the file below it)",
);

/** `scriptPath` as `{execId}/{file}`, an absolute path inside the scripts root, or a file of `execId`. */
function refOf(context: ManagementContext, path: string, execId: string | undefined): ScriptRef {
  const ref = execId === undefined
    ? parseScriptPath(context.root, path)
    : parseScriptPath(context.root, `${getInstance(context, execId).id}/${path}`);
  if (ref === null) {
    throw validationError(
      "scriptPath",
      "scriptPath must name a script: {execId}/{file} relative to the scripts root (e.g. 1/jobs/tick.ts), an absolute path inside it, or a file with execId",
    );
  }
  return ref;
}

export const SCHEDULE_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/schedules/list",
    cli: { group: "schedules", verb: "list" },
    summary: "Armed schedules: expression, next fire (UTC), last fire and its status",
    input: z.object({
      execId: z.string().max(256).optional().describe("Only this instance's schedules"),
    }),
    async handler(input, { context }) {
      const all = await context.schedules.list();
      const schedules = input.execId === undefined
        ? all
        : all.filter((s) => s.execId === input.execId);
      return { total: schedules.length, schedules };
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/schedules/history",
    cli: { group: "schedules", verb: "history", positional: "scriptPath" },
    summary: "Past fires, newest first, from _hoody/schedules/fires.log",
    input: z.object({
      scriptPath: scriptPath.optional().describe("Only this script's fires"),
      execId: instanceOfPath,
      since: z.string().max(64).optional().describe("Only fires from this moment on (ISO 8601)"),
      limit: z.number().int().min(1).max(1000).default(100).describe("At most this many fires"),
      includeRotated: z.boolean().default(false).describe("Also read the rotated fires.log.N"),
    }),
    async handler(input, { context }) {
      const since = input.since === undefined ? undefined : Date.parse(input.since);
      if (since !== undefined && Number.isNaN(since)) {
        throw validationError("since", "since must be an ISO 8601 date, e.g. 2026-01-01T00:00:00Z");
      }
      const filter = input.scriptPath === undefined
        ? undefined
        : refOf(context, input.scriptPath, input.execId);
      const { total, entries } = await context.schedules.history({
        scriptPath: filter && `${filter.execId}/${filter.file}`,
        since,
        limit: input.limit,
        includeRotated: input.includeRotated,
      });
      return { total, limit: input.limit, includeRotated: input.includeRotated, entries };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/schedules/reload",
    cli: { group: "schedules", verb: "reload" },
    summary:
      "Re-reads every script's @schedule from disk and arms what changed (dry_run: only say)",
    input: z.object({
      dry_run: z.boolean().default(false).describe(
        "Report added, kept and removed; change nothing",
      ),
    }),
    async handler(input, { context }) {
      return await context.schedules.reload(input.dry_run);
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/schedules/trigger",
    cli: { group: "schedules", verb: "trigger", positional: "scriptPath" },
    summary: "Fires a scheduled script now, as its schedule would; answers with its outcome",
    input: z.object({
      scriptPath: scriptPath.describe(
        "{execId}/{file} relative to the scripts root, or an absolute path inside it",
      ),
      execId: instanceOfPath,
      force: z.boolean().default(false).describe(
        "Fire a script that declares @token (a fire skips the token check)",
      ),
    }),
    async handler(input, { context }) {
      const ref = refOf(context, input.scriptPath, input.execId);
      const script = await getInstance(context, ref.execId).scripts.get(ref.file);
      if (script.directives.token !== null && !input.force) {
        throw new ServerError(
          "FORBIDDEN",
          `${ref.execId}/${ref.file} declares @token and a fire skips the token check: send force: true to fire it anyway`,
        );
      }
      return await context.schedules.trigger(ref);
    },
  }),
];
