import type { Bytes, RequestInfo } from "../protocol/messages.ts";
import type { ScriptCall } from "./invoke.ts";
import { createScriptRequest } from "./request.ts";
import { createScriptResponse, type Reply, type ResponseState, toReply } from "./response.ts";

export interface LoadedUnit {
  mode: "worker" | "serverless";
  main: ScriptCall;
  pre: ScriptCall | null;
  post: ScriptCall | null;
  awaitPromises: boolean;
}

/**
 * One request inside a Worker (SPEC D8): `pre` (a value other than undefined, or an ended `res`,
 * short-circuits), then main, then `post`, which always runs and sees `mainResult`; a `post`
 * value other than undefined replaces the response.
 */
export async function runRequest(
  unit: LoadedUnit,
  info: RequestInfo,
  body: Bytes | null,
  shared: Record<string, unknown>,
): Promise<Reply> {
  const { req, metadata } = await createScriptRequest(info, body, unit.mode);
  const state = createScriptResponse();
  const call = (script: ScriptCall, mainResult: unknown) =>
    settle(
      script({ req, res: state.res, metadata, shared, mainResult }),
      state,
      unit.awaitPromises,
    );

  let result: unknown;
  let failure: { error: unknown } | null = null;
  try {
    const early = unit.pre ? await call(unit.pre, undefined) : undefined;
    result = early !== undefined || state.res.ended ? early : await call(unit.main, undefined);
  } catch (error) {
    failure = { error };
  }
  if (unit.post) {
    try {
      const replaced = await call(unit.post, failure ? undefined : result);
      if (replaced !== undefined) {
        return await toReply(replaced, state.res.ended ? createScriptResponse() : state);
      }
    } catch (error) {
      failure = { error };
    }
  }
  if (failure) throw failure.error;
  return await toReply(result, state);
}

/** With `@await-promises false` the response goes out as soon as `res` ends, without waiting for the rest. */
function settle(value: unknown, state: ResponseState, awaitPromises: boolean): Promise<unknown> {
  if (awaitPromises || !(value instanceof Promise)) return Promise.resolve(value);
  return Promise.race([value, state.whenEnded().then(() => undefined)]);
}
