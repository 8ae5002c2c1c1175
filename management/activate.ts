/**
 * The one activation path every change to a file goes through (scripts/write, and anything that
 * writes scripts for the user: templates, SDK import, rollbacks): If-Match -> validate ->
 * type-check -> install -> If-Match again, under the file's lock -> keep the previous content as a
 * version (docs/versions.md) -> atomic write. Every step runs before the file is touched (a refused
 * write must not even create the instance folder), so any failure leaves the old version serving;
 * the error names the step.
 */
import { mkdir, readFile, stat } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { isValidInstanceId } from "../routing/instance.ts";
import type { DirectiveWarning } from "../runtime/directives/parse.ts";
import { ServerError } from "../runtime/errors.ts";
import { writeFileAtomic } from "../runtime/fs.ts";
import { sha256Hex } from "../runtime/hex.ts";
import {
  installMissing,
  isScriptFile,
  requireCompiles,
  requireDirectives,
  requireJson,
  requireTypes,
} from "./checks.ts";
import { getOrCreateInstance, type ManagementContext } from "./context.ts";
import { statOrNull } from "./listing.ts";
import { withLock } from "./locks.ts";
import { locate, parseRelativePath } from "./paths.ts";
import { parseIfMatch, requireMatch } from "./versions/if-match.ts";
import { keepVersion, type VersionChange } from "./versions/store.ts";

export const MAX_CONTENT_BYTES = 5 * 1024 * 1024;

export interface Activation {
  /** The instance (default instance when absent); created on the first write. */
  execId?: string;
  /** Relative to the instance, as the client gave it (checked here). */
  path: string;
  content: string;
  createDirs: boolean;
  /** Compile scripts and parse .json before writing (magic comments are always checked). */
  validate: boolean;
  typecheck: boolean;
  /** Install missing packages the script imports before it goes live. */
  install: boolean;
  /** The hash (or hashes, or *) the current content must have: a stale one answers 412. */
  ifMatch?: string;
  /** What the version kept of the previous content records as its cause (default "write"). */
  change?: VersionChange;
}

export interface Activated {
  path: string;
  resolvedPath: string;
  created: boolean;
  updated: boolean;
  size: number;
  modified: string;
  validated: boolean;
  /** SHA-256 hex of the new content: the If-Match of the next write. */
  hash: string;
  warnings: DirectiveWarning[];
  steps: Record<string, unknown>;
}

/** The SHA-256 hex of the file now, or null when it (or its instance) does not exist. */
async function liveHash(context: ManagementContext, id: string, file: string) {
  const instance = isValidInstanceId(id) ? context.instances.get(id) : undefined;
  if (!instance) return null;
  const where = await locate(instance, file, "path");
  const content = await readFile(where.abs).catch(() => null);
  return content ? await sha256Hex(content) : null;
}

export async function activateFile(
  context: ManagementContext,
  input: Activation,
): Promise<Activated> {
  const file = parseRelativePath(input.path, "path");
  if (Buffer.byteLength(input.content) > MAX_CONTENT_BYTES) {
    throw new ServerError(
      "PAYLOAD_TOO_LARGE",
      `content must be at most ${MAX_CONTENT_BYTES} bytes`,
    );
  }
  const expected = input.ifMatch === undefined ? undefined : parseIfMatch(input.ifMatch);
  const id = input.execId ?? context.defaultInstance;
  const script = isScriptFile(file);
  const steps: Record<string, unknown> = {
    validate: "skipped",
    typecheck: "skipped",
    install: "skipped",
  };
  // Checked first so a stale write costs nothing (no install), and again under the lock below.
  if (expected !== undefined) {
    requireMatch(expected, await liveHash(context, id, file), `${id}/${file}`);
  }
  const warnings = script ? requireDirectives(input.content) : [];
  if (input.validate) requireJson(file, input.content);
  let imports: string[] = [];
  if (script && (input.validate || input.typecheck) && isValidInstanceId(id)) {
    const abs = join(context.root, id, file);
    imports = await requireCompiles(context, input.content, abs);
    steps.validate = "ok";
    if (input.typecheck) {
      steps.typecheck = await requireTypes(context, input.content, abs);
    }
  }
  if (script && input.install && imports.length > 0) {
    steps.install = await installMissing(context, imports);
  }
  const instance = await getOrCreateInstance(context, input.execId);
  const where = await locate(instance, file, "path");
  return await withLock([where.abs], async () => {
    const before = await statOrNull(where.abs);
    if (before?.isDirectory()) throw new ServerError("CONFLICT", `${where.shown} is a folder`);
    const previous = before ? await readFile(where.abs) : null;
    const previousHash = previous ? await sha256Hex(previous) : null;
    requireMatch(expected, previousHash, where.shown);
    const hash = await sha256Hex(input.content);
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
    if (previous && previousHash !== hash) {
      const change = input.change ?? "write";
      await keepVersion(context.root, instance.id, file, previous, change, context.versionLimits);
    }
    await writeFileAtomic(where.abs, input.content);
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
      hash,
      warnings,
      steps: { ...steps, activate: "ok" },
    };
  });
}
