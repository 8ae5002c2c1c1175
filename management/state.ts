/** Shared state and caches (SPEC §11): get/set/clear an instance's `shared`, clear compiled code. */
import { z } from "zod";
import { isValidInstanceId } from "../routing/instance.ts";
import type { SharedOp } from "../runtime/protocol/messages.ts";
import { isSafePath } from "../runtime/protocol/shared-ops.ts";
import type { ManagementContext } from "./context.ts";
import { defineEndpoint, type Endpoint } from "./endpoint.ts";
import { validationError } from "./errors.ts";
import { hostname } from "./schemas.ts";

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
  if (segments.some((s) => s === "")) throw validationError("path", "has an empty segment");
  if (!isSafePath(segments)) {
    throw validationError("path", "must not contain __proto__, constructor or prototype");
  }
  return segments;
}

/** Refuses values whose keys could pollute a prototype, too deep, or over 256 KiB. */
export function checkValue(value: unknown): void {
  const json = JSON.stringify(value);
  if (json === undefined) throw validationError("value", "must be a JSON value");
  if (new TextEncoder().encode(json).length > MAX_VALUE_BYTES) {
    throw validationError("value", `must be at most ${MAX_VALUE_BYTES} bytes as JSON`);
  }
  const visit = (node: unknown, depth: number) => {
    if (node === null || typeof node !== "object") return;
    if (depth > MAX_DEPTH) throw validationError("value", `is nested deeper than ${MAX_DEPTH}`);
    for (const key of Object.keys(node)) {
      if (!isSafePath([key])) {
        throw validationError("value", `must not contain the key ${key}`);
      }
      visit((node as Record<string, unknown>)[key], depth + 1);
    }
  };
  visit(value, 0);
}

function instanceOf(context: ManagementContext, name: string | undefined): string {
  const id = name ?? context.defaultInstance;
  if (!isValidInstanceId(id)) {
    throw validationError("hostname", "must be an instance id ([A-Za-z0-9_]+)");
  }
  return id;
}

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
      input: z.object({ hostname, path: dotPath }),
      handler(input) {
        const id = instanceOf(context, input.hostname);
        const state = context.shared.get(id);
        const found = at(state, parseDotPath(input.path));
        return {
          hostname: id,
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
        path: dotPath,
        value: z.unknown().describe("Any JSON value (an object when there is no path)"),
        merge: z.boolean().default(false).describe("Shallow-merge an object into what is there"),
      }),
      handler(input) {
        const id = instanceOf(context, input.hostname);
        const path = parseDotPath(input.path);
        if (input.value === undefined) throw validationError("value", "is required");
        checkValue(input.value);
        const current = at(context.shared.get(id), path);
        const ops: SharedOp[] = [];
        if (input.merge || path.length === 0) {
          if (!isObject(input.value)) {
            throw validationError(
              "value",
              path.length === 0
                ? "must be an object to replace the whole state"
                : "must be an object to merge",
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
          hostname: id,
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
      input: z.object({ hostname, path: dotPath, clearAll: z.boolean().default(false) }),
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
        const id = instanceOf(context, input.hostname);
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
      summary: "Drops compiled scripts (clearVm) and optionally shared state (clearState)",
      input: z.object({
        hostname,
        scriptPath: z.string().optional().describe("Deprecated: refused"),
        clearVm: z.boolean().default(true),
        clearState: z.boolean().default(false),
        clearAll: z.boolean().default(false),
      }),
      handler(input) {
        if (input.scriptPath !== undefined) {
          throw validationError(
            "scriptPath",
            "is deprecated: clear the whole cache (it is rebuilt on demand)",
          );
        }
        const cachedInstances = context.instances.list().length;
        if (input.clearVm) context.clearCompiled();
        let stateCleared = 0;
        if (input.clearState) {
          const ids = input.clearAll
            ? context.shared.list()
            : [instanceOf(context, input.hostname)];
          for (const id of ids) {
            const ops = clearOps(id);
            stateCleared += ops.length;
            apply(id, ops);
          }
        }
        return {
          cleared: true,
          vmCache: {
            cleared: input.clearVm ? cachedInstances : 0,
            remaining: context.instances.list().length,
          },
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
