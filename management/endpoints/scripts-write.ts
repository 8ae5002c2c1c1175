/**
 * `scripts/write`: a file through the one activation path (management/activate.ts); `If-Match`
 * (header, or the `ifMatch` field; the header wins) makes it conditional (docs/versions.md).
 */
import { z } from "zod";
import { activateFile } from "../activate.ts";
import { defineEndpoint } from "../endpoint.ts";
import { execId, scriptPath as path } from "../schemas.ts";
import { toEtag } from "../versions/if-match.ts";

export const WRITE_SCRIPT = defineEndpoint({
  method: "POST",
  path: "/scripts/write",
  cli: { group: "scripts", verb: "write", positional: "path", fileFlag: "content" },
  summary: "Creates or replaces a file: validated first, written atomically, served at once",
  input: z.object({
    execId,
    path: path("File below the instance, e.g. hello.ts"),
    content: z.string().describe("The whole file"),
    createDirs: z.boolean().default(true).describe("Create missing folders"),
    validate: z.boolean().default(true).describe(
      "Transpile scripts and parse .json files before writing (magic comments are always checked)",
    ),
    typecheck: z.boolean().default(false).describe(
      "Type-check against the injected globals (req, res, metadata, …) before writing",
    ),
    install: z.boolean().default(true).describe(
      "Install the packages the script imports that are missing, before it goes live",
    ),
    ifMatch: z.string().max(4096).optional().describe(
      "Write only if the file's current hash (scripts/read `hash`) is this, else 412; * = only if it exists. The If-Match header wins",
    ),
  }),
  async handler(input, { context, c }) {
    const written = await activateFile(context, {
      ...input,
      ifMatch: c.req.header("if-match") ?? input.ifMatch,
    });
    c.header("ETag", toEtag(written.hash));
    return written;
  },
});
