/**
 * `metadata.hook` (and the global `hook`) in a proxy hook's script (docs/proxy-hooks.md): the
 * service the hook sits in front of, and `forward()`, which sends the original request, or one the
 * script rewrote, to that service and resolves to its response (streamed, never decoded).
 */
import type { HoodyHook, HoodyHookForward } from "../../types/script.d.ts";
import { forwardedHeaders, type HookInfo } from "../protocol/forwarding.ts";

/** What forward() needs of the request's metadata. */
interface HookRequest {
  readonly request: Request;
  clientIp: string;
  headers: Record<string, string>;
}

export function createHook(info: HookInfo, metadata: HookRequest): HoodyHook {
  const { name, host, port, origin } = info.upstream;
  return {
    id: info.id,
    service: info.service,
    upstream: { name, host, port },
    forward(request?: HoodyHookForward) {
      const original = metadata.request;
      const chosen = request instanceof Request
        ? request
        : request === undefined
        ? original
        : rewrite(original, request);
      const headers = forwardedHeaders(chosen, metadata.clientIp, metadata.headers.host ?? "");
      // The script may read the answer: the upstream is asked for it unencoded (Deno's fetch
      // would decode it anyway, and leave Content-Encoding saying it is not).
      headers.set("accept-encoding", "identity");
      const url = new URL(chosen.url);
      const hasBody = chosen.body !== null && chosen.method !== "GET" && chosen.method !== "HEAD";
      return fetch(new URL(url.pathname + url.search, origin), {
        method: chosen.method,
        headers,
        body: hasBody ? chosen.body : null,
        redirect: "manual",
        ...({ duplex: "half" } as RequestInit),
      });
    },
  };
}

/** The original request with the script's changes: another path (and query), method, headers, body. */
function rewrite(original: Request, changes: RequestInit & { path?: string }): Request {
  const { path, ...init } = changes;
  const url = path === undefined ? original.url : new URL(path, original.url).href;
  const base = new Request(url, {
    method: original.method,
    headers: original.headers,
    body: original.body,
    ...({ duplex: "half" } as RequestInit),
  });
  return new Request(base, init);
}
