/**
 * A script's companion files, read the way the OpenAPI builder wants them (docs/openapi.md):
 * `<name>.schema.json` (request/response JSON Schema), `<name>.openapi.json` (an OpenAPI operation
 * or path item merged over the generated one) and `<name>.md` (the long description). Parsing is
 * pure; `readCompanions` is the only disk access.
 */
import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
export type HttpMethodName = (typeof HTTP_METHODS)[number];

/** A companion file larger than this is refused: it would be read on every generate. */
export const MAX_COMPANION_BYTES = 1024 * 1024;

export type SchemaFormat = "json-schema" | "openapi-json";

export type JsonObject = Record<string, unknown>;

/** What `<name>.schema.json` declares, resolved. */
export interface ScriptSchema {
  /** Upper-case; empty when the file names none. */
  methods: string[];
  /** JSON Schema of the request: the JSON body, or the query parameters of GET/DELETE/HEAD. */
  request: JsonObject | null;
  /** JSON Schema of the 200 answer. */
  response: JsonObject | null;
}

/** The companion files found beside one script; a broken one is an `error` naming it. */
export interface Companions {
  schema: ScriptSchema | null;
  /** `<name>.schema.json` as written (served by user-openapi/schema). */
  schemaRaw: unknown;
  openapi: JsonObject | null;
  markdown: string | null;
  errors: string[];
}

const STRUCTURED_KEYS = ["request", "response", "method", "methods"];

export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** `api/users/[id].ts` -> `api/users/[id]`. */
export function companionBase(file: string): string {
  const slash = file.lastIndexOf("/");
  const dot = file.lastIndexOf(".");
  return dot > slash + 1 ? file.slice(0, dot) : file;
}

/**
 * `<name>.schema.json` is either `{method?, methods?, request?, response?}` or, when it has none of
 * those keys, one JSON Schema: the request's. Throws a message naming what to fix.
 */
export function parseSchemaFile(value: unknown): ScriptSchema {
  if (!isObject(value)) {
    throw new Error("must be a JSON object (a JSON Schema or {request, response})");
  }
  if (!STRUCTURED_KEYS.some((key) => key in value)) {
    return { methods: [], request: value, response: null };
  }
  const methods = parseMethods(value.methods ?? (value.method === undefined ? [] : [value.method]));
  for (const key of ["request", "response"] as const) {
    if (value[key] !== undefined && !isObject(value[key])) {
      throw new Error(`"${key}" must be a JSON Schema object`);
    }
  }
  return {
    methods,
    request: (value.request as JsonObject | undefined) ?? null,
    response: (value.response as JsonObject | undefined) ?? null,
  };
}

function parseMethods(value: unknown): string[] {
  if (!Array.isArray(value)) throw new Error('"methods" must be a list such as ["GET", "POST"]');
  const out: string[] = [];
  for (const method of value) {
    if (typeof method !== "string" || !HTTP_METHODS.includes(method.toLowerCase())) {
      throw new Error(
        `${JSON.stringify(method)} is not an HTTP method (${HTTP_METHODS.join(", ")})`,
      );
    }
    if (!out.includes(method.toUpperCase())) out.push(method.toUpperCase());
  }
  return out;
}

/** `<name>.openapi.json`: an operation object, or a path item whose method keys pick the methods. */
export function parseOpenApiFile(value: unknown): JsonObject {
  if (!isObject(value)) {
    throw new Error("must be a JSON object: an OpenAPI operation, or {get: {...}, post: {...}}");
  }
  for (const method of HTTP_METHODS) {
    if (value[method] !== undefined && !isObject(value[method])) {
      throw new Error(`"${method}" must be an OpenAPI operation object`);
    }
  }
  return value;
}

/** The sidecar's own methods when it is a path item (`{get: {...}}`), upper-case. */
export function sidecarMethods(openapi: JsonObject | null): string[] {
  if (openapi === null) return [];
  return HTTP_METHODS.filter((m) => isObject(openapi[m])).map((m) => m.toUpperCase());
}

/** JSON text -> value; the message names the file. */
export function parseJsonText(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The text of a regular file, null when there is none. A symlink is not followed (it could lead
 * out of the instance) and a file over MAX_COMPANION_BYTES is refused.
 */
export async function readCompanionText(abs: string, name: string): Promise<string | null> {
  const stat = await lstat(abs).catch(() => null);
  if (stat === null || !stat.isFile()) return null;
  if (stat.size > MAX_COMPANION_BYTES) {
    throw new Error(`${name} is larger than ${MAX_COMPANION_BYTES} bytes`);
  }
  return await readFile(abs, "utf8");
}

/** Reads the companions of `file` (relative to `instanceDir`); problems land in `errors`. */
export async function readCompanions(instanceDir: string, file: string): Promise<Companions> {
  const base = companionBase(file);
  const out: Companions = {
    schema: null,
    schemaRaw: null,
    openapi: null,
    markdown: null,
    errors: [],
  };
  const load = async <T>(suffix: string, parse: (value: unknown) => T): Promise<T | null> => {
    const name = `${base}${suffix}`;
    try {
      const text = await readCompanionText(join(instanceDir, name), name);
      if (text === null) return null;
      return parse(parseJsonText(text, name));
    } catch (error) {
      const message = (error as Error).message;
      out.errors.push(message.startsWith(name) ? message : `${name} ${message}`);
      return null;
    }
  };
  out.schema = await load(".schema.json", (value) => {
    out.schemaRaw = value;
    return parseSchemaFile(value);
  });
  out.openapi = await load(".openapi.json", parseOpenApiFile);
  try {
    out.markdown = await readCompanionText(join(instanceDir, `${base}.md`), `${base}.md`);
  } catch (error) {
    out.errors.push((error as Error).message);
  }
  return out;
}
