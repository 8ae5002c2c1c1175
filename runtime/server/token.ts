import { safeEqual } from "../safe-equal.ts";

/**
 * `@token` credentials in their documented order; the first present source wins even when a later
 * one would match: Bearer or Basic (password = token), then X-Token, then ?token=. `search` is the
 * URL's query (`?a=1&token=…`), read only when no header carries a token.
 */
export function presentedToken(request: Request, search: string): string | null {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const [scheme = "", value = ""] = authorization.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() === "bearer") return value;
    if (scheme.toLowerCase() === "basic") {
      try {
        const decoded = atob(value);
        return decoded.slice(decoded.indexOf(":") + 1);
      } catch {
        return "";
      }
    }
  }
  return request.headers.get("x-token") ??
    (search.includes("token=") ? new URLSearchParams(search).get("token") : null);
}

export function tokenMatches(expected: string, presented: string | null): boolean {
  return presented !== null && safeEqual(expected, presented);
}
