import type { ModuleRef } from "../protocol/messages.ts";
import { compiledPath } from "./error-info.ts";
import type { ScriptMetadata, ScriptRequest } from "./request.ts";
import type { ScriptResponse } from "./response.ts";

/** A loaded script module, reduced to one call: classic `(req, res, metadata, shared, ws, mainResult)` or edge `(request, metadata)`. */
export type ScriptCall = (args: CallArgs) => unknown;

export interface CallArgs {
  req: ScriptRequest;
  res: ScriptResponse;
  metadata: ScriptMetadata;
  shared: Record<string, unknown>;
  /** The WebSocket hub of a `@websocket` script, else null. */
  ws: unknown;
  mainResult: unknown;
}

type Handler = (...args: unknown[]) => unknown;
interface EdgeObject {
  fetch: Handler;
}

function isEdgeObject(value: unknown): value is EdgeObject {
  return typeof value === "object" && value !== null &&
    typeof (value as { fetch?: unknown }).fetch === "function";
}

/**
 * Loads a compiled module (evaluated as a classic script when it has that form, else imported)
 * and tells its shape apart (docs/scripts.md, Script shapes).
 */
export async function loadScript(ref: ModuleRef): Promise<ScriptCall> {
  const mod = (ref.classic === null ? await importModule(ref.url) : evaluate(ref.classic, ref)) as {
    default?: unknown;
  };
  const exported = mod.default;
  if (isEdgeObject(exported)) {
    return ({ metadata }) => exported.fetch.call(exported, metadata.request, metadata);
  }
  if (typeof exported !== "function") {
    throw new TypeError(
      `${ref.file} exports nothing to call: use a top-level \`return\`, \`export default function\`, ` +
        "`module.exports = fn` or `export default { fetch }`",
    );
  }
  const handler = exported as Handler;
  if (ref.shape === "edge") return ({ metadata }) => handler(metadata.request, metadata);
  return ({ req, res, metadata, shared, ws, mainResult }) =>
    handler(req, res, metadata, shared, ws, mainResult);
}

/**
 * Indirect eval: global scope, strict by the text's own prefix. Frames name the compiled file, so
 * an error maps to the user's line as an imported module's does (error-info.ts).
 */
function evaluate(classic: string, ref: ModuleRef): unknown {
  return (0, eval)(`${classic}\n//# sourceURL=${compiledPath(ref)}`);
}

interface BunGlobal {
  fileURLToPath(url: string): string;
}

/**
 * On Bun, whose sandbox bundle is CommonJS, `require` loads an ES module synchronously and, in a
 * fresh JIT-less Worker, in about half the time `import()` takes (a hello's module: ~260 against
 * ~490 µs), its first `import()` setting up the loader's asynchronous path. A module that awaits
 * at its top level cannot be required: Bun says so once its evaluation has begun, and `import()`
 * then carries on with that same evaluation (it does not run twice). Deno has only `import()`.
 */
function importModule(url: string): Promise<unknown> {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  if (!bun || typeof require !== "function") return import(url);
  try {
    return Promise.resolve(require(bun.fileURLToPath(url)));
  } catch (error) {
    if (String((error as Error)?.message).includes("async module")) return import(url);
    return Promise.reject(error);
  }
}
