import { Hono } from "hono";
import { ServerError, toErrorResponse } from "../runtime/errors.ts";
import { adminGuard } from "./admin-guard.ts";
import type { ManagementContext } from "./context.ts";
import type { Endpoint } from "./endpoint.ts";
import { mountEndpoints } from "./endpoint.ts";
import type { ManagementEnv } from "./env.ts";
import { toManagementResponse } from "./errors.ts";
import { dependencyEndpoints } from "./dependencies.ts";
import { instanceEndpoints } from "./instances.ts";
import { magicCommentEndpoints } from "./magic-comments.ts";
import { packageEndpoints } from "./packages.ts";
import { API_PREFIX, createOpenApiDocument, toYaml } from "./openapi.ts";
import { routeEndpoints } from "./routes.ts";
import { scriptEndpoints } from "./scripts.ts";
import { stateEndpoints } from "./state.ts";
import { withSubdomain } from "./subdomain.ts";
import { systemEndpoints } from "./system.ts";
import { validateEndpoints } from "./validate.ts";

/**
 * Every management endpoint, one file per resource: the app, the OpenAPI document and the CLI read
 * this list. Each takes `subdomain` (SPEC §17).
 */
export function createEndpoints(context: ManagementContext): Endpoint[] {
  const endpoints = [
    ...systemEndpoints(context),
    ...instanceEndpoints(context),
    ...scriptEndpoints(context),
    ...routeEndpoints(context),
    ...magicCommentEndpoints(context),
    ...stateEndpoints(context),
    ...dependencyEndpoints(context),
    ...packageEndpoints(context),
    ...validateEndpoints(context),
  ];
  return endpoints.map(withSubdomain);
}

/** The paths of the OpenAPI document: at the root as SPEC §1 has them, and under the API prefix. */
export const OPENAPI_PATHS = ["/openapi.json", "/openapi.yaml"] as const;

/** The hono app behind /api/v1/exec/* (and /openapi.json|yaml). */
export function createManagementApp(context: ManagementContext): Hono<ManagementEnv> {
  const endpoints = createEndpoints(context);
  const document = createOpenApiDocument(endpoints);
  // Written on first request: YAML-stringifying the document is ~40 ms of CPU, and the app is
  // built a second after start, while the server may already be serving.
  let yaml: string | null = null;
  const app = new Hono<ManagementEnv>();
  app.use("*", adminGuard(context.adminToken));
  for (const base of ["", API_PREFIX]) {
    app.get(`${base}/openapi.json`, (c) => c.json(document));
    app.get(
      `${base}/openapi.yaml`,
      (c) =>
        c.body(yaml ??= toYaml(document), 200, {
          "content-type": "application/yaml; charset=utf-8",
        }),
    );
  }
  app.route(API_PREFIX, mountEndpoints(endpoints));
  app.notFound((c) =>
    toErrorResponse(
      new ServerError("NOT_FOUND", `No management endpoint ${c.req.method} ${c.req.path}`),
    )
  );
  app.onError((error) => toManagementResponse(error));
  return app;
}
