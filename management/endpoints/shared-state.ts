/** Shared state (docs/management.md, Shared state): get, set and clear an instance's `shared`. */
import { z } from "zod";
import type { SharedOp } from "../../runtime/protocol/messages.ts";
import { validationError } from "../../runtime/errors.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { execId, hostname } from "../schemas.ts";
import {
  applyOps,
  at,
  checkValue,
  clearOps,
  dotPath,
  instanceOf,
  isObject,
  parseDotPath,
  shownHost,
  sizeOf,
} from "../shared-values.ts";

export const SHARED_STATE_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "POST",
    path: "/shared-state/get",
    cli: { group: "state", verb: "get" },
    summary: "An instance's shared state, or one value in it",
    input: z.object({ hostname, execId, path: dotPath }),
    handler(input, { context }) {
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
    handler(input, { context }) {
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
        if (!input.merge) ops.push(...clearOps(context, id));
        else if (path.length > 0 && !isObject(current.value)) {
          ops.push({ op: "set", path, value: {} });
        }
        for (const [key, value] of Object.entries(input.value)) {
          ops.push({ op: "set", path: [...path, key], value });
        }
      } else ops.push({ op: "set", path, value: input.value });
      applyOps(context, id, ops);
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
    handler(input, { context }) {
      if (input.clearAll) {
        let count = 0;
        for (const id of context.shared.list()) {
          const ops = clearOps(context, id);
          count += ops.length;
          applyOps(context, id, ops);
        }
        return { cleared: true, count, remaining: 0 };
      }
      const id = instanceOf(context, input);
      const path = parseDotPath(input.path);
      const ops = path.length === 0
        ? clearOps(context, id)
        : at(context.shared.get(id), path).exists
        ? [{ op: "delete" as const, path }]
        : [];
      applyOps(context, id, ops);
      return {
        cleared: ops.length > 0,
        count: ops.length,
        remaining: Object.keys(context.shared.get(id)).length,
      };
    },
  }),
];
