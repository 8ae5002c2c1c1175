/**
 * Written by hoody-exec SDK import as `_sdk/proxy.ts` of an imported instance (docs/sdk-import.md):
 * what every generated endpoint runs. It checks the caller's path parameters, query, headers and
 * JSON body against the operation's schemas (zod, built from the document's JSON Schemas), then
 * calls the upstream API with them through the `pre` and `post` hooks, and answers with the
 * upstream's response. Re-importing rewrites this file unless you edited it.
 */
import { z } from "zod";
import { DIALECT, UPSTREAM } from "./config.ts";
import { post, pre } from "./hooks.ts";

/** An operation as the document gives it, with its schemas resolved (no $ref). */
export interface Operation {
  operationId: string | null;
  /** The OpenAPI path template: `/pet/{petId}`. */
  path: string;
  parameters: {
    name: string;
    in: "path" | "query" | "header";
    required: boolean;
    schema: unknown;
  }[];
  body: { required: boolean; schema: unknown } | null;
}

/** What a hook is told about the call it wraps. */
export interface HookContext {
  operation: Operation;
  method: string;
  executionId: string;
}

interface Caller {
  req: {
    method: string;
    headers: Record<string, string>;
    query: Record<string, unknown>;
    body: unknown;
  };
  res: { status(code: number): unknown; setHeader(name: string, value: string): unknown };
  metadata: { parameters: Record<string, unknown>; url: string; executionId: string };
}

interface Issue {
  in: string;
  name: string;
  message: string;
}

const schemas = new WeakMap<object, z.ZodType>();

function zodOf(schema: unknown): z.ZodType {
  if (schema === null || typeof schema !== "object") return z.any();
  let built = schemas.get(schema);
  if (!built) {
    built = z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema, { defaultTarget: DIALECT });
    schemas.set(schema, built);
  }
  return built;
}

const typeOf = (schema: unknown): unknown =>
  schema !== null && typeof schema === "object" ? (schema as { type?: unknown }).type : undefined;

/** A path, query or header value is text: it takes the type its schema declares. */
function coerce(value: unknown, schema: unknown): unknown {
  const type = typeOf(schema);
  if (type === "array") {
    const items = (schema as { items?: unknown }).items;
    const list = Array.isArray(value) ? value : String(value).split(",");
    return list.map((item) => coerce(item, items));
  }
  if (Array.isArray(value)) return coerce(value[value.length - 1], schema);
  if (
    (type === "integer" || type === "number") &&
    /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(String(value))
  ) {
    return Number(value);
  }
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

function check(issues: Issue[], where: string, name: string, schema: unknown, value: unknown) {
  const result = zodOf(schema).safeParse(value);
  if (result.success) return;
  for (const issue of result.error.issues.slice(0, 5)) {
    const at = issue.path.length > 0 ? `${name}.${issue.path.join(".")}` : name;
    issues.push({ in: where, name: at, message: issue.message });
  }
}

function rawParameter(p: Operation["parameters"][number], { req, metadata }: Caller): unknown {
  if (p.in === "path") return metadata.parameters[p.name];
  if (p.in === "query") return req.query[p.name];
  return req.headers[p.name.toLowerCase()];
}

const isJson = (type: string) => type === "" || /^application\/(.+\+)?json\b/i.test(type);

function bodyOf(req: Caller["req"]): { body: BodyInit | undefined; type: string } {
  const type = req.headers["content-type"] ?? "";
  const value = req.body;
  if (value === undefined) return { body: undefined, type };
  if (typeof value === "string") return { body: value, type };
  if (value instanceof Uint8Array) return { body: value as Uint8Array<ArrayBuffer>, type };
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) {
    const form = new URLSearchParams();
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      for (const one of [item].flat()) form.append(key, String(one));
    }
    return { body: form, type };
  }
  return { body: JSON.stringify(value), type: "application/json" };
}

// Headers that describe one hop or an encoding fetch has already undone.
const HOP_HEADERS = [
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-encoding",
  "content-length",
];

/** Runs one of the operations a generated endpoint holds, keyed by method. */
export async function proxy(
  operations: Record<string, Operation>,
  req: Caller["req"],
  res: Caller["res"],
  metadata: Caller["metadata"],
): Promise<unknown> {
  const caller: Caller = { req, res, metadata };
  const operation = operations[req.method];
  if (!operation) {
    res.status(405);
    res.setHeader("allow", Object.keys(operations).join(", "));
    return {
      error: `${req.method} is not an operation of this endpoint; use ${
        Object.keys(operations).join(", ")
      }`,
      code: "METHOD_NOT_ALLOWED",
    };
  }
  // 1. The caller's input, checked against the operation's schemas.
  const issues: Issue[] = [];
  for (const p of operation.parameters) {
    const raw = rawParameter(p, caller);
    if (raw === undefined || raw === "") {
      if (p.required) issues.push({ in: p.in, name: p.name, message: "is required" });
      continue;
    }
    check(issues, p.in, p.name, p.schema, coerce(raw, p.schema));
  }
  const contentType = req.headers["content-type"] ?? "";
  if (operation.body) {
    if (req.body === undefined) {
      if (operation.body.required) {
        issues.push({ in: "body", name: "body", message: "is required" });
      }
    } else if (isJson(contentType)) check(issues, "body", "body", operation.body.schema, req.body);
  }
  if (issues.length > 0) {
    res.status(400);
    return {
      error: `Invalid input for ${operation.operationId ?? operation.path}: ` +
        issues.map((i) => `${i.in} ${i.name} ${i.message}`).join("; "),
      code: "VALIDATION_ERROR",
      issues,
    };
  }
  // 2. The upstream request: path parameters in the template, the caller's query string.
  const path = operation.path.replace(
    /\{([^}]+)\}/g,
    (_, name: string) => encodeURIComponent(String(metadata.parameters[name] ?? "")),
  );
  const url = new URL(UPSTREAM + path);
  url.search = new URL(metadata.url).search;
  // `?token=` may be this endpoint's own @token credential: it stays here unless the operation
  // itself takes a `token` query parameter.
  if (!operation.parameters.some((p) => p.in === "query" && p.name === "token")) {
    url.searchParams.delete("token");
  }
  const headers = new Headers();
  for (const p of operation.parameters) {
    const value = req.headers[p.name.toLowerCase()];
    if (p.in === "header" && value !== undefined) headers.set(p.name, value);
  }
  if (req.headers.accept) headers.set("accept", req.headers.accept);
  const { body, type } = req.method === "GET" || req.method === "HEAD"
    ? { body: undefined, type: "" }
    : bodyOf(req);
  if (body !== undefined && type !== "") headers.set("content-type", type);
  let request = new Request(url, { method: req.method, headers, body });
  // 3. pre may change the request, or answer instead of the upstream.
  const context: HookContext = { operation, method: req.method, executionId: metadata.executionId };
  if (pre) {
    const changed = await pre(request, context);
    if (changed instanceof Response) return changed;
    if (changed instanceof Request) request = changed;
  }
  const upstream = await fetch(request);
  const replyHeaders = new Headers(upstream.headers);
  for (const name of HOP_HEADERS) replyHeaders.delete(name);
  const reply = new Response(upstream.body, { status: upstream.status, headers: replyHeaders });
  // 4. post may replace the answer.
  if (post) {
    const replaced = await post(reply, context);
    if (replaced !== undefined) return replaced;
  }
  return reply;
}
