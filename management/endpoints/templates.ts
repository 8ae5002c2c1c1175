/**
 * Templates (docs/templates.md): list, preview and generate from the built-in and custom ones, and
 * create, update and delete custom ones. A generated script is saved through the one activation
 * path (management/activate.ts), so a template that does not compile is refused like any write.
 */
import { z } from "zod";
import { join } from "node:path";
import { isValidInstanceId } from "../../routing/instance.ts";
import { ServerError, validationError } from "../../runtime/errors.ts";
import { activateFile } from "../activate.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { statOrNull } from "../listing.ts";
import { parseRelativePath } from "../paths.ts";
import { execId, scriptPath } from "../schemas.ts";
import { getTemplate, listTemplates, renderTemplate } from "../templates/catalog.ts";
import {
  createCustomTemplate,
  deleteCustomTemplate,
  updateCustomTemplate,
} from "../templates/manage.ts";
import { PARAM_NAME, toWireMetadata } from "../templates/metadata.ts";

const name = z.string().min(1).max(64).describe("Template name (templates/list shows them)");
const variables = z.record(z.string(), z.unknown()).default({}).describe(
  "Values for the template's params, by name",
);

const paramInput = z.union([
  z.string().regex(PARAM_NAME),
  z.object({
    name: z.string().regex(PARAM_NAME),
    description: z.string().max(1000).optional(),
    required: z.boolean().optional(),
    default: z.string().max(10_000).optional(),
  }),
]);

/** What a caller may set; unknown keys are dropped (SPEC §15). */
const metadata = z.object({
  description: z.string().max(1000).optional(),
  category: z.string().min(1).max(64).optional(),
  tags: z.array(z.string().max(64)).max(32).optional(),
  version: z.string().max(32).optional(),
  author: z.string().max(128).optional(),
  outputPath: z.string().min(1).max(512).optional().describe(
    "Where hoody-exec init saves it, below the instance",
  ),
  params: z.array(paramInput).max(64).optional().describe(
    "Param names, or {name, description, required, default}; placeholders not listed are required",
  ),
});

/** `variables` in a query: a JSON object as text. */
function parseVariables(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw validationError("variables", 'variables must be a JSON object, e.g. {"path":"/x"}');
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw validationError("variables", 'variables must be a JSON object, e.g. {"path":"/x"}');
  }
  return value as Record<string, unknown>;
}

export const TEMPLATE_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/templates/list",
    cli: { group: "templates", verb: "list" },
    summary: "The built-in and custom templates, with their metadata",
    input: z.object({
      category: z.string().max(64).optional().describe("Only this category (e.g. api, utility)"),
      includeBuiltin: z.boolean().default(true).describe("Include the built-in templates"),
      includeCustom: z.boolean().default(true).describe(
        "Include custom templates (_hoody/templates/)",
      ),
    }),
    async handler(input, { context }) {
      const templates = await listTemplates(context.root, input);
      return {
        count: templates.length,
        templates: templates.map((t) => ({ name: t.name, metadata: toWireMetadata(t) })),
      };
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/templates/preview",
    cli: { group: "templates", verb: "preview", positional: "name" },
    summary: "A template's code, filled with variables when given (writes nothing)",
    input: z.object({
      name,
      variables: z.string().max(100_000).optional().describe(
        "JSON object of values; without it the code is shown with its placeholders",
      ),
    }),
    async handler(input, { context }) {
      const template = await getTemplate(context.root, input.name);
      const values = parseVariables(input.variables);
      const code = values === undefined ? template.code : renderTemplate(template, values).code;
      return {
        template: {
          name: template.name,
          metadata: toWireMetadata(template),
          code,
          originalCode: template.code,
          substituted: values !== undefined,
        },
      };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/templates/generate",
    cli: { group: "templates", verb: "generate", positional: "name" },
    summary: "A script from a template; with saveFile, written to outputPath and served at once",
    input: z.object({
      execId,
      name,
      variables,
      outputPath: scriptPath("Where to save it, below the instance, e.g. api/hello.ts").optional(),
      saveFile: z.boolean().default(false).describe("Write the script to outputPath"),
      overwrite: z.boolean().default(false).describe("Replace a file already at outputPath"),
    }),
    async handler(input, { context }) {
      const template = await getTemplate(context.root, input.name);
      const { code, values } = renderTemplate(template, input.variables);
      if (!input.saveFile) {
        return {
          generated: true,
          template: template.name,
          code,
          saved: false,
          path: null,
          variables: values,
        };
      }
      if (input.outputPath === undefined) {
        throw validationError(
          "outputPath",
          "saveFile requires outputPath (a path below the instance)",
        );
      }
      const id = input.execId ?? context.defaultInstance;
      const file = parseRelativePath(input.outputPath, "outputPath");
      if (
        !input.overwrite && isValidInstanceId(id) && await statOrNull(join(context.root, id, file))
      ) {
        throw new ServerError(
          "CONFLICT",
          `${file} exists: pass overwrite=true to replace it, or pick another outputPath`,
          { details: { field: "outputPath" } },
        );
      }
      const saved = await activateFile(context, {
        execId: input.execId,
        path: file,
        content: code,
        createDirs: true,
        validate: true,
        typecheck: false,
        install: true,
        change: "template",
      });
      return {
        generated: true,
        template: template.name,
        code,
        saved: true,
        path: saved.path,
        variables: values,
      };
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/templates/create-custom",
    cli: {
      group: "templates",
      verb: "create",
      positional: "name",
      fileFlag: "code",
      aliases: ["templates new", "templates add", "templates create-custom"],
    },
    summary: "Saves a custom template (_hoody/templates/<name>.js); built-in names are taken",
    input: z.object({
      name,
      code: z.string().min(1).describe("The script source with {{param}} placeholders"),
      metadata: metadata.optional().describe(
        "description, category, tags, version, author, params (other keys are dropped)",
      ),
    }),
    handler: (input, { context }) => createCustomTemplate(context.root, input),
  }),
  defineEndpoint({
    method: "PUT",
    path: "/templates/update-custom/:name",
    cli: {
      group: "templates",
      verb: "update",
      positional: "name",
      fileFlag: "code",
      aliases: ["templates update-custom"],
    },
    summary: "Changes a custom template's code or metadata (built-ins cannot change)",
    input: z.object({
      name,
      code: z.string().min(1).optional().describe("The new source"),
      metadata: metadata.optional().describe("Fields to change; the rest stay"),
    }),
    handler: (input, { context }) =>
      updateCustomTemplate(context.root, input.name, {
        code: input.code,
        metadata: input.metadata,
      }),
  }),
  defineEndpoint({
    method: "DELETE",
    path: "/templates/delete-custom/:name",
    cli: {
      group: "templates",
      verb: "delete",
      positional: "name",
      aliases: ["templates delete-custom"],
    },
    destructive: true,
    summary: "Deletes a custom template (built-ins cannot be deleted)",
    input: z.object({ name }),
    handler: (input, { context }) => deleteCustomTemplate(context.root, input.name),
  }),
];
