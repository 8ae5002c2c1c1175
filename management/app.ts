import { Hono } from "hono";
import { requestErrorResponse, ServerError, toErrorResponse } from "../runtime/errors.ts";
import { adminGuard } from "./admin-guard.ts";
import type { ManagementContext } from "./context.ts";
import { mountEndpoints } from "./endpoint.ts";
import { ENDPOINTS } from "./endpoints/index.ts";
import type { ManagementEnv } from "./env.ts";
import { API_DOCUMENTS, API_PREFIX } from "../runtime/server/management-path.ts";
import { createOpenApiDocument, toYaml } from "./openapi.ts";
import { createDocsPages } from "./docs-pages.ts";
import { createDashboardPages } from "./dashboard/pages.ts";

/** The hono app behind /api/v1/exec/* (and /openapi.json|yaml). */
export function createManagementApp(context: ManagementContext): Hono<ManagementEnv> {
  const document = createOpenApiDocument();
  // Written on first request: YAML-stringifying the document is ~40 ms of CPU, and the app is
  // built a second after start, while the server may already be serving.
  let yaml: string | null = null;
  const app = new Hono<ManagementEnv>();
  app.use("*", adminGuard(context.adminToken));
  const [json, yamlPath] = API_DOCUMENTS;
  for (const base of ["", API_PREFIX]) {
    app.get(`${base}${json}`, (c) => c.json(document));
    app.get(`${base}${yamlPath}`, (c) =>
      c.body(yaml ??= toYaml(document), 200, {
        "content-type": "application/yaml; charset=utf-8",
      }));
  }
  app.route(API_PREFIX, mountEndpoints(ENDPOINTS, context));
  app.route(API_PREFIX, createDocsPages(context));
  app.route(API_PREFIX, createDashboardPages(context));
  app.notFound((c) =>
    toErrorResponse(
      new ServerError("NOT_FOUND", `No management endpoint ${c.req.method} ${c.req.path}`),
    )
  );
  // Anything not a ServerError is a bug: logged, and a bare 500 that shows nothing of the server.
  app.onError((error, c) =>
    requestErrorResponse(error, {
      cors: [],
      debug: context.debug,
      log: context.log,
      path: c.req.path,
    })
  );
  return app;
}
