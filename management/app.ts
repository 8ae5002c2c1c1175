import { Hono } from "hono";
import { ServerError, toErrorResponse } from "../runtime/errors.ts";
import { adminGuard } from "./admin-guard.ts";
import type { ManagementContext } from "./context.ts";
import type { ManagementEnv } from "./env.ts";
import { instanceRoutes } from "./instances.ts";
import { systemRoutes } from "./system.ts";

/** The hono app behind /api/v1/exec/*: one file per resource, mounted here. */
export function createManagementApp(options: ManagementContext): Hono<ManagementEnv> {
  const app = new Hono<ManagementEnv>().basePath("/api/v1/exec");
  app.use("*", adminGuard(options.adminToken));
  app.route("/", systemRoutes());
  app.route("/", instanceRoutes(options.root));
  app.notFound((c) =>
    toErrorResponse(
      new ServerError("NOT_FOUND", `No management endpoint ${c.req.method} ${c.req.path}`),
    )
  );
  app.onError((error) =>
    toErrorResponse(
      error instanceof ServerError
        ? error
        : new ServerError("INTERNAL", "Internal Server Error", { cause: error }),
    )
  );
  return app;
}
