/**
 * One management endpoint = one plain record: method, path, CLI name, zod input, handler. The hono
 * app, the OpenAPI document and the CLI are all built from the same list, so they cannot drift.
 * A record holds no server: its handler is handed the context when the app is mounted.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { ManagementContext } from "./context.ts";
import type { ManagementEnv } from "./env.ts";
import { validationError } from "../runtime/errors.ts";
import { checkSubdomain, subdomain } from "./subdomain.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** What a handler gets beside its input: the running server and the hono request. */
export interface HandlerScope {
  context: ManagementContext;
  c: Context<ManagementEnv>;
}

/** How the CLI calls an endpoint beyond one flag per input field. */
export interface CliSpec {
  group: string;
  verb: string;
  /** An input field also taken as the first argument. */
  positional?: string;
  /**
   * Further command paths for the same call, as the original `hoody exec` CLI names them
   * ("health", "packages json read").
   */
  aliases?: readonly string[];
  /** `--<field>-file <file>` reads this input field from a local file (- for stdin). */
  fileFlag?: string;
  /** The answer is a 202 job: the CLI polls this endpoint with its `jobId` until it ends. */
  follow?: string;
  /** The answer is Server-Sent Events: the CLI prints each event's line as it comes. */
  stream?: boolean;
}

export interface Endpoint<S extends z.ZodObject = z.ZodObject> {
  method: HttpMethod;
  /** Below /api/v1/exec, e.g. "/scripts/read". */
  path: string;
  /** CLI: `hoody-exec <group> <verb>`. */
  cli: CliSpec;
  summary: string;
  /** Query (GET/DELETE) or JSON body merged with the query (the query wins). */
  input: S;
  /** Destructive: the CLI asks before sending unless `-y` (the API itself wants confirm=true). */
  destructive?: boolean;
  /** No admin token needed (health). */
  open?: boolean;
  /** Not JSON (openapi.yaml). */
  raw?: true;
  handler(input: z.output<S>, scope: HandlerScope): unknown;
}

/** Identity helper: keeps the input type flowing into the handler. */
export function defineEndpoint<S extends z.ZodObject>(endpoint: Endpoint<S>): Endpoint {
  return endpoint as unknown as Endpoint;
}

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema> };

/** The input's JSON Schema (request side), cached: drives query coercion, OpenAPI and the CLI. */
const schemas = new WeakMap<z.ZodObject, JsonSchema>();
export function inputSchema(endpoint: Endpoint): Record<string, unknown> {
  let schema = schemas.get(endpoint.input);
  if (!schema) {
    schema = z.toJSONSchema(endpoint.input, { io: "input", unrepresentable: "any" }) as JsonSchema;
    delete (schema as Record<string, unknown>).$schema;
    schemas.set(endpoint.input, schema);
  }
  return schema as Record<string, unknown>;
}

/** The JSON type of each input field ("string", "boolean", "integer", "array", "object", "any"). */
export function fieldTypes(endpoint: Endpoint): Record<string, string> {
  const properties = (inputSchema(endpoint) as JsonSchema).properties ?? {};
  const out: Record<string, string> = {};
  for (const [name, field] of Object.entries(properties)) {
    out[name] = typeof field.type === "string" ? field.type : "any";
  }
  return out;
}

/**
 * Query strings become the types the schema declares (`?confirm=true` -> true). An empty value
 * means "no constraint" and counts as absent: clients send every filter, set or not
 * (`scripts/list?label=&mode=`).
 */
function coerceQuery(endpoint: Endpoint, query: Record<string, string>): Record<string, unknown> {
  const types = fieldTypes(endpoint);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === "") continue;
    const type = types[name];
    if (type === "boolean" && (value === "true" || value === "false")) out[name] = value === "true";
    else if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(value)) {
      out[name] = Number(value);
    } else if (type === "array") out[name] = value.split(",").filter((v) => v !== "");
    else out[name] = value;
  }
  return out;
}

async function readInput(
  endpoint: Endpoint,
  c: Context<ManagementEnv>,
): Promise<Record<string, unknown>> {
  const query = coerceQuery(endpoint, c.req.query());
  let body: unknown = {};
  if (endpoint.method === "POST" || endpoint.method === "PUT") {
    const text = await c.req.text();
    if (text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        throw validationError("body", "Invalid JSON in the request body");
      }
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw validationError("body", "The request body must be a JSON object");
    }
  }
  // Path parameters (`/sdk/:id`) win over the query and the body.
  const input: Record<string, unknown> = { ...(body as object), ...query, ...c.req.param() };
  // `execId` and `exec_id` both name the instance.
  if (input.execId === undefined && input.exec_id !== undefined) input.execId = input.exec_id;
  delete input.exec_id;
  return input;
}

const fieldOf = (path: readonly PropertyKey[] | undefined) =>
  path && path.length > 0 ? path.map(String).join(".") : "body";

/**
 * Messages for zod's own issues, naming the field in the sentence; a schema's own message (the
 * original API's bare texts: "Missing code in request body") takes precedence over these.
 */
const ISSUE_MESSAGES: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined) return `${fieldOf(issue.path)} is required`;
  const base = z.locales.en().localeError(issue);
  const text = typeof base === "string" ? base : base?.message;
  return text === undefined ? undefined : `${text} (${fieldOf(issue.path)})`;
};

/** Mounts every endpoint on one hono app, each input validated by its zod schema first. */
export function mountEndpoints(
  endpoints: readonly Endpoint[],
  context: ManagementContext,
): Hono<ManagementEnv> {
  const app = new Hono<ManagementEnv>();
  for (const endpoint of endpoints) {
    app.on(endpoint.method, endpoint.path, async (c) => {
      const input = await readInput(endpoint, c);
      checkSubdomain(input.subdomain);
      const parsed = endpoint.input.safeParse(input, { error: ISSUE_MESSAGES });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw validationError(fieldOf(issue.path), issue.message);
      }
      const result = await endpoint.handler(parsed.data, { context, c });
      return result instanceof Response ? result : c.json(result as object);
    });
  }
  return app;
}

/** The endpoint with `subdomain` among its inputs, so the OpenAPI document and the CLI show it. */
export function withSubdomain(endpoint: Endpoint): Endpoint {
  if ("subdomain" in endpoint.input.shape) return endpoint;
  return { ...endpoint, input: endpoint.input.extend({ subdomain }) };
}
