/**
 * User OpenAPI (docs/openapi.md): the instance's scripts that have a schema file, as an OpenAPI
 * 3.0 document. These answer `{success, data, meta}` like the original API (SPEC §25), so its
 * client, which reads `data`, finds the document there; `spec?format=yaml` is the bare document.
 */
import { z } from "zod";
import { ServerError, validationError } from "../../runtime/errors.ts";
import { openApiPathOf } from "../../routing/openapi-path.ts";
import { getInstance } from "../context.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { toYaml } from "../openapi.ts";
import { execId } from "../schemas.ts";
import { isObject, type JsonObject } from "../user-openapi/companions.ts";
import { buildDocument } from "../user-openapi/build.ts";
import { DEFAULT_INFO, hasSchema, methodsOf, operationsOf } from "../user-openapi/document.ts";
import { MERGE_DEFAULTS, mergeDocuments } from "../user-openapi/merge.ts";
import { readUserScript, scanUserScripts, type UserScript } from "../user-openapi/scan.ts";
import { resolveFolder, resolveScript } from "../user-openapi/scope.ts";
import { singlePathDocument, validateDocument } from "../user-openapi/validate.ts";
import type { Instance } from "../../runtime/server/instances.ts";

const ok = (data: unknown, meta?: JsonObject) => ({
  success: true,
  data,
  ...(meta ? { meta } : {}),
});

const folder = z.string().max(4096).optional();
const patterns = z.array(z.string().min(1).max(512)).max(64).optional();
const text = (max: number) => z.string().max(max).optional();

const SCRIPT_FILE = "Script below the instance, e.g. api/users/[id].ts";
/** The script a call is about: `file`, or its alias `path` (as the original client sends it). */
const scriptInput = z.object({
  execId,
  file: z.string().min(1).max(4096).optional().describe(SCRIPT_FILE),
  path: z.string().min(1).max(4096).optional().describe("Alias of file"),
});

/** The script a schema/validate call names, read with its companions. */
async function scriptOf(
  instance: Instance,
  input: { file?: string; path?: string },
): Promise<UserScript> {
  const field = input.file !== undefined ? "file" : "path";
  const value = input.file ?? input.path;
  if (value === undefined) throw validationError("file", "file or path is required");
  const { route } = await resolveScript(instance, value, field);
  const script = await readUserScript(instance.dir, route);
  if (script.errors.length > 0) {
    throw new ServerError("BAD_REQUEST", `${script.errors.join("; ")}: fix the file`, {
      details: { field },
    });
  }
  return script;
}

const noSchema = (script: UserScript) =>
  new ServerError(
    "NOT_FOUND",
    `No schema file found for this script (${script.file}): add ${
      script.file.replace(/\.[^./]+$/, "")
    }.schema.json or .openapi.json beside it`,
  );

