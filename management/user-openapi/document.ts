/**
 * User scripts -> one OpenAPI 3.0 document (docs/openapi.md). Pure: the scripts come in already
 * read (scan.ts). Each script with a schema becomes one operation per method, on the path template
 * routing/openapi-path.ts makes of its file; its magic comments and `.md` give the text, its
 * `.schema.json` the request and response, and its `.openapi.json` is merged over the result.
 */
import { type OpenApiPath, openApiPathOf, type PathParamKind } from "../../routing/openapi-path.ts";
import { isObject, type JsonObject, type ScriptSchema, sidecarMethods } from "./companions.ts";

export const OPENAPI_VERSION = "3.0.3";

/** One script as the builder needs it. */
export interface ScriptEntry {
  /** Relative to the instance, e.g. `api/users/[id].ts`. */
  file: string;
  description: string | null;
  label: string | null;
  tags: string[];
  markdown: string | null;
  schema: ScriptSchema | null;
  openapi: JsonObject | null;
}

export interface DocumentInfo {
  title?: string;
  description?: string;
  version?: string;
  baseUrl?: string;
}

export interface BuiltDocument {
  document: JsonObject;
  /** Scripts left out or operations dropped, each naming the file and why. */
  warnings: string[];
}

export const DEFAULT_INFO = {
  title: "User scripts API",
  version: "1.0.0",
  description: "Endpoints generated from the scripts that have a schema file",
};

const PARAM_TEXT: Record<PathParamKind, string> = {
  "dynamic": "One path segment",
  "catchall": "Catch-all: one or more path segments, joined by / (the script gets them as a list)",
  "optional-catchall":
    "Optional catch-all: zero or more path segments, joined by / (the path also answers without it)",
};

const QUERY_METHODS = new Set(["GET", "DELETE", "HEAD", "OPTIONS", "TRACE"]);

/** A script shows in the document when it has a schema or an OpenAPI sidecar. */
export const hasSchema = (entry: ScriptEntry): boolean =>
  entry.schema !== null || entry.openapi !== null;

/** Methods: the sidecar's path-item keys, else the schema file's, else POST (SPEC §2). */
export function methodsOf(entry: ScriptEntry): string[] {
  const fromSidecar = sidecarMethods(entry.openapi);
  if (fromSidecar.length > 0) return fromSidecar;
  if (entry.schema !== null && entry.schema.methods.length > 0) return entry.schema.methods;
  return ["POST"];
}

/** `post` + `api/users/[id].ts` -> `post_api_users_id`: unique per file and method. */
export function operationIdOf(method: string, file: string): string {
  const stem = file.replace(/\.[^./]+$/, "").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return `${method.toLowerCase()}_${stem === "" ? "index" : stem}`;
}

/** A JSON Schema object's properties as query parameters. */
function queryParameters(schema: JsonObject): JsonObject[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  return Object.entries(properties).map(([name, property]) => {
    const param: JsonObject = {
      name,
      in: "query",
      required: required.includes(name),
      schema: isObject(property) ? property : {},
    };
    if (isObject(property) && typeof property.description === "string") {
      param.description = property.description;
    }
    return param;
  });
}

/** A user's JSON Schema as an OpenAPI 3.0 schema object: the dialect keywords go. */
export function toSchemaObject(schema: JsonObject): JsonObject {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function baseOperation(entry: ScriptEntry, method: string, path: OpenApiPath): JsonObject {
  const descriptionParts = [entry.description, entry.markdown?.trim()].filter((t) => !!t);
  const op: JsonObject = {
    operationId: operationIdOf(method, entry.file),
    summary: entry.label ?? entry.description ?? path.template,
  };
  if (descriptionParts.length > 0) op.description = descriptionParts.join("\n\n");
  if (entry.tags.length > 0) op.tags = [...entry.tags];
  const parameters: JsonObject[] = path.params.map((param) => ({
    name: param.name,
    in: "path",
    // OpenAPI wants every path parameter required; the description says when it may be empty.
    required: true,
    description: PARAM_TEXT[param.kind],
    schema: { type: "string" },
  }));
  const request = entry.schema?.request ?? null;
  if (request !== null && QUERY_METHODS.has(method)) parameters.push(...queryParameters(request));
  if (parameters.length > 0) op.parameters = parameters;
  if (request !== null && !QUERY_METHODS.has(method)) {
    op.requestBody = {
      required: Array.isArray(request.required) && request.required.length > 0,
      content: { "application/json": { schema: toSchemaObject(request) } },
    };
  }
  const response = entry.schema?.response ?? null;
  op.responses = {
    "200": response === null ? { description: "The script's answer" } : {
      description: "The script's answer",
      content: { "application/json": { schema: toSchemaObject(response) } },
    },
  };
  op["x-hoody-script"] = entry.file;
  return op;
}

/** Objects merge key by key (the override wins); anything else is replaced. */
export function deepMerge(base: JsonObject, override: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (key === "__proto__") continue;
    out[key] = isObject(value) && isObject(out[key])
      ? deepMerge(out[key] as JsonObject, value)
      : value;
  }
  return out;
}

/** The operations of one script by lower-case method, sidecar merged in. */
export function operationsOf(entry: ScriptEntry, path: OpenApiPath): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  const pathItem = sidecarMethods(entry.openapi).length > 0;
  for (const method of methodsOf(entry)) {
    const key = method.toLowerCase();
    let op = baseOperation(entry, method, path);
    if (entry.openapi !== null) {
      const override = pathItem ? entry.openapi[key] as JsonObject : entry.openapi;
      op = deepMerge(op, override);
    }
    out[key] = op;
  }
  return out;
}

/** The document for `entries` (those without a schema are left out). */
export function createUserDocument(
  entries: readonly ScriptEntry[],
  info: DocumentInfo = {},
): BuiltDocument {
  const paths: Record<string, JsonObject> = {};
  const tags = new Set<string>();
  const warnings: string[] = [];
  for (const entry of entries) {
    if (!hasSchema(entry)) continue;
    const path = openApiPathOf(entry.file);
    if (path === null) {
      warnings.push(`${entry.file}: not a route, left out`);
      continue;
    }
    const item = paths[path.template] ??= {};
    for (const [method, op] of Object.entries(operationsOf(entry, path))) {
      if (item[method] !== undefined) {
        const first = (item[method] as JsonObject)["x-hoody-script"];
        warnings.push(
          `${entry.file}: ${method.toUpperCase()} ${path.template} is already ${first}, left out`,
        );
        continue;
      }
      item[method] = op;
      if (Array.isArray(op.tags)) { for (const tag of op.tags) tags.add(String(tag)); }
    }
  }
  const document: JsonObject = {
    openapi: OPENAPI_VERSION,
    info: {
      title: info.title ?? DEFAULT_INFO.title,
      version: info.version ?? DEFAULT_INFO.version,
      description: info.description ?? DEFAULT_INFO.description,
    },
  };
  if (info.baseUrl !== undefined) document.servers = [{ url: info.baseUrl }];
  if (tags.size > 0) document.tags = [...tags].sort().map((name) => ({ name }));
  document.paths = paths;
  return { document, warnings };
}
