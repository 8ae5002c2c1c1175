import type { ModuleRef } from "../protocol/messages.ts";
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
 * Loads a compiled module (on Bun, evaluated as a classic script when it has that form) and tells
 * its shape apart (docs/scripts.md, Script shapes).
 */
export async function loadScript(ref: ModuleRef): Promise<ScriptCall> {
  const mod = await loadModule(ref) as { default?: unknown };
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
  return classicCall(handler);
}

/**
 * A classic handler `(req, res, metadata, shared, ws, mainResult)` as a ScriptCall. The rehearsal's
 * stand-in (run.ts, REHEARSAL) goes through it too, so that a serverless Worker's one request does
 * not compile it on the way to its script (a paced hello on Bun: the script's call ~9 µs shorter).
 */
export function classicCall(handler: Handler): ScriptCall {
  return ({ req, res, metadata, shared, ws, mainResult }) =>
    handler(req, res, metadata, shared, ws, mainResult);
}

/** Bun, whose sandbox bundle is CommonJS (`require` is there); false on Deno. */
const onBun = typeof require === "function" && "Bun" in globalThis;

/** Whether `ref` is evaluated from its classic text here rather than loaded from its file. */
export function evaluated(ref: ModuleRef): boolean {
  return onBun && ref.classic !== null;
}

/** The compiled module's file: what its frames name, loaded or evaluated. */
export function compiledPath(ref: ModuleRef): string {
  return decodeURIComponent(new URL(ref.url).pathname);
}

/**
 * On Bun, a module with a classic form (compile/classic-script.ts) is evaluated by indirect eval,
 * with no module loader at all: in a fresh JIT-less Worker a hello's load took ~255 µs by
 * `require` and ~18 evaluated. Its frames name the compiled file (`sourceURL`), as a required
 * module's do, and error-info.ts maps them to the user's line. Any other module is required:
 * `require` loads an ES module synchronously and, in a fresh JIT-less Worker, in about half the
 * time `import()` takes (~260 against ~490 µs), its first `import()` setting up the loader's
 * asynchronous path. A module that awaits at its top level cannot be required: Bun says so once
 * its evaluation has begun, and `import()` then carries on with that same evaluation (it does not
 * run twice).
 * Deno imports every module: evaluating saved nothing measurable there (a serverless hello: 11.5
 * ms of CPU either way), and Deno maps an imported module's frames to the user's file itself, an
 * evaluated one's not.
 */
function loadModule(ref: ModuleRef): unknown {
  if (!onBun) return import(ref.url);
  if (ref.classic !== null) return (0, eval)(`${ref.classic}\n//# sourceURL=${compiledPath(ref)}`);
  try {
    return require(compiledPath(ref));
  } catch (error) {
    if (String((error as Error)?.message).includes("async module")) return import(ref.url);
    throw error;
  }
}
