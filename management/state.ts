/** Shared state and caches (SPEC §11): get/set/clear an instance's `shared`, clear compiled code. */
import { z } from "zod";
import { isValidInstanceId, parseInstanceId } from "../routing/instance.ts";
import type { SharedOp } from "../runtime/protocol/messages.ts";
import { isSafePath } from "../runtime/protocol/shared-ops.ts";
import type { ManagementContext } from "./context.ts";
import { defineEndpoint, type Endpoint } from "./endpoint.ts";
import { validationError } from "./errors.ts";
import { execId, hostname } from "./schemas.ts";

const MAX_VALUE_BYTES = 256 * 1024;
const MAX_PATH_LENGTH = 512;
const MAX_DEPTH = 64;

const dotPath = z.string().max(MAX_PATH_LENGTH).optional().describe(
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

interface Scope {
  execId?: string;
  hostname?: string;
}

/**
 * The instance whose `shared` a call means: `execId` when given, else the one `hostname` selects
 * by the front's own Host rule (any other host name, even a malformed one: the default instance).
 */
function instanceOf(context: ManagementContext, scope: Scope): string {
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
const shownHost = (scope: Scope, id: string) =>
  scope.hostname === undefined || scope.hostname === "" ? id : scope.hostname;

function at(state: Record<string, unknown>, path: string[]): { exists: boolean; value: unknown } {
  let node: unknown = state;
  for (const segment of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, segment)) {
      return { exists: false, value: null };
    }
    node = (node as Record<string, unknown>)[segment];
  }
  return { exists: true, value: node };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const sizeOf = (state: unknown) => JSON.stringify(state).length;

export function stateEndpoints(context: ManagementContext): Endpoint[] {
  const apply = (instance: string, ops: SharedOp[]) => {
    if (ops.length > 0) context.applyShared({ instance, origin: "", seq: 0, ops });
  };
  const clearOps = (instance: string): SharedOp[] =>
    Object.keys(context.shared.get(instance)).map((key) => ({ op: "delete", path: [key] }));
  return [
    defineEndpoint({
      method: "POST",
      path: "/shared-state/get",
      cli: { group: "state", verb: "get" },
      summary: "An instance's shared state, or one value in it",
      input: z.object({ hostname, execId, path: dotPath }),
      handler(input) {
        const id = instanceOf(context, input);
        const state = context.shared.get(id);
        const found = at(state, parseDotPath(input.path));
        return {
          hostname: shownHost(input, id),
          execId: id,
          path: input.path || null,
          exists: found.exists,
          state: found.value ?? null,
          size: sizeOf(state),
        };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/shared-state/set",
      cli: { group: "state", verb: "set" },
      summary: "Sets a value (or the whole state); running Workers see it at once",
      input: z.object({
        hostname,
        execId,
        path: dotPath,
        value: z.unknown().describe("Any JSON value (an object when there is no path)"),
        merge: z.boolean().default(false).describe("Shallow-merge an object into what is there"),
      }),
      handler(input) {
        const id = instanceOf(context, input);
        const path = parseDotPath(input.path);
        if (input.value === undefined) throw validationError("value", "value is required");
        checkValue(input.value);
        const current = at(context.shared.get(id), path);
        const ops: SharedOp[] = [];
        if (input.merge || path.length === 0) {
          if (!isObject(input.value)) {
            throw validationError(
              "value",
              path.length === 0
                ? "value must be an object to replace the whole state"
                : "value must be an object to merge",
            );
          }
          if (!input.merge) ops.push(...clearOps(id));
          else if (path.length > 0 && !isObject(current.value)) {
            ops.push({ op: "set", path, value: {} });
          }
          for (const [key, value] of Object.entries(input.value)) {
            ops.push({ op: "set", path: [...path, key], value });
          }
        } else ops.push({ op: "set", path, value: input.value });
        apply(id, ops);
        return {
          hostname: shownHost(input, id),
          execId: id,
          path: input.path || null,
          updated: true,
          merged: input.merge,
          size: sizeOf(context.shared.get(id)),
        };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/shared-state/clear",
      cli: { group: "state", verb: "clear" },
      destructive: true,
      summary: "Removes a value, an instance's whole state, or every instance's (clearAll)",
      input: z.object({
        hostname,
        execId,
        path: dotPath,
        clearAll: z.boolean().default(false),
      }),
      handler(input) {
        if (input.clearAll) {
          let count = 0;
          for (const id of context.shared.list()) {
            const ops = clearOps(id);
            count += ops.length;
            apply(id, ops);
          }
          return { cleared: true, count, remaining: 0 };
        }
        const id = instanceOf(context, input);
        const path = parseDotPath(input.path);
        const ops = path.length === 0
          ? clearOps(id)
          : at(context.shared.get(id), path).exists
          ? [{ op: "delete" as const, path }]
          : [];
        apply(id, ops);
        return {
          cleared: ops.length > 0,
          count: ops.length,
          remaining: Object.keys(context.shared.get(id)).length,
        };
      },
    }),
    defineEndpoint({
      method: "POST",
      path: "/cache/clear",
      cli: { group: "system", verb: "cache-clear" },
      summary:
        "Fresh Workers for worker-mode scripts (clearVm: globals start over, shared stays) and optionally an empty shared (clearState)",
      input: z.object({
        hostname,
        execId,
        scriptPath: z.string().optional().describe("Deprecated: refused"),
        clearVm: z.boolean().default(true).describe(
          "Restart worker-mode Workers and drop compiled code; shared survives",
        ),
        clearState: z.boolean().default(false).describe("Also empty shared"),
        clearAll: z.boolean().default(false).describe("Every instance, not just one"),
      }),
      handler(input) {
        if (input.scriptPath !== undefined) {
          throw validationError(
            "scriptPath",
            "scriptPath is deprecated: the cache is cleared per hostname or with clearAll=true",
          );
        }
        const scope = input.clearAll ? null : instanceOf(context, input);
        let vmCleared = 0;
        if (input.clearVm) {
          context.clearCompiled();
          vmCleared = context.recycleWorkers(scope);
        }
        let stateCleared = 0;
        if (input.clearState) {
          for (const id of scope === null ? context.shared.list() : [scope]) {
            const ops = clearOps(id);
            if (ops.length > 0) stateCleared += 1;
            apply(id, ops);
          }
        }
        return {
          cleared: true,
          vmCache: { cleared: vmCleared, remaining: context.workerModeCount() },
          sharedState: {
            cleared: stateCleared,
            remaining: context.shared.list().filter((id) =>
              Object.keys(context.shared.get(id)).length > 0
            ).length,
          },
        };
      },
    }),
  ];
}
