/** Script management (SPEC §17): list, read, write, delete, move, tree of one instance. */
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { z } from "zod";
import { isValidInstanceId } from "../routing/instance.ts";
import { isHiddenName } from "../routing/pattern.ts";
import { parseDirectives } from "../runtime/directives/parse.ts";
import { ServerError } from "../runtime/errors.ts";
import type { ManagementContext } from "./context.ts";
import { defineEndpoint, type Endpoint } from "./endpoint.ts";
import { ApiError, conflict } from "./errors.ts";
import { withLock, writeAtomic } from "./files.ts";
import { redactPresent } from "./magic-comments.ts";
import { getInstance, getOrCreateInstance, locate, parseRelativePath } from "./paths.ts";
import {
  checkCompiles,
  checkDirectives,
  checkJson,
  installStep,
  isScriptFile,
  typeCheckStep,
} from "./script-check.ts";
import { execId } from "./schemas.ts";

const MAX_CONTENT_BYTES = 5 * 1024 * 1024;

async function statOrNull(path: string) {
  return await stat(path).catch(() => null);
}

function metadataOf(s: Awaited<ReturnType<typeof stat>>, file: string) {
  return {
    size: Number(s.size),
    created: s.birthtime.toISOString(),
    modified: s.mtime.toISOString(),
    isDirectory: s.isDirectory(),
    extension: s.isDirectory() ? "" : extname(file),
  };
}

interface Entry {
  name: string;
  path: string;
  isDirectory: boolean;
}

async function walk(dir: string, base: string, recursive: boolean, depth = 0): Promise<Entry[]> {
  const out: Entry[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (isHiddenName(entry.name) || entry.isSymbolicLink()) continue;
    const path = base === "" ? entry.name : `${base}/${entry.name}`;
    out.push({ name: entry.name, path, isDirectory: entry.isDirectory() });
    if (entry.isDirectory() && recursive && depth < 32) {
      out.push(...await walk(join(dir, entry.name), path, recursive, depth + 1));
    }
  }
  return out;
}

function matchesFilter(name: string, filter: string): boolean {
  if (!filter.includes("*")) return name.toLowerCase().includes(filter.toLowerCase());
  const parts = filter.toLowerCase().split("*");
  let at = 0;
  const lower = name.toLowerCase();
  for (const [i, part] of parts.entries()) {
    const found = i === 0 ? (lower.startsWith(part) ? 0 : -1) : lower.indexOf(part, at);
    if (found === -1) return false;
    at = found + part.length;
  }
  return parts.at(-1) === "" || lower.endsWith(parts.at(-1)!);
}

interface TreeNode {
  name: string;
  path: string;
  type: "file" | "directory";
  size?: number;
  modified?: string;
  children?: TreeNode[];
}

async function tree(
  dir: string,
  base: string,
  depth: number,
  maxDepth: number,
  metadata: boolean,
): Promise<TreeNode[]> {
  const nodes: TreeNode[] = [];
  for (const entry of await walk(dir, base, false)) {
    const abs = join(dir, entry.name);
    const node: TreeNode = {
      name: entry.name,
      path: entry.path,
      type: entry.isDirectory ? "directory" : "file",
    };
    if (metadata) {
      const s = await statOrNull(abs);
      if (s) Object.assign(node, { size: s.size, modified: s.mtime.toISOString() });
    }
    if (entry.isDirectory) {
      node.children = depth < maxDepth
        ? await tree(abs, entry.path, depth + 1, maxDepth, metadata)
        : [];
    }
    nodes.push(node);
  }
  return nodes;
}

const path = (description: string) => z.string().min(1).max(4096).describe(description);

