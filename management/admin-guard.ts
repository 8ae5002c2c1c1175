import { API_PREFIX } from "../runtime/server/management-path.ts";
import type { MiddlewareHandler } from "hono";
import { isLoopback } from "../runtime/server/config.ts";
import { ServerError, toErrorResponse } from "../runtime/errors.ts";
import { safeEqual } from "../runtime/safe-equal.ts";
import type { ManagementEnv } from "./env.ts";
import { isDashboardFile } from "./dashboard/pages.ts";

/**
 * The management API is root-equivalent (writing a script runs code): a token when one is set,
 * loopback clients only when none is, and never a call from a browser page of another origin.
 */
export function adminGuard(adminToken: string | null): MiddlewareHandler<ManagementEnv> {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin) {
      return toErrorResponse(
        new ServerError("FORBIDDEN", "The management API does not accept calls from other origins"),
      );
    }
    // The dashboard's page, script and stylesheet hold no data: the page asks for the token.
    if (c.req.path === `${API_PREFIX}/health` || isDashboardFile(c.req.path)) return await next();
    if (adminToken === null) {
      if (!isLoopback(c.env.clientIp)) {
        return toErrorResponse(
          new ServerError(
            "FORBIDDEN",
            "Without --admin-token only loopback clients may call the management API",
          ),
        );
      }
      return await next();
    }
    const presented = c.req.header("x-admin-token") ?? bearer(c.req.header("authorization"));
    if (!presented || !safeEqual(adminToken, presented)) {
      return toErrorResponse(
        new ServerError(
          "UNAUTHORIZED",
          "Send the admin token as Authorization: Bearer <token> or X-Admin-Token",
        ),
      );
    }
    return await next();
  };
}

function bearer(header: string | undefined): string | undefined {
  const match = header && /^bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1] : undefined;
}