export const USER_OPENAPI_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    envelope: true,
    path: "/user-openapi/list",
    cli: { group: "scripts", verb: "list-user" },
    summary: "The instance's scripts, with their route and whether they have a schema file",
    input: z.object({
      execId,
      directory: folder.describe('Folder below the instance; "scripts" (default) is all of it'),
      dir: folder.describe("Alias of directory"),
    }),
    async handler(input, { context }) {
      const instance = getInstance(context, input.execId);
      const field = input.directory !== undefined ? "directory" : "dir";
      const where = await resolveFolder(instance, input.directory ?? input.dir, field);
      const scripts = await scanUserScripts(instance.dir, {
        dirs: [where.dir],
        recursive: true,
        include: [],
        exclude: [],
      });
      const items = scripts.map((script) => {
        const item: JsonObject = {
          path: script.file,
          routePath: script.route.pattern,
          hasSchema: hasSchema(script),
        };
        if (script.schemaFormat !== null) item.schemaFormat = script.schemaFormat;
        if (script.route.params.length > 0) item.pathParameters = [...script.route.params];
        if (hasSchema(script)) item.methods = methodsOf(script);
        if (script.errors.length > 0) item.errors = script.errors;
        return item;
      });
      return ok({
        directory: where.shown,
        totalScripts: items.length,
        withSchemas: scripts.filter(hasSchema).length,
        scripts: items,
      });
    },
  }),
  defineEndpoint({
    method: "POST",
    envelope: true,
    path: "/user-openapi/generate",
    cli: { group: "openapi", verb: "generate" },
    summary: "An OpenAPI 3.0 document of the scripts that have a schema file",
    input: z.object({
      execId,
      directory: folder.describe('Folder below the instance; "scripts" (default) is all of it'),
      directories: z.array(z.string().max(4096)).max(64).optional().describe(
        "Several folders instead of directory",
      ),
      recursive: z.boolean().default(true).describe("Descend into sub-folders"),
      includePatterns: patterns.describe("Only files matching one of these globs (api/**)"),
      excludePatterns: patterns.describe("Leave out files matching one of these globs"),
      title: text(200).describe(`info.title (default "${DEFAULT_INFO.title}")`),
      description: text(10_000).describe("info.description"),
      version: text(64).describe(`info.version (default "${DEFAULT_INFO.version}")`),
      baseUrl: z.string().max(2048).optional().describe("servers[0].url"),
    }),
    async handler(input, { context }) {
      const instance = getInstance(context, input.execId);
      const folders = input.directories !== undefined && input.directories.length > 0
        ? await Promise.all(
          input.directories.map((d, i) => resolveFolder(instance, d, `directories.${i}`)),
        )
        : [await resolveFolder(instance, input.directory, "directory")];
      const built = await buildDocument(instance.dir, folders, {
        recursive: input.recursive,
        include: input.includePatterns,
        exclude: input.excludePatterns,
        info: input,
      });
      return ok(built.document, built.meta);
    },
  }),
  defineEndpoint({
    method: "POST",
    envelope: true,
    path: "/user-openapi/merge",
    cli: { group: "openapi", verb: "merge" },
    summary: "One document from the scripts of several folders and OpenAPI documents you pass",
    input: z.object({
      execId,
      directories: z.array(z.string().max(4096)).max(64).optional().describe(
        'Folders whose scripts are documented ("scripts" = the whole instance)',
      ),
      specs: z.array(z.record(z.string(), z.unknown())).max(64).optional().describe(
        "OpenAPI documents to merge in",
      ),
      title: z.string().max(200).default(MERGE_DEFAULTS.title).describe("info.title"),
      version: z.string().max(64).default(MERGE_DEFAULTS.version).describe("info.version"),
      description: z.string().max(10_000).default(MERGE_DEFAULTS.description).describe(
        "info.description",
      ),
    }),
    async handler(input, { context }) {
      if ((input.directories?.length ?? 0) + (input.specs?.length ?? 0) === 0) {
        throw validationError("directories", "directories or specs is required: what to merge");
      }
      const documents: JsonObject[] = [];
      if (input.directories !== undefined && input.directories.length > 0) {
        const instance = getInstance(context, input.execId);
        for (const [i, d] of input.directories.entries()) {
          const where = await resolveFolder(instance, d, `directories.${i}`);
          documents.push((await buildDocument(instance.dir, [where])).document);
        }
      }
      for (const [i, spec] of (input.specs ?? []).entries()) {
        if (spec.paths !== undefined && !isObject(spec.paths)) {
          throw validationError(`specs.${i}.paths`, `specs.${i}.paths must be an object`);
        }
        documents.push(spec);
      }
      const merged = mergeDocuments(documents, input);
      return ok(merged.document, {
        totalPaths: merged.totalPaths,
        totalTags: merged.totalTags,
        mergedAt: new Date().toISOString(),
        conflicts: merged.conflicts,
      });
    },
  }),
  defineEndpoint({
    method: "GET",
    envelope: true,
    path: "/user-openapi/spec",
    cli: { group: "openapi", verb: "serve" },
    summary: "The generated document, built now (format=yaml: the bare YAML document)",
    input: z.object({
      execId,
      dir: folder.describe('Folder below the instance; "scripts" (default) is all of it'),
      directory: folder.describe("Alias of dir"),
      format: z.enum(["json", "yaml"]).default("json").describe("json (in data) or yaml (bare)"),
    }),
    async handler(input, { context }) {
      const instance = getInstance(context, input.execId);
      const field = input.directory !== undefined ? "directory" : "dir";
      const where = await resolveFolder(instance, input.directory ?? input.dir, field);
      const built = await buildDocument(instance.dir, [where]);
      if (input.format === "yaml") {
        return new Response(toYaml(built.document), {
          headers: { "content-type": "application/yaml; charset=utf-8" },
        });
      }
      return ok(built.document, built.meta);
    },
  }),
  defineEndpoint({
    method: "GET",
    envelope: true,
    path: "/user-openapi/schema",
    cli: { group: "openapi", verb: "serve-schema", positional: "file" },
    summary: "A script's schema file as written (.schema.json, else .openapi.json)",
    input: scriptInput,
    async handler(input, { context }) {
      const script = await scriptOf(getInstance(context, input.execId), input);
      const base = script.file.replace(/\.[^./]+$/, "");
      if (script.schema !== null) {
        return ok(script.schemaRaw, {
          file: script.file,
          schemaFile: `${base}.schema.json`,
          format: "json-schema",
        });
      }
      if (script.openapi !== null) {
        return ok(script.openapi, {
          file: script.file,
          schemaFile: `${base}.openapi.json`,
          format: "openapi-json",
        });
      }
      throw noSchema(script);
    },
  }),
  defineEndpoint({
    method: "POST",
    envelope: true,
    path: "/user-openapi/validate",
    cli: { group: "validate", verb: "user-schema", positional: "file" },
    summary: "Checks a script's .openapi.json (else .schema.json) as the operation it documents",
    input: scriptInput,
    async handler(input, { context }) {
      const script = await scriptOf(getInstance(context, input.execId), input);
      if (!hasSchema(script)) throw noSchema(script);
      const path = openApiPathOf(script.file)!;
      const check = await validateDocument(
        singlePathDocument(path.template, operationsOf(script, path)),
      );
      const format = script.schemaFormat!;
      const base = script.file.replace(/\.[^./]+$/, "");
      return {
        success: true,
        data: {
          file: script.file,
          schemaFile: `${base}.${format === "openapi-json" ? "openapi" : "schema"}.json`,
          format,
          valid: check.valid,
          parsed: format === "openapi-json" ? script.openapi : script.schemaRaw,
        },
        ...(check.valid ? {} : { errors: check.errors }),
      };
    },
  }),
];
