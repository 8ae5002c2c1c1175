import type { Directives } from "../directives/spec.ts";

type CorsSettings = Pick<Directives, "cors" | "corsCredentials" | "corsMethods">;

/** The Access-Control-Allow-Origin value `@cors` gives this request, or null for none. */
export function allowedOrigin(settings: CorsSettings, origin: string | null): string | null {
  const { cors, corsCredentials } = settings;
  switch (cors.kind) {
    case "none":
      return null;
    case "any":
      // `*` is never sent with credentials: browsers reject it, so echo the origin instead.
      return corsCredentials ? (isOrigin(origin) ? origin : null) : "*";
    case "reflective":
      return isOrigin(origin) ? origin : null;
    case "origin":
      return origin === cors.origin ? cors.origin : null;
  }
}

export function isPreflight(request: Request): boolean {
  return request.method === "OPTIONS" && request.headers.has("origin") &&
    request.headers.has("access-control-request-method");
}

/** Headers for an actual (non-preflight) response. */
export function corsHeaders(settings: CorsSettings, origin: string | null): [string, string][] {
  if (settings.cors.kind === "none") return [];
  const allow = allowedOrigin(settings, origin);
  const headers: [string, string][] = [];
  if (allow) headers.push(["access-control-allow-origin", allow]);
  if (allow && settings.corsCredentials) headers.push(["access-control-allow-credentials", "true"]);
  if (allow !== "*") headers.push(["vary", "Origin"]);
  return headers;
}

/** The answer to a preflight, given without running the script. */
export function preflightResponse(settings: CorsSettings, request: Request): Response {
  const origin = request.headers.get("origin");
  const headers = new Headers(corsHeaders(settings, origin));
  if (headers.has("access-control-allow-origin")) {
    headers.set("access-control-allow-methods", settings.corsMethods.join(", "));
    const asked = request.headers.get("access-control-request-headers");
    if (asked) headers.set("access-control-allow-headers", asked);
    headers.set("access-control-max-age", "600");
  }
  return new Response(null, { status: 204, headers });
}

function isOrigin(value: string | null): value is string {
  if (!value || value === "null") return false;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}
