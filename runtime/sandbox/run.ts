import type { Bytes, RequestInfo } from "../protocol/messages.ts";
import { classicCall, type ScriptCall } from "./invoke.ts";
import { createScriptRequest } from "./request.ts";
import { type Reply, toReply } from "./reply.ts";
import { ResponseState } from "./response.ts";
import type { ScriptMetadata, ScriptRequest } from "./request.ts";
import type { Outbound } from "./stream.ts";

export interface LoadedUnit {
  mode: "worker" | "serverless";
  main: ScriptCall;
  pre: ScriptCall | null;
  post: ScriptCall | null;
  awaitPromises: boolean;
}

/**
 * One request inside a Worker (docs/scripts.md, Middleware): `pre` (a value other than undefined,
 * or an ended `res`, short-circuits), then main, then `post`, which always runs and sees
 * `mainResult`; a `post` value other than undefined replaces the response.
 */
export async function runRequest(
  unit: LoadedUnit,
  info: RequestInfo,
  body: Bytes | null,
  shared: Record<string, unknown>,
  extras: RunExtras,
): Promise<Reply> {
  const made = createScriptRequest(info, body, unit.mode);
  const { req, metadata } = made instanceof Promise ? await made : made;
  extras.onMetadata?.(metadata);
  const state = new ResponseState(extras.open);
  const ws = extras.ws;
  const call = (script: ScriptCall, mainResult: unknown) =>
    settle(
      extras.within(() => script({ req, res: state.res, metadata, shared, ws, mainResult })),
      state,
      unit.awaitPromises,
    );

  let result: unknown;
  let failure: { error: unknown } | null = null;
  try {
    const early = unit.pre ? await call(unit.pre, undefined) : undefined;
    if (early !== undefined || state.res.ended) result = early;
    else {
      // A plain value (most answers) needs no await: a microtask less on every request.
      const value = call(unit.main, undefined);
      result = isThenable(value) ? await value : value;
    }
  } catch (error) {
    failure = { error };
  }
  if (unit.post) {
    try {
      const replaced = await call(unit.post, failure ? undefined : result);
      if (replaced !== undefined) {
        return await toReply(replaced, state.res.ended ? new ResponseState() : state);
      }
    } catch (error) {
      failure = { error };
    }
  }
  if (failure) throw failure.error;
  return toReply(result, state);
}

/**
 * A made-up GET and a stand-in for the script, which a Worker readied ahead of its request runs
 * through its whole request path before any real request comes (worker-entry.ts, `rehearse`):
 * the first pass through any code in a fresh Worker is several times slower than the next, and a
 * serverless Worker otherwise pays that on its one real request. No script runs.
 */
export const REHEARSAL: { unit: LoadedUnit; request: RequestInfo } = {
  unit: {
    mode: "serverless",
    main: classicCall((req) => ({ rehearsal: (req as ScriptRequest).path })),
    pre: null,
    post: null,
    awaitPromises: true,
  },
  request: {
    executionId: "rehearsal",
    method: "GET",
    // Credentials everywhere the console's redaction looks (a header, after a scheme, a cookie,
    // ?token=), so each of its paths, and the runtime's builtins they call, are compiled now.
    url: "http://localhost/rehearsal?a=1&token=rehearsal",
    headers: [
      ["host", "localhost"],
      ["accept", "*/*"],
      ["authorization", "Bearer rehearsal"],
      ["cookie", "a=rehearsal"],
    ],
    clientIp: "127.0.0.1",
    hostname: "localhost",
    execId: "",
    scriptPath: "/rehearsal",
    parameters: {},
    startedAt: 0,
  },
};

export interface RunExtras {
  /** Runs one call of a script as its request's code (what the console, `fetch` and `request` see). */
  within: (call: () => unknown) => unknown;
  /** The script's WebSocket hub (`@websocket` scripts), else null. */
  ws: unknown;
  /** Starts a streamed response for `res.write`. */
  open: () => Outbound;
  /** Sees the request's metadata before any script runs (an upgrade keeps it for its connection). */
  onMetadata?: (metadata: ScriptMetadata) => void;
}

/**
 * With `@await-promises false` the response goes out as soon as `res` ends, without waiting for the
 * rest. Anything else as it came: the caller awaits a thenable, takes a plain value as it is.
 */
function settle(value: unknown, state: ResponseState, awaitPromises: boolean): unknown {
  if (awaitPromises || !(value instanceof Promise)) return value;
  return Promise.race([value, state.whenEnded().then(() => undefined)]);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}
