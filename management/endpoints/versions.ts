/**
 * Script versions (docs/versions.md): list what the API kept of a script's earlier content, read
 * one, and roll back to one through the one activation path (so a rollback is itself a change, with a version
 * of what it replaced).
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ServerError } from "../../runtime/errors.ts";
import { sha256Hex } from "../../runtime/hex.ts";
import { activateFile } from "../activate.ts";
import { getInstance, type ManagementContext } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { statOrNull } from "../listing.ts";
import { locate, parseRelativePath } from "../paths.ts";
import { execId, scriptPath as path } from "../schemas.ts";
import { toEtag } from "../versions/if-match.ts";
import { listVersions, readVersion } from "../versions/store.ts";

const version = z.number().int().min(1).describe("The version number scripts/versions lists");

/** The file a call names, and its kept version `version`. */
async function keptVersion(
  context: ManagementContext,
  input: { execId?: string; path: string; version: number },
) {
  const instance = getInstance(context, input.execId);
  const where = await locate(instance, parseRelativePath(input.path, "path"), "path");
  const kept = await readVersion(context.root, instance.id, where.file, input.version);
  return { instance, where, ...kept };
}

export const VERSION_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/scripts/versions",
    cli: { group: "scripts", verb: "versions", positional: "path" },
    summary: "The earlier contents the API kept of a file, newest first (time, size, hash, change)",
    input: z.object({ execId, path: path("File below the instance (it may be deleted)") }),
    async handler(input, { context }) {
      const instance = getInstance(context, input.execId);
      const where = await locate(instance, parseRelativePath(input.path, "path"), "path");
      const versions = await listVersions(context.root, instance.id, where.file);
      const s = await statOrNull(where.abs);
      if (s?.isDirectory()) {
        throw new ServerError("BAD_REQUEST", `${where.shown} is a folder: versions are per file`);
      }
      const current = s ? await readFile(where.abs) : null;
      if (!current && versions.length === 0) {
        throw new ServerError("NOT_FOUND", `No file ${where.shown} and no versions of it`);
      }
      return {
        path: where.file,
        resolvedPath: where.shown,
        current: current ? { hash: await sha256Hex(current), size: current.byteLength } : null,
        count: versions.length,
        versions,
      };
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/scripts/versions/read",
    cli: { group: "scripts", verb: "version", positional: "path" },
    summary: "One kept version of a file: its record and content",
    input: z.object({ execId, path: path("File below the instance (it may be deleted)"), version }),
    async handler(input, { context }) {
      const { where, record, content } = await keptVersion(context, input);
      return {
        path: where.file,
        resolvedPath: where.shown,
        ...record,
        content: Buffer.from(content).toString("utf8"),
      };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/scripts/rollback",
    cli: { group: "scripts", verb: "rollback", positional: "path" },
    summary:
      "Makes a kept version the live file again, validated and atomic like scripts/write (the replaced content becomes a version)",
    input: z.object({
      execId,
      path: path("File below the instance (it may be deleted)"),
      version,
      typecheck: z.boolean().default(false).describe("Type-check before it goes live"),
      install: z.boolean().default(true).describe("Install missing packages it imports"),
      ifMatch: z.string().max(4096).optional().describe(
        "Roll back only if the file's current hash is this, else 412. The If-Match header wins",
      ),
    }),
    async handler(input, { context, c }) {
      const { instance, where, record, content } = await keptVersion(context, input);
      const written = await activateFile(context, {
        execId: instance.id,
        path: where.file,
        content: Buffer.from(content).toString("utf8"),
        createDirs: true,
        validate: true,
        typecheck: input.typecheck,
        install: input.install,
        ifMatch: c.req.header("if-match") ?? input.ifMatch,
        change: "rollback",
      });
      c.header("ETag", toEtag(written.hash));
      return { ...written, rolledBackTo: record };
    },
  }),
];
