/**
 * Magic-comment management (docs/management.md, Magic comments): schema, read (secrets redacted),
 * update, bulk-update.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { isHiddenName } from "../../routing/pattern.ts";
import { MAGIC_COMMENT_SCHEMA } from "../../runtime/directives/document.ts";
import { parseDirectives } from "../../runtime/directives/parse.ts";
import { ServerError } from "../../runtime/errors.ts";
import type { Instance } from "../../runtime/server/instances.ts";
import { isScriptFile, requireCompiles } from "../checks.ts";
import type { CommentChanges } from "../comment-header.ts";
import { comments, parseChanges, type Plan, plan, redactPresent } from "../comment-changes.ts";
import { getInstance, type ManagementContext } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { writeFileAtomic } from "../../runtime/fs.ts";
import { withLock } from "../locks.ts";
import { locate, parseRelativePath } from "../paths.ts";
import { execId } from "../schemas.ts";
import { keepVersion } from "../versions/store.ts";

async function readScript(instance: Instance, path: string, field: string) {
  const where = await locate(instance, parseRelativePath(path, field), field);
  if (!isScriptFile(where.file)) {
    throw new ServerError(
      "BAD_REQUEST",
      `${where.shown} is not a script (.ts, .js, .mjs, .cjs, .tsx, .jsx)`,
    );
  }
  const source = await readFile(where.abs, "utf8").catch(() => null);
  if (source === null) throw new ServerError("NOT_FOUND", `No script ${where.shown}`);
  return { where, source };
}

async function apply(
  context: ManagementContext,
  instance: Instance,
  file: string,
  changes: CommentChanges,
): Promise<Plan> {
  const { where } = await readScript(instance, file, "path");
  return await withLock([where.abs], async () => {
    const bytes = await readFile(where.abs);
    const source = bytes.toString("utf8");
    const result = plan(where.file, source, changes);
    await requireCompiles(context, result.source, where.abs);
    if (result.source !== source) {
      const limits = context.versionLimits;
      await keepVersion(context.root, instance.id, where.file, bytes, "magic-comments", limits);
    }
    await writeFileAtomic(where.abs, result.source);
    instance.touched(where.file);
    return result;
  });
}

async function scriptsIn(
  dir: string,
  base: string,
  ext: string,
  recursive: boolean,
): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (isHiddenName(e.name) || e.isSymbolicLink()) continue;
    const path = base === "" ? e.name : `${base}/${e.name}`;
    if (e.isDirectory() && recursive) {
      out.push(...await scriptsIn(join(dir, e.name), path, ext, true));
    } else if (e.isFile() && isScriptFile(e.name) && (ext === "*" || e.name.endsWith(ext))) {
      out.push(path);
    }
  }
  return out;
}

export const MAGIC_COMMENT_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/magic-comments/schema",
    cli: { group: "magic-comments", verb: "schema" },
    summary: "Every directive: type, values, range, defaults, examples",
    input: z.object({}),
    handler: () => MAGIC_COMMENT_SCHEMA,
  }),
  defineEndpoint({
    method: "GET",
    path: "/magic-comments/read",
    cli: { group: "magic-comments", verb: "read", positional: "path" },
    summary: "A script's magic comments (secrets redacted) and their warnings",
    input: z.object({ execId, path: z.string().min(1).max(4096) }),
    async handler(input, { context }) {
      const { where, source } = await readScript(
        getInstance(context, input.execId),
        input.path,
        "path",
      );
      const parsed = parseDirectives(source);
      return {
        path: where.file,
        comments: redactPresent(parsed.present),
        warnings: parsed.warnings,
      };
    },
  }),
  defineEndpoint({
    method: "PUT",
    path: "/magic-comments/update",
    cli: { group: "magic-comments", verb: "update", positional: "path" },
    summary: "Sets or removes directives, rewriting only the comment header",
    input: z.object({
      execId,
      path: z.string().min(1).max(4096),
      comments,
      dry_run: z.boolean().default(false),
    }),
    async handler(input, { context }) {
      const instance = getInstance(context, input.execId);
      const changes = parseChanges(input.comments);
      if (input.dry_run) {
        const { where, source } = await readScript(instance, input.path, "path");
        const p = plan(where.file, source, changes);
        return {
          dry_run: true,
          path: p.file,
          current: p.current,
          proposed: p.proposed,
          changes: p.changes,
          message: "Preview only - set dry_run=false to apply changes",
        };
      }
      const p = await apply(context, instance, input.path, changes);
      return {
        dry_run: false,
        path: p.file,
        previous: p.current,
        updated: p.proposed,
        changes: p.changes,
        message: "Magic comments updated successfully",
      };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/magic-comments/bulk-update",
    cli: { group: "magic-comments", verb: "bulk-update" },
    summary: "The same directive changes on every script of a folder",
    input: z.object({
      execId,
      directory: z.string().max(4096).default(""),
      comments,
      extension: z.string().max(16).default(".ts").describe(
        'Only files ending so; "*" for every script',
      ),
      recursive: z.boolean().default(true),
      dry_run: z.boolean().default(false),
    }),
    async handler(input, { context }) {
      const instance = getInstance(context, input.execId);
      const changes = parseChanges(input.comments);
      const dir = await locate(
        instance,
        parseRelativePath(input.directory, "directory", true),
        "directory",
      );
      if (!(await stat(dir.abs).catch(() => null))?.isDirectory()) {
        throw new ServerError("NOT_FOUND", `No folder ${dir.shown}`);
      }
      const files = await scriptsIn(dir.abs, dir.file, input.extension, input.recursive);
      const failed: { file: string; error: string }[] = [];
      const done: Plan[] = [];
      for (const file of files) {
        try {
          if (input.dry_run) {
            const { where, source } = await readScript(instance, file, "path");
            done.push(plan(where.file, source, changes));
          } else done.push(await apply(context, instance, file, changes));
        } catch (error) {
          failed.push({ file, error: error instanceof Error ? error.message : String(error) });
        }
      }
      const shown = done.map(({ file, current, proposed, changes }) => ({
        file,
        current,
        proposed,
        changes,
      }));
      const scope = {
        directory: dir.file,
        execId: instance.id,
        recursive: input.recursive,
        comments: Object.fromEntries(changes),
      };
      if (input.dry_run) {
        return {
          dry_run: true,
          ...scope,
          would_affect: { total: files.length, files: [...shown, ...failed] },
          message: "Preview only - set dry_run=false to apply changes",
        };
      }
      return {
        dry_run: false,
        ...scope,
        message: "Magic comments updated successfully",
        results: {
          total: files.length,
          updated: done.length,
          failed: failed.length,
          files: { updated: done.map((p) => p.file), failed },
        },
      };
    },
  }),
];
