/**
 * One management endpoint = one plain record: method, path, CLI name, zod input, handler. The hono
 * app, the OpenAPI document and the CLI are all built from the same list, so they cannot drift.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { ManagementContext } from "./context.ts";
import type { ManagementEnv } from "./env.ts";
import { validationError } from "./errors.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface Endpoint<S extends z.ZodObject = z.ZodObject> {
  method: HttpMethod;
  /** Below /api/v1/exec, e.g. "/scripts/read". */
  path: string;
  /** CLI: `hoody-exec <group> <verb>`. */
  cli: { group: string; verb: string; positional?: string };
  summary: string;
  /** Query (GET/DELETE) or JSON body merged with the query (the query wins, SPEC §17). */
  input: S;
  /** Destructive: the CLI asks before sending unless `-y` (the API itself wants confirm=true). */
  destructive?: boolean;
  /** No admin token needed (health). */
  open?: boolean;
  /** Not JSON (openapi.yaml). */
  raw?: true;
  handler(input: z.output<S>, c: Context<ManagementEnv>): unknown;
}

/** Identity helper: keeps the input type flowing into the handler. */
export function defineEndpoint<S extends z.ZodObject>(endpoint: Endpoint<S>): Endpoint {
  return endpoint as unknown as Endpoint;
}

export type EndpointFactory = (context: ManagementContext) => Endpoint[];

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

/** Query strings become the types the schema declares (`?confirm=true` -> true). */
function coerceQuery(endpoint: Endpoint, query: Record<string, string>): Record<string, unknown> {
  const types = fieldTypes(endpoint);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    const type = types[name];
    if (type === "boolean" && (value === "true" || value === "false")) out[name] = value === "true";
    else if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(value)) {
      out[name] = Number(value);
    } else if (type === "array") out[name] = value.split(",").filter((v) => v !== "");
    else out[name] = value;
  }
  return out;
}

async function readInput(endpoint: Endpoint, c: Context<ManagementEnv>): Promise<unknown> {
  const query = coerceQuery(endpoint, c.req.query());
  let body: unknown = {};
  if (endpoint.method === "POST" || endpoint.method === "PUT") {
    const text = await c.req.text();
    if (text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        throw validationError("body", "the request body is not valid JSON");
      }
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw validationError("body", "the request body must be a JSON object");
    }
  }
  const input: Record<string, unknown> = { ...(body as object), ...query };
  // SPEC §17 accepts both spellings of the instance.
  if (input.execId === undefined && input.exec_id !== undefined) input.execId = input.exec_id;
  delete input.exec_id;
  return input;
}

function describeIssue(issue: z.core.$ZodIssue): [string, string] {
  const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "body";
  return [field, issue.message];
}

/** Mounts every endpoint on one hono app, each input validated by its zod schema first. */
export function mountEndpoints(endpoints: readonly Endpoint[]): Hono<ManagementEnv> {
  const app = new Hono<ManagementEnv>();
  for (const endpoint of endpoints) {
    app.on(endpoint.method, endpoint.path, async (c) => {
      const parsed = endpoint.input.safeParse(await readInput(endpoint, c));
      if (!parsed.success) {
        const [field, message] = describeIssue(parsed.error.issues[0]!);
        throw validationError(field, message);
      }
      const result = await endpoint.handler(parsed.data, c);
      return result instanceof Response ? result : c.json(result as object);
    });
  }
  return app;
}
