/**
 * An imported API's document, from text to the list of operations SDK import generates scripts
 * for (docs/sdk-import.md): parse (JSON or YAML) -> validate (OpenAPI 3.0/3.1, Swagger 2.0, with
 * @seriousme/openapi-schema-validator) -> resolve $refs -> one `SdkOperation` per path and method,
 * with each parameter's and the JSON body's schema as plain JSON.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ServerError, validationError } from "../../runtime/errors.ts";

export const MAX_OPERATIONS = 500;

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** Which JSON Schema dialect the document's schemas are written in (for z.fromJSONSchema). */
export type SchemaDialect = "openapi-3.0" | "draft-2020-12" | "draft-4";

export interface SdkParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: unknown;
}

export interface SdkOperation {
  method: string;
  /** The OpenAPI path template, `/pet/{petId}`. */
  path: string;
  operationId: string | null;
  summary: string | null;
  parameters: SdkParameter[];
  /** The JSON request body's schema; null when the operation takes no JSON body. */
  body: { required: boolean; schema: unknown } | null;
}

export interface SdkApi {
  title: string;
  /** The OpenAPI version the validator recognised ("3.0", "3.1", "2.0"). */
  version: string;
  dialect: SchemaDialect;
  /** The base URL calls go to: the first server, resolved against the document's URL. */
  upstream: string;
  operations: SdkOperation[];
  /** What was left out, and why (a cyclic schema, an unsupported parameter). */
  warnings: string[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The document's text as data: JSON when it parses as JSON, else YAML. */
export function parseDocument(text: string): Json {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    try {
      data = parseYaml(text, { maxAliasCount: 1000 });
    } catch (error) {
      throw validationError(
        "source_url",
        `The document at source_url is neither JSON nor YAML: ${(error as Error).message}`,
      );
    }
  }
  if (!isObject(data)) {
    throw validationError("source_url", "The document at source_url is not an OpenAPI object");
  }
  return data;
}

/** Validates the document against its OpenAPI version's schema and resolves every $ref. */
export async function resolveDocument(
  document: Json,
): Promise<{ resolved: Json; version: string }> {
  const validator = new Validator({ strict: false });
  const result = await validator.validate(document);
  if (!result.valid) {
    const errors = Array.isArray(result.errors)
      ? result.errors.slice(0, 3).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`.trim())
      : [String(result.errors)];
    throw new ServerError(
      "VALIDATION_ERROR",
      `The document at source_url is not a valid OpenAPI 2.0/3.x document: ${errors.join("; ")}`,
      { details: { field: "source_url", errors } },
    );
  }
  return { resolved: validator.resolveRefs() as Json, version: validator.version };
}

/**
 * A resolved schema as plain JSON: resolving a recursive schema ($ref to itself) makes a cyclic
 * object, whose inner repeat is cut to `{}` (anything) with a warning.
 */
function toPlain(value: unknown, where: string, warnings: string[], seen = new Set<object>()) {
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) {
    warnings.push(`${where}: a recursive schema is checked only to its first repeat`);
    return {};
  }
  seen.add(value);
  const out: unknown = Array.isArray(value)
    ? value.map((v) => toPlain(v, where, warnings, seen))
    : Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, toPlain(v, where, warnings, seen)]),
    );
  seen.delete(value);
  return out;
}

/**
 * A schema the generated scripts can build with `z.fromJSONSchema`: one zod cannot read becomes
 * `{}` (anything), with a warning, so that no generated script fails on its first request.
 */
function checkedSchema(
  value: unknown,
  dialect: SchemaDialect,
  where: string,
  warnings: string[],
): unknown {
  const schema = toPlain(value, where, warnings);
  try {
    z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema, { defaultTarget: dialect });
    return schema;
  } catch (error) {
    warnings.push(`${where}: a schema is not checked (${(error as Error).message})`);
    return {};
  }
}

/** The base URL of a 3.x document's first server, or of a 2.0 document's host and basePath. */
function upstreamOf(doc: Json, sourceUrl: string): string {
  let base: string;
  if (typeof doc.swagger === "string") {
    const scheme = Array.isArray(doc.schemes) && typeof doc.schemes[0] === "string"
      ? doc.schemes[0]
      : new URL(sourceUrl).protocol.slice(0, -1);
    const host = typeof doc.host === "string" ? doc.host : new URL(sourceUrl).host;
    base = `${scheme}://${host}${typeof doc.basePath === "string" ? doc.basePath : ""}`;
  } else {
    const server = Array.isArray(doc.servers) && isObject(doc.servers[0]) ? doc.servers[0] : {};
    let url = typeof server.url === "string" ? server.url : "/";
    // Server variables take their defaults.
    const variables = isObject(server.variables) ? server.variables : {};
    url = url.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const variable = variables[name];
      return isObject(variable) && typeof variable.default === "string" ? variable.default : "";
    });
    base = url;
  }
  const resolved = new URL(base, sourceUrl);
  if (resolved.protocol !== "http:" && resolved.protocol !== "https:") {
    throw validationError("source_url", `The document's server ${base} is not an http(s) URL`);
  }
  return resolved.href.replace(/\/+$/, "");
}

