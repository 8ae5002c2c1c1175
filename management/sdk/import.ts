/**
 * `POST /sdk/import` (docs/sdk-import.md): an OpenAPI document becomes an instance of endpoint
 * scripts that call the API it describes.
 *
 *   1. check the options (middleware, magic_comments) before any request goes out
 *   2. fetch the document, parse it, validate it, list its operations
 *   3. generate the files
 *   4. write each through activateFile (the validated, atomic path), unless the file on disk is
 *      not what the last import wrote (hand-edited, or not ours): that is a conflict, kept unless
 *      `force`
 *   5. remove the files the last import wrote that this one no longer does (unless edited)
 *   6. write the marker with the hash of every file now ours (also when a write failed midway,
 *      so the next import knows what is there)
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { isValidInstanceId } from "../../routing/instance.ts";
import { validationError } from "../../runtime/errors.ts";
import { activateFile } from "../activate.ts";
import type { ManagementContext } from "../context.ts";
import { withLock } from "../locks.ts";
import { locate } from "../paths.ts";
import { parseDocument, resolveDocument, toSdkApi } from "./document.ts";
import {
  type GeneratedFile,
  generateSdkFiles,
  type Hook,
  parseMagicComments,
  parseMiddleware,
  POST_FILE,
  PRE_FILE,
} from "./generate.ts";
import { getSdkInstance } from "./inventory.ts";
import { hashOf, MARKER_FILE, readMarker, type SdkMarker, writeMarker } from "./marker.ts";
import { removeEmptyFolders } from "./remove.ts";
import { fetchSource } from "./source.ts";

export interface SdkImportInput {
  execId: string;
  source_url: string;
  source_auth?: string | undefined;
  middleware?: string | undefined;
  magic_comments?: string | undefined;
  force: boolean;
}

type Outcome = "new" | "updated" | "unchanged" | "conflict";

function optionsOf(input: SdkImportInput): { middleware: Hook[]; magicComments: string[] } {
  let middleware: Hook[];
  let magicComments: string[];
  try {
    middleware = parseMiddleware(input.middleware);
  } catch (error) {
    throw validationError("middleware", (error as Error).message);
  }
  try {
    magicComments = parseMagicComments(input.magic_comments);
  } catch (error) {
    throw validationError("magic_comments", (error as Error).message);
  }
  if (input.source_auth !== undefined && !middleware.includes("pre")) {
    throw validationError(
      "middleware",
      "source_auth is added by the pre middleware: keep pre in middleware, or leave source_auth out",
    );
  }
  return { middleware, magicComments };
}

/** Where a generated file stands against the disk and the last import's record of it. */
async function outcomeOf(
  dir: string,
  file: GeneratedFile,
  recorded: string | undefined,
): Promise<{ outcome: Outcome; hash: string }> {
  const hash = await hashOf(file.content);
  const current = await readFile(join(dir, file.path), "utf8").catch(() => null);
  if (current === null) return { outcome: "new", hash };
  const currentHash = await hashOf(current);
  if (currentHash === hash) return { outcome: "unchanged", hash };
  return { outcome: currentHash === recorded ? "updated" : "conflict", hash };
}

export async function importSdk(context: ManagementContext, input: SdkImportInput, self: URL) {
  if (!isValidInstanceId(input.execId)) {
    throw validationError("execId", "execId must be an instance id: [A-Za-z0-9_]+, not starting _");
  }
  // 1.
  const options = optionsOf(input);
  // 2.
  const source = await fetchSource(input.source_url, { auth: input.source_auth, self });
  const { resolved, version } = await resolveDocument(parseDocument(source.text));
  const api = toSdkApi(resolved, version, source.url);
  // 3.
  const generated = generateSdkFiles(api, {
    sourceUrl: input.source_url,
    auth: input.source_auth,
    ...options,
  });
  const dir = join(context.root, input.execId);
  return await withLock([join(dir, MARKER_FILE)], async () => {
    const previous = await readMarker(dir);
    const owned: Record<string, string> = {};
    const counts = { new: 0, updated: 0, unchanged: 0, conflicts: 0, removed: 0 };
    const conflicts: string[] = [];
    const marker = (): SdkMarker => ({
      type: "sdk",
      source_url: input.source_url,
      title: api.title,
      openapi: api.version,
      upstream: api.upstream,
      importedAt: new Date().toISOString(),
      auth: input.source_auth !== undefined,
      middleware: {
        pre: options.middleware.includes("pre") ? PRE_FILE : null,
        post: options.middleware.includes("post") ? POST_FILE : null,
      },
      endpoints: generated.files.filter((f) => f.kind === "endpoint").map((f) => f.path),
      files: owned,
    });
    try {
      // 4.
      for (const file of generated.files) {
        const recorded = previous?.files[file.path];
        const { outcome, hash } = await outcomeOf(dir, file, recorded);
        if (outcome === "conflict" && !input.force) {
          counts.conflicts++;
          conflicts.push(file.path);
          // Still ours only if the last import wrote it: its record stays as it was.
          if (recorded !== undefined) owned[file.path] = recorded;
          continue;
        }
        if (outcome !== "unchanged") {
          await activateFile(context, {
            execId: input.execId,
            path: file.path,
            content: file.content,
            createDirs: true,
            // The support files are modules the endpoints import, not scripts: only an
            // endpoint has a handler for the script check to find.
            validate: file.kind === "endpoint",
            typecheck: false,
            install: false,
            change: "import",
          });
        }
        owned[file.path] = hash;
        counts[outcome === "conflict" ? "updated" : outcome]++;
      }
      // 5.
      const current = new Set(generated.files.map((f) => f.path));
      const stale = Object.entries(previous?.files ?? {}).filter(([path]) => !current.has(path));
      for (const [path, recorded] of stale) {
        const where = await locate(getSdkInstance(context, input.execId), path, "path");
        const text = await readFile(where.abs, "utf8").catch(() => null);
        if (text !== null && await hashOf(text) === recorded) {
          await rm(where.abs, { force: true });
          counts.removed++;
        }
      }
      await removeEmptyFolders(dir, [...Object.keys(previous?.files ?? {})]);
    } finally {
      // 6.
      if (Object.keys(owned).length > 0) await writeMarker(dir, marker());
    }
    const shown = (path: string | null) => path === null ? "" : `${input.execId}/${path}`;
    const written = marker();
    return {
      action: "imported" as const,
      summary: {
        new: counts.new,
        updated: counts.updated,
        conflicts: counts.conflicts,
        total: generated.files.length,
        unchanged: counts.unchanged,
        removed: counts.removed,
      },
      sdk: {
        id: input.execId,
        source_url: input.source_url,
        path: input.execId,
        title: api.title,
        upstream: api.upstream,
        files: {
          endpoints: written.endpoints.length,
          pre: shown(written.middleware.pre),
          post: shown(written.middleware.post),
          marker: shown(MARKER_FILE),
        },
      },
      conflicts,
      skipped: generated.skipped,
      warnings: api.warnings,
    };
  });
}
