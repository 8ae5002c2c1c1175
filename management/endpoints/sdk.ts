/**
 * SDK import (docs/sdk-import.md): an OpenAPI document imported as an instance of endpoint
 * scripts that call the API it describes; list, read back and delete them. The SDK's id is its
 * instance's id.
 */
import { z } from "zod";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { importSdk } from "../sdk/import.ts";
import { getSdk, listSdks } from "../sdk/inventory.ts";
import { deleteSdk } from "../sdk/remove.ts";

const sdkId = z.string().min(1).max(256).describe("The SDK's instance (its execId)");

export const SDK_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "POST",
    path: "/sdk/import",
    cli: { group: "sdks", verb: "import", positional: "source_url" },
    summary:
      "Imports an OpenAPI document (JSON or YAML; 3.0, 3.1, Swagger 2.0) as one endpoint script per path, calling the API it describes",
    input: z.object({
      execId: z.string().min(1).max(256).describe("The instance to write into (alias exec_id)"),
      source_url: z.string().max(4096).regex(/^https?:\/\//i, {
        error: "source_url must be an http:// or https:// URL",
      }).describe("Where the OpenAPI document is"),
      source_auth: z.string().min(1).max(8192).optional().describe(
        'Sent when fetching the document and added by pre.ts to every upstream call: "Bearer x", "Name: value", or a bare token (Bearer)',
      ),
      middleware: z.string().max(100).optional().describe(
        'Which hooks to write: "pre,post" (default), "pre", "post" or "none"',
      ),
      magic_comments: z.string().max(4096).optional().describe(
        "Directive lines added to every endpoint (@mode worker, one per line)",
      ),
      force: z.boolean().default(false).describe("Overwrite files edited since the last import"),
    }),
    async handler(input, { context, c }) {
      return await importSdk(context, input, new URL(c.req.url));
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/sdk/list",
    cli: { group: "sdks", verb: "list" },
    summary: "Every imported SDK: its source, file count, hooks and marker",
    input: z.object({}),
    async handler(_input, { context }) {
      return await listSdks(context);
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/sdk/:id",
    cli: { group: "sdks", verb: "get", positional: "id" },
    summary: "One SDK: its source, hooks and every file it wrote (edited since or not)",
    input: z.object({ id: sdkId }),
    async handler(input, { context }) {
      return await getSdk(context, input.id);
    },
  }),
  defineEndpoint({
    method: "DELETE",
    path: "/sdk/:id",
    cli: { group: "sdks", verb: "delete", positional: "id" },
    destructive: true,
    summary: "Removes an SDK's files (edited ones too), its marker and the folders left empty",
    input: z.object({ id: sdkId }),
    async handler(input, { context }) {
      return await deleteSdk(context, input.id);
    },
  }),
];
