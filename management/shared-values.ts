/**
 * An instance's `shared` as the state endpoints address it (docs/management.md, Shared state): dot
 * paths, scope, checks.
 */
import { z } from "zod";
import { isValidInstanceId, parseInstanceId } from "../routing/instance.ts";
import { validationError } from "../runtime/errors.ts";
import type { SharedOp } from "../runtime/protocol/messages.ts";
import { isSafePath } from "../runtime/protocol/shared-ops.ts";
import type { ManagementContext } from "./context.ts";

const MAX_VALUE_BYTES = 256 * 1024;
const MAX_PATH_LENGTH = 512;
const MAX_DEPTH = 64;

export const dotPath = z.string().max(MAX_PATH_LENGTH).optional().describe(
  "Dot path into the state, e.g. deploy.lastSha (no path = the whole state)",
);

/** "a.b.c" -> ["a","b","c"]; a segment that could reach a prototype is refused (400). */
export function parseDotPath(path: string | undefined): string[] {
  if (path === undefined || path === "") return [];
  const segments = path.split(".");
  if (segments.some((s) => s === "")) throw validationError("path", "path has an empty segment");
  if (!isSafePath(segments)) {
    throw validationError("path", "path must not contain __proto__, constructor or prototype");
  }
  return segments;
}

/** Refuses values whose keys could pollute a prototype, too deep, or over 256 KiB. */
export function checkValue(value: unknown): void {
  const json = JSON.stringify(value);
  if (json === undefined) throw validationError("value", "value must be a JSON value");
  if (new TextEncoder().encode(json).length > MAX_VALUE_BYTES) {
    throw validationError("value", `value must be at most ${MAX_VALUE_BYTES} bytes as JSON`);
  }
  const visit = (node: unknown, depth: number) => {
    if (node === null || typeof node !== "object") return;
    if (depth > MAX_DEPTH) {
      throw validationError("value", `value is nested deeper than ${MAX_DEPTH}`);
    }
    for (const key of Object.keys(node)) {
      if (!isSafePath([key])) {
        throw validationError("value", `value must not contain the key ${key}`);
      }
      visit((node as Record<string, unknown>)[key], depth + 1);
    }
  };
  visit(value, 0);
}

export interface Scope {
  execId?: string;
  hostname?: string;
}

/**
 * The instance whose `shared` a call means: `execId` when given, else the one `hostname` selects
 * by the front's own Host rule (any other host name, even a malformed one: the default instance).
 */
export function instanceOf(context: ManagementContext, scope: Scope): string {
  const host = scope.hostname === undefined || scope.hostname === "" ? null : scope.hostname;
  const id = scope.execId ??
    parseInstanceId(host, context.defaultInstance) ?? context.defaultInstance;
  if (!isValidInstanceId(id)) {
    throw validationError(
      scope.execId === undefined ? "hostname" : "execId",
      `${id} is not an instance id: [A-Za-z0-9_]+, neither starting with _ nor node_modules`,
    );
  }
  return id;
}

/** What answers name as `hostname`: the one given, else the instance id. */
export const shownHost = (scope: Scope, id: string) =>
  scope.hostname === undefined || scope.hostname === "" ? id : scope.hostname;

export function at(
  state: Record<string, unknown>,
  path: string[],
): { exists: boolean; value: unknown } {
  let node: unknown = state;
  for (const segment of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, segment)) {
      return { exists: false, value: null };
    }
    node = (node as Record<string, unknown>)[segment];
  }
  return { exists: true, value: node };
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

export const sizeOf = (state: unknown) => JSON.stringify(state).length;

/** Sends `ops` to an instance's `shared` (and its Workers); nothing when there are none. */
export function applyOps(context: ManagementContext, instance: string, ops: SharedOp[]): void {
  if (ops.length > 0) context.applyShared({ instance, origin: "", seq: 0, ops });
}

/** The ops that empty an instance's `shared`. */
export function clearOps(context: ManagementContext, instance: string): SharedOp[] {
  return Object.keys(context.shared.get(instance)).map((key) => ({ op: "delete", path: [key] }));
}
