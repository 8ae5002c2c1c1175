/** The management API's own OpenAPI 3.1 document, built from the endpoint list and its zod inputs. */
import { API_PREFIX } from "../runtime/server/management-path.ts";
import { stringify } from "yaml";
import { type Endpoint, inputSchema } from "./endpoint.ts";
import { ENDPOINTS } from "./endpoints/index.ts";
import { VERSION } from "./version.ts";

const ERROR = {
  type: "object",
  required: ["error", "code"],
  properties: {
    error: { type: "string", description: "What happened and what to do" },
    code: { type: "string", description: "Stable code, e.g. VALIDATION_ERROR, NOT_FOUND" },
    field: { type: "string", description: "The input field at fault, when there is one" },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

type Schema = { properties?: Record<string, unknown>; required?: string[] };

function operation(endpoint: Endpoint): Record<string, unknown> {
  const schema = inputSchema(endpoint) as Schema;
  const op: Record<string, unknown> = {
    operationId: `${endpoint.cli.group}.${endpoint.cli.verb}`,
    summary: endpoint.summary,
    tags: [endpoint.cli.group],
    responses: {
      "200": { description: "Success: the documented object, at top level (no envelope)" },
      "400": errorResponse(
        "VALIDATION_ERROR (names the field), BAD_PATH or UNSUPPORTED_SUBDOMAIN",
      ),
      ...(endpoint.open ? {} : {
        "401": errorResponse("UNAUTHORIZED: admin token missing or wrong"),
        "403": errorResponse(
          "FORBIDDEN: foreign Origin, non-loopback client without a token, or a path outside the instance",
        ),
      }),
      "404": errorResponse("NOT_FOUND or UNKNOWN_INSTANCE"),
    },
  };
  if (endpoint.open) op.security = [];
  const properties = schema.properties ?? {};
  if (endpoint.method === "GET" || endpoint.method === "DELETE") {
    op.parameters = Object.entries(properties).map(([name, s]) => {
      const inPath = endpoint.path.split("/").includes(`:${name}`);
      return {
        name,
        in: inPath ? "path" : "query",
        required: inPath || (schema.required?.includes(name) ?? false),
        schema: s,
      };
    });
  } else if (Object.keys(properties).length > 0) {
    op.requestBody = {
      required: (schema.required?.length ?? 0) > 0,
      content: { "application/json": { schema } },
    };
  }
  return op;
}

/** The document for `endpoints` (every management endpoint unless told otherwise). */
export function createOpenApiDocument(
  endpoints: readonly Endpoint[] = ENDPOINTS,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of endpoints) {
    const path = `${API_PREFIX}${endpoint.path.replace(/:(\w+)/g, "{$1}")}`;
    (paths[path] ??= {})[endpoint.method.toLowerCase()] = operation(endpoint);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "hoody-exec management API",
      version: VERSION,
      description:
        "Scripts, routes, magic comments, shared state and system control of a hoody-exec server. " +
        "Every call but health needs the admin token (Bearer or X-Admin-Token); without a configured token only loopback clients may call it.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { adminToken: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        adminToken: { type: "apiKey", in: "header", name: "X-Admin-Token" },
      },
      schemas: { Error: ERROR },
    },
    paths,
  };
}

export function toYaml(document: unknown): string {
  return stringify(document, { aliasDuplicateObjects: false });
}
