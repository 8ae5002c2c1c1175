import { safeEqual } from "../safe-equal.ts";

/**
 * `@token` credentials in SPEC §8 order; the first present source wins even when a later one
 * would match: Bearer or Basic (password = token), then X-Token, then ?token=.
 */
export function presentedToken(request: Request, url: URL): string | null {
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
  return request.headers.get("x-token") ?? url.searchParams.get("token");
}

export function tokenMatches(expected: string, presented: string | null): boolean {
  return presented !== null && safeEqual(expected, presented);
}