/** A 2.0 parameter's schema is its own fields (type, items, enum, format...). */
function parameterSchema(parameter: Json, swagger: boolean): unknown {
  if (!swagger || parameter.schema !== undefined) return parameter.schema ?? {};
  const { name: _n, in: _i, required: _r, description: _d, ...schema } = parameter;
  return schema;
}

function jsonBodyOf(operation: Json, parameters: Json[], swagger: boolean) {
  if (swagger) {
    const body = parameters.find((p) => p.in === "body");
    return body ? { required: body.required === true, schema: body.schema ?? {} } : null;
  }
  const requestBody = isObject(operation.requestBody) ? operation.requestBody : null;
  const content = requestBody && isObject(requestBody.content) ? requestBody.content : {};
  const type = Object.keys(content).find((t) => /^application\/(.+\+)?json\b/i.test(t));
  if (type === undefined) return null;
  const media = content[type];
  return {
    required: requestBody?.required === true,
    schema: isObject(media) && media.schema !== undefined ? media.schema : {},
  };
}

/** Every operation of a resolved document, in document order; more than MAX_OPERATIONS is refused. */
export function toSdkApi(doc: Json, version: string, sourceUrl: string): SdkApi {
  const swagger = version.startsWith("2");
  const dialect: SchemaDialect = swagger
    ? "draft-4"
    : version.startsWith("3.0")
    ? "openapi-3.0"
    : "draft-2020-12";
  const warnings: string[] = [];
  const operations: SdkOperation[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters.filter(isObject) : [];
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const where = `${method.toUpperCase()} ${path}`;
      // An operation's own parameter replaces a path-level one of the same name and place.
      const own = Array.isArray(operation.parameters) ? operation.parameters.filter(isObject) : [];
      const merged = [
        ...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)),
        ...own,
      ];
      const parameters: SdkParameter[] = [];
      for (const p of merged) {
        if (p.in !== "path" && p.in !== "query" && p.in !== "header") continue;
        if (typeof p.name !== "string") continue;
        parameters.push({
          name: p.name,
          in: p.in,
          required: p.in === "path" || p.required === true,
          schema: checkedSchema(parameterSchema(p, swagger), dialect, where, warnings),
        });
      }
      const body = jsonBodyOf(operation, merged, swagger);
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: typeof operation.operationId === "string" ? operation.operationId : null,
        summary: typeof operation.summary === "string" ? operation.summary : null,
        parameters,
        body: body && {
          required: body.required,
          schema: checkedSchema(body.schema, dialect, where, warnings),
        },
      });
      if (operations.length > MAX_OPERATIONS) {
        throw new ServerError(
          "PAYLOAD_TOO_LARGE",
          `The document has more than ${MAX_OPERATIONS} operations; import a smaller document`,
        );
      }
    }
  }
  if (operations.length === 0) {
    throw validationError("source_url", "The document at source_url has no operations to import");
  }
  const info = isObject(doc.info) ? doc.info : {};
  return {
    title: typeof info.title === "string" ? info.title : "API",
    version,
    dialect,
    upstream: upstreamOf(doc, sourceUrl),
    operations,
    warnings: [...new Set(warnings)],
  };
}
