/**
 * An instance's log files (docs/management.md, Logs): list, read (a file, or every line one
 * request printed), search (text or a linear-time regex), stream (SSE, follows rotation), clear.
 * The files are `_hoody/logs/<execId>/` (runtime/logs/files.ts); a file a client names is only
 * ever looked up in that folder's listing.
 */
import { z } from "zod";
import { validationError } from "../../runtime/errors.ts";
import { clearLogs } from "../../runtime/logs/clear.ts";
import { findLogFile, listLogFiles, LOG_TYPES, logFolder } from "../../runtime/logs/files.ts";
import { followLog } from "../../runtime/logs/follow.ts";
import { readLog } from "../../runtime/logs/read.ts";
import { MAX_PATTERN, searchLogs } from "../../runtime/logs/search.ts";
import { getInstance, type ManagementContext } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { execId } from "../schemas.ts";

/**
 * The instance's log folder, once the lines waiting in the writer's memory are on disk: a call
 * sees every line of every request already answered.
 */
async function folderOf(context: ManagementContext, id: string | undefined): Promise<string> {
  const folder = logFolder(context.root, getInstance(context, id).id);
  await context.flushLogs();
  return folder;
}

const type = z.enum(LOG_TYPES).optional();
const fileName = z.string().min(1).max(256);

export const LOG_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/logs/list",
    cli: { group: "logs", verb: "list" },
    summary: "An instance's log files, newest first",
    input: z.object({
      execId,
      type: type.describe("execution (console lines) or access (one line per request)"),
      limit: z.number().int().min(1).max(1000).default(100).describe("At most this many files"),
    }),
    async handler(input, { context }) {
      const files = (await listLogFiles(await folderOf(context, input.execId), input.type))
        .reverse();
      const logs = files.slice(0, input.limit).map((f) => ({
        name: f.name,
        type: f.type,
        size: f.size,
        modified: f.modified.toISOString(),
      }));
      return { logs, count: logs.length };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/logs/read",
    cli: { group: "logs", verb: "read", positional: "file" },
    summary: "A log file's lines, or every line one request printed (executionId)",
    input: z.object({
      execId,
      file: fileName.optional().describe("A name from logs/list"),
      executionId: z.string().min(1).max(128).regex(/^[^\s\]]+$/, {
        error: "executionId holds no spaces or ]",
      }).optional().describe("Every line this request printed, across the execution logs"),
      lines: z.number().int().min(1).max(1000).default(100).describe("At most this many lines"),
      tail: z.boolean().default(true).describe("The last lines (else the first)"),
      search: z.string().max(MAX_PATTERN).optional().describe("Only lines holding this text"),
    }),
    async handler(input, { context }) {
      if (input.file === undefined && input.executionId === undefined) {
        throw validationError("file", "file or executionId is required");
      }
      return await readLog(await folderOf(context, input.execId), input);
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/logs/search",
    cli: { group: "logs", verb: "search", positional: "query" },
    summary: "Lines matching a text or a regex (RE2 syntax: linear time, no backreferences)",
    input: z.object({
      execId,
      query: z.string().max(MAX_PATTERN).optional().describe("Text to find"),
      regex: z.string().optional().describe("A regex (RE2 syntax) instead of query"),
      files: z.array(fileName).max(16).optional().describe("Only these files (default all)"),
      limit: z.number().int().min(1).max(1000).default(1000).describe("At most this many results"),
      caseSensitive: z.boolean().default(false).describe("Match case"),
    }),
    async handler(input, { context }) {
      return await searchLogs(await folderOf(context, input.execId), input);
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/logs/stream",
    cli: { group: "logs", verb: "stream", positional: "file", stream: true },
    summary: "A log file's lines as Server-Sent Events, then new ones as they come",
    input: z.object({
      execId,
      file: fileName.optional().describe("A name from logs/list (default: the newest of type)"),
      type: type.describe("Without file: the kind to follow (default execution)"),
      follow: z.boolean().default(true).describe("Keep sending new lines (else end)"),
    }),
    async handler(input, { context }) {
      const folder = await folderOf(context, input.execId);
      const start = input.file === undefined ? null : await findLogFile(folder, input.file);
      const stream = followLog({
        folder,
        type: start?.type ?? input.type ?? "execution",
        start,
        follow: input.follow,
      });
      return new Response(stream, {
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache",
          "x-accel-buffering": "no",
        },
      });
    },
  }),
  defineEndpoint({
    method: "DELETE",
    path: "/logs/clear",
    cli: { group: "logs", verb: "clear", positional: "file" },
    destructive: true,
    summary: "Deletes log files: one, a type, those older than N days, or all (confirm=true)",
    input: z.object({
      execId,
      file: fileName.optional().describe("Only this file"),
      type: type.describe("Only this kind"),
      olderThanDays: z.number().min(0).max(36_500).optional().describe(
        "Only files last written more than this many days ago",
      ),
      confirm: z.literal(true, { error: "confirm=true parameter required for safety" })
        .describe("Must be true"),
    }),
    async handler(input, { context }) {
      return await clearLogs(await folderOf(context, input.execId), input);
    },
  }),
];
