import type { SharedOp } from "./messages.ts";

/** Path segments that could reach a prototype: refused everywhere, so `shared` can never pollute one. */
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

export function isSafePath(path: readonly string[]): boolean {
  return path.every((segment) => !FORBIDDEN.has(segment));
}

type Container = Record<string, unknown>;

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

/** Applies ops in order to a plain JSON tree, creating missing objects on the way. Unsafe paths are skipped. */
export function applyOps(root: Container, ops: readonly SharedOp[]): void {
  for (const op of ops) {
    if (op.path.length === 0 || !isSafePath(op.path)) continue;
    let node: Container = root;
    for (const segment of op.path.slice(0, -1)) {
      const next = Object.hasOwn(node, segment) ? node[segment] : undefined;
      if (!isContainer(next)) {
        if (op.op === "delete") break;
        node[segment] = {};
      }
      node = node[segment] as Container;
    }
    const last = op.path[op.path.length - 1]!;
    if (op.op === "delete") delete node[last];
    else node[last] = op.value;
  }
}

/** A JSON-clean copy: what survives the trip through a frame. `undefined` stays `undefined`. */
export function toJsonValue(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