export function scriptEndpoints(context: ManagementContext): Endpoint[] {
  return [
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
      async handler(input) {
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
      summary: "A file's content, magic comments and metadata",
      input: z.object({ execId, path: path("File below the instance, e.g. api/users/[id].ts") }),
      async handler(input) {
        const instance = getInstance(context, input.execId);
        const where = await locate(instance, parseRelativePath(input.path, "path"), "path");
        const s = await statOrNull(where.abs);
        if (!s) throw new ServerError("NOT_FOUND", `No file ${where.shown}`);
        if (s.isDirectory()) {
          throw new ApiError(400, "BAD_REQUEST", `${where.shown} is a folder: use scripts/tree`);
        }
        const content = await readFile(where.abs, "utf8");
        return {
          path: where.file,
          resolvedPath: where.shown,
          content,
          magicComments: isScriptFile(where.file)
            ? redactPresent(parseDirectives(content).present)
            : null,
          metadata: metadataOf(s, where.file),
        };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/scripts/write",
      cli: { group: "scripts", verb: "write", positional: "path" },
      summary: "Creates or replaces a file: validated first, written atomically, served at once",
      input: z.object({
        execId,
        path: path("File below the instance, e.g. hello.ts"),
        content: z.string().describe("The whole file"),
        createDirs: z.boolean().default(true).describe("Create missing folders"),
        validate: z.boolean().default(true).describe(
          "Transpile scripts and parse .json files before writing (magic comments are always checked)",
        ),
        typecheck: z.boolean().default(false).describe(
          "Type-check against the injected globals (req, res, metadata, …) before writing",
        ),
        install: z.boolean().default(true).describe(
          "Install the packages the script imports that are missing, before it goes live",
        ),
      }),
      async handler(input) {
        const file = parseRelativePath(input.path, "path");
        if (Buffer.byteLength(input.content) > MAX_CONTENT_BYTES) {
          throw new ApiError(
            413,
            "PAYLOAD_TOO_LARGE",
            `content must be at most ${MAX_CONTENT_BYTES} bytes`,
          );
        }
        const id = input.execId ?? context.defaultInstance;
        const script = isScriptFile(file);
        // One activation path: validate -> type-check -> install -> atomic write. Every step runs
        // before the file is touched (a refused write must not even create the instance folder),
        // so any failure leaves the old version serving; the error names the step.
        const steps: Record<string, unknown> = {
          validate: "skipped",
          typecheck: "skipped",
          install: "skipped",
        };
        const warnings = script ? checkDirectives(input.content) : [];
        if (input.validate) checkJson(file, input.content);
        let imports: string[] = [];
        if (script && (input.validate || input.typecheck) && isValidInstanceId(id)) {
          const abs = join(context.root, id, file);
          imports = await checkCompiles(context, input.content, abs, `${id}/${file}`);
          steps.validate = "ok";
          if (input.typecheck) {
            steps.typecheck = await typeCheckStep(context, input.content, abs, `${id}/${file}`);
          }
        }
        if (script && input.install && imports.length > 0) {
          steps.install = await installStep(context, imports);
        }
        const instance = await getOrCreateInstance(context, input.execId);
        const where = await locate(instance, file, "path");
        return await withLock([where.abs], async () => {
          const before = await statOrNull(where.abs);
          if (before?.isDirectory()) throw conflict(`${where.shown} is a folder`);
          const parent = dirname(where.abs);
          if (!(await statOrNull(parent))) {
            if (!input.createDirs) {
              throw new ServerError(
                "NOT_FOUND",
                `The folder of ${where.shown} does not exist (createDirs is false)`,
              );
            }
            await mkdir(parent, { recursive: true });
            // The folders just made must still be inside the instance.
            await locate(instance, file, "path");
          }
          await writeAtomic(where.abs, input.content);
          instance.touched(file);
          const after = await stat(where.abs);
          return {
            path: file,
            resolvedPath: where.shown,
            created: before === null,
            updated: before !== null,
            size: after.size,
            modified: after.mtime.toISOString(),
            validated: input.validate && (script || extname(file).toLowerCase() === ".json"),
            warnings,
            steps: { ...steps, activate: "ok" },
          };
        });
      },
    }),
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
      async handler(input) {
        const instance = getInstance(context, input.execId);
        const where = await locate(instance, parseRelativePath(input.path, "path"), "path");
        return await withLock([where.abs], async () => {
          const s = await statOrNull(where.abs);
          if (!s) throw new ServerError("NOT_FOUND", `No file ${where.shown}`);
          if (s.isDirectory()) {
            await rmdir(where.abs).catch(() => {
              throw conflict(
                `${where.shown} is a folder that is not empty: delete its files first`,
              );
            });
          } else await rm(where.abs);
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
      async handler(input) {
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
            throw conflict(`${to.shown} exists: pass overwrite=true to replace it`);
          }
          if (existing?.isDirectory()) throw conflict(`${to.shown} is a folder`);
          if (s.isDirectory() && (toFile + "/").startsWith(fromFile + "/")) {
            throw new ApiError(400, "BAD_REQUEST", "A folder cannot move into itself");
          }
          await mkdir(dirname(to.abs), { recursive: true });
          await locate(instance, toFile, "to");
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
      async handler(input) {
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
}
