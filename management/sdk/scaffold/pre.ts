/**
 * Written by hoody-exec SDK import as `_sdk/pre.ts`: runs before every upstream call of this SDK.
 * Change the request (headers, URL) or return a new Request; return a Response to answer without
 * calling the upstream. As imported, it adds the credential given as `source_auth`.
 */
import { AUTH } from "./auth.ts";
import type { HookContext } from "./proxy.ts";

export default function pre(request: Request, _context: HookContext): Request | Response | void {
  if (AUTH) request.headers.set(AUTH[0], AUTH[1]);
}
