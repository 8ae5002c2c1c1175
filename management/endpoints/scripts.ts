/**
 * Script management (docs/management.md, Scripts): list, read, write, delete, move, tree of one
 * instance.
 */
import { mkdir, readFile, rename, rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { parseDirectives } from "../../runtime/directives/parse.ts";
import { ServerError } from "../../runtime/errors.ts";
import { sha256Hex } from "../../runtime/hex.ts";
import { isScriptFile } from "../checks.ts";
import { redactPresent } from "../comment-changes.ts";
import { getInstance } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { withLock } from "../locks.ts";
import { matchesFilter, metadataOf, statOrNull, tree, walk } from "../listing.ts";
import { locate, parseRelativePath } from "../paths.ts";
import { execId, scriptPath as path } from "../schemas.ts";
import { toEtag } from "../versions/if-match.ts";
import { keepFileVersions } from "../versions/keep-files.ts";
import { WRITE_SCRIPT } from "./scripts-write.ts";

export const SCRIPT_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/scripts/list",
    cli: { group: "scripts", verb: "list" },
    summary: "Files of an instance, with optional filters on name and magic comments",
    input: z.object({
      execId,
      dir: z.string().max(4096).default("").describe("Folder below the instance"),
      filter: z.string().max(256).optional().describe("Name contains this text (* wildcards)"),
      metadata: z.boolean().default(false).describe("Add size and modified time"),
      label: z.string().max(256).optional().describe("Only scripts whose @label contains this"),
      tags: z.string().max(1024).optional().describe(
        "Only scripts with all these @tags (comma list)",
      ),
      mode: z.enum(["worker", "serverless"]).optional().describe("Only scripts in this @mode"),
      enabled: z.boolean().optional().describe("Only scripts with this @enabled"),
      websocket: z.boolean().optional().describe("Only scripts with this @websocket"),
      recursive: z.boolean().default(true).describe("Descend into folders"),
      include_comments: z.boolean().default(false).describe("Add each script's magic comments"),
    }),
    async handler(input, { context }) {
      const instance = getInstance(context, input.execId);
      const dir = parseRelativePath(input.dir, "dir", true);
      const where = await locate(instance, dir, "dir");
      const s = await statOrNull(where.abs);
      if (!s?.isDirectory()) throw new ServerError("NOT_FOUND", `No folder ${where.shown}`);
      const byComments = input.label !== undefined || input.tags !== undefined ||
        input.mode !== undefined || input.enabled !== undefined || input.websocket !== undefined;
      const wanted = (input.tags ?? "").split(/[\s,]+/).filter((t) => t !== "");
      const scripts: Record<string, unknown>[] = [];
      for (const entry of await walk(where.abs, dir, input.recursive)) {
        if (input.filter !== undefined && !matchesFilter(entry.name, input.filter)) continue;
        const item: Record<string, unknown> = { ...entry };
        const abs = join(instance.dir, entry.path);
        if (
          !entry.isDirectory && isScriptFile(entry.path) && (byComments || input.include_comments)
        ) {
          const parsed = parseDirectives(await readFile(abs, "utf8").catch(() => ""));
          const d = parsed.directives;
          if (input.mode !== undefined && d.mode !== input.mode) continue;
          if (input.enabled !== undefined && d.enabled !== input.enabled) continue;
          if (input.websocket !== undefined && d.websocket !== input.websocket) continue;
          if (input.label !== undefined && !(d.label ?? "").includes(input.label)) continue;
          if (!wanted.every((t) => d.tags.includes(t))) continue;
          if (input.include_comments) item.magicComments = redactPresent(parsed.present);
        } else if (byComments) continue;
        if (input.metadata) {
          const st = await statOrNull(abs);
          if (st) Object.assign(item, { size: st.size, modified: st.mtime.toISOString() });
        }
        scripts.push(item);
      }
      // Echoed as the text they were given, as the client's types have them.
      const filters = Object.fromEntries(
        (["filter", "label", "tags", "mode", "enabled", "websocket"] as const)
          .filter((k) => input[k] !== undefined).map((k) => [k, String(input[k])]),
      );
      return {
        directory: where.shown,
        count: scripts.length,
        recursive: input.recursive,
        filters,
        scripts,
      };
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/scripts/read",
    cli: { group: "scripts", verb: "read", positional: "path" },
    summary: "A file's content, magic comments, metadata and hash (also the ETag header)",
    input: z.object({ execId, path: path("File below the instance, e.g. api/users/[id].ts") }),
    async handler(input, { context, c }) {
      const instance = getInstance(context, input.execId);
      const where = await locate(instance, parseRelativePath(input.path, "path"), "path");
      const s = await statOrNull(where.abs);
      if (!s) throw new ServerError("NOT_FOUND", `No file ${where.shown}`);
      if (s.isDirectory()) {
        throw new ServerError("BAD_REQUEST", `${where.shown} is a folder: use scripts/tree`);
      }
      const bytes = await readFile(where.abs);
      const content = bytes.toString("utf8");
      const hash = await sha256Hex(bytes);
      c.header("ETag", toEtag(hash));
      return {
        path: where.file,
        resolvedPath: where.shown,
        content,
        magicComments: isScriptFile(where.file)
          ? redactPresent(parseDirectives(content).present)
          : null,
        metadata: metadataOf(s, where.file),
        hash,
      };
    },
  }),
  WRITE_SCRIPT,
  defineEndpoint({
    method: "DELETE",
    path: "/scripts/delete",
    cli: { group: "scripts", verb: "delete", positional: "path" },
    destructive: true,
    summary: "Deletes a file or an empty folder (needs confirm=true)",
    input: z.object({
      execId,
      path: path("File below the instance"),
      confirm: z.literal(true, { error: "confirm=true parameter required for safety" })
        .describe("Must be true"),
    }),
    async handler(input, { context }) {
      const instance = getInstance(context, input.execId);
      const where = await locate(instance, parseRelativePath(input.path, "path"), "path");
      return await withLock([where.abs], async () => {
        const s = await statOrNull(where.abs);
        if (!s) throw new ServerError("NOT_FOUND", `No file ${where.shown}`);
        if (s.isDirectory()) {
          await rmdir(where.abs).catch(() => {
            throw new ServerError(
              "CONFLICT",
              `${where.shown} is a folder that is not empty: delete its files first`,
            );
          });
        } else {
          await keepFileVersions(context, instance, where.file, "delete");
          await rm(where.abs);
        }
        instance.touched(where.file);
        return { deleted: true, path: where.file, resolvedPath: where.shown, size: s.size };
      });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/scripts/move",
    cli: { group: "scripts", verb: "move" },
    summary: "Moves or renames a file or folder within the instance",
    input: z.object({
      execId,
      from: path("Current path"),
      to: path("New path"),
      overwrite: z.boolean().default(false).describe("Replace an existing file at `to`"),
    }),
    async handler(input, { context }) {
      const fromFile = parseRelativePath(input.from, "from");
      const toFile = parseRelativePath(input.to, "to");
      const instance = getInstance(context, input.execId);
      const from = await locate(instance, fromFile, "from");
      const to = await locate(instance, toFile, "to");
      return await withLock([from.abs, to.abs], async () => {
        const s = await statOrNull(from.abs);
        if (!s) throw new ServerError("NOT_FOUND", `No file ${from.shown}`);
        const existing = await statOrNull(to.abs);
        if (existing && !input.overwrite) {
          throw new ServerError(
            "CONFLICT",
            `${to.shown} exists: pass overwrite=true to replace it`,
          );
        }
        if (existing?.isDirectory()) throw new ServerError("CONFLICT", `${to.shown} is a folder`);
        if (s.isDirectory() && (toFile + "/").startsWith(fromFile + "/")) {
          throw new ServerError("BAD_REQUEST", "A folder cannot move into itself");
        }
        await mkdir(dirname(to.abs), { recursive: true });
        await locate(instance, toFile, "to");
        await keepFileVersions(context, instance, fromFile, "move");
        if (existing) await keepFileVersions(context, instance, toFile, "move");
        await rename(from.abs, to.abs);
        instance.touched(fromFile);
        instance.touched(toFile);
        return {
          moved: true,
          from: fromFile,
          to: toFile,
          resolvedFrom: from.shown,
          resolvedTo: to.shown,
          size: s.size,
        };
      });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/scripts/tree",
    cli: { group: "scripts", verb: "tree" },
    summary: "The folder tree of an instance",
    input: z.object({
      execId,
      baseDir: z.string().max(4096).default("").describe("Folder below the instance"),
      maxDepth: z.number().int().min(0).max(32).default(10),
      includeMetadata: z.boolean().default(false),
    }),
    async handler(input, { context }) {
      const instance = getInstance(context, input.execId);
      const base = parseRelativePath(input.baseDir, "baseDir", true);
      const where = await locate(instance, base, "baseDir");
      if (!(await statOrNull(where.abs))?.isDirectory()) {
        throw new ServerError("NOT_FOUND", `No folder ${where.shown}`);
      }
      return {
        baseDir: base,
        tree: await tree(where.abs, base, 0, input.maxDepth, input.includeMetadata),
      };
    },
  }),
];
