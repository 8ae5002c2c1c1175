/**
 * How a request is forwarded to a proxied service (docs/proxy-hooks.md), the same on both sides:
 * the server's pass-through (runtime/proxy/pass-through.ts) and a hook's `forward()` inside its
 * Worker (runtime/sandbox/hook.ts). Plain web-standard code, no server imports.
 */

/** What a hook's script is told about the service it sits in front of (`metadata.hook`). */
export interface HookInfo {
  /** The hook record's id. */
  id: string;
  /** The upstream's name (`--upstream name=URL`), also the hook's service. */
  service: string;
  upstream: { name: string; host: string; port: number; origin: string };
}

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, never forwarded. */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** The headers minus hop-by-hop ones (and those `Connection` names). */
export function endToEndHeaders(headers: Headers): Headers {
  const out = new Headers(headers);
  const named = headers.get("connection")?.split(",").map((h) => h.trim().toLowerCase()) ?? [];
  for (const name of [...HOP_BY_HOP, ...named]) if (name) out.delete(name);
  return out;
}

/**
 * The request's headers as the upstream receives them: end-to-end ones, without Host (the
 * upstream's own is sent); the original Host in X-Forwarded-Host, the client's address appended
 * to X-Forwarded-For, the scheme in X-Forwarded-Proto.
 */
export function forwardedHeaders(
  request: Request,
  clientIp: string,
  originalHost: string,
): Headers {
  const headers = endToEndHeaders(request.headers);
  headers.delete("host");
  const before = headers.get("x-forwarded-for");
  headers.set("x-forwarded-for", before ? `${before}, ${clientIp}` : clientIp);
  if (!headers.has("x-forwarded-host") && originalHost) {
    headers.set("x-forwarded-host", originalHost);
  }
  if (!headers.has("x-forwarded-proto")) {
    headers.set("x-forwarded-proto", new URL(request.url).protocol.slice(0, -1));
  }
  return headers;
}
