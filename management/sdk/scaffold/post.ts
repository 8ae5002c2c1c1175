/**
 * Written by hoody-exec SDK import as `_sdk/post.ts`: runs after every upstream call of this SDK,
 * with the upstream's response. Return a value to answer with it instead (any value a script may
 * return); return nothing to pass the response on.
 */
import type { HookContext } from "./proxy.ts";

export default function post(response: Response, _context: HookContext): unknown {
  return response;
}
