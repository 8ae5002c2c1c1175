/** `scripts/write`: validate -> type-check -> install -> atomic write, one activation path. */
import { mkdir, stat } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { z } from "zod";
import { isValidInstanceId } from "../../routing/instance.ts";
import { ServerError } from "../../runtime/errors.ts";
import {
  installMissing,
  isScriptFile,
  requireCompiles,
  requireDirectives,
  requireJson,
  requireTypes,
} from "../checks.ts";
import { getOrCreateInstance } from "../context.ts";
import { defineEndpoint } from "../endpoint.ts";
import { writeFileAtomic } from "../../runtime/fs.ts";
import { withLock } from "../locks.ts";
import { statOrNull } from "../listing.ts";
import { locate, parseRelativePath } from "../paths.ts";
import { execId, scriptPath as path } from "../schemas.ts";

const MAX_CONTENT_BYTES = 5 * 1024 * 1024;

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
  }),
  async handler(input, { context }) {
    const file = parseRelativePath(input.path, "path");
    if (Buffer.byteLength(input.content) > MAX_CONTENT_BYTES) {
      throw new ServerError(
        "PAYLOAD_TOO_LARGE",
        `content must be at most ${MAX_CONTENT_BYTES} bytes`,
      );
    }
    const id = input.execId ?? context.defaultInstance;
    const script = isScriptFile(file);
    // One activation path: validate -> type-check -> install -> atomic write. Every step runs
    // before the file is touched (a refused write must not even create the instance folder),
    // so any failure leaves the old version serving; the error names the step.
    const steps: Record<string, unknown> = {
      validate: "skipped",
      typecheck: "skipped",
      install: "skipped",
    };
    const warnings = script ? requireDirectives(input.content) : [];
    if (input.validate) requireJson(file, input.content);
    let imports: string[] = [];
    if (script && (input.validate || input.typecheck) && isValidInstanceId(id)) {
      const abs = join(context.root, id, file);
      imports = await requireCompiles(context, input.content, abs);
      steps.validate = "ok";
      if (input.typecheck) {
        steps.typecheck = await requireTypes(context, input.content, abs);
      }
    }
    if (script && input.install && imports.length > 0) {
      steps.install = await installMissing(context, imports);
    }
    const instance = await getOrCreateInstance(context, input.execId);
    const where = await locate(instance, file, "path");
    return await withLock([where.abs], async () => {
      const before = await statOrNull(where.abs);
      if (before?.isDirectory()) throw new ServerError("CONFLICT", `${where.shown} is a folder`);
      const parent = dirname(where.abs);
      if (!(await statOrNull(parent))) {
        if (!input.createDirs) {
          throw new ServerError(
            "NOT_FOUND",
            `The folder of ${where.shown} does not exist (createDirs is false)`,
          );
        }
        await mkdir(parent, { recursive: true });
        // The folders just made must still be inside the instance.
        await locate(instance, file, "path");
      }
      await writeFileAtomic(where.abs, input.content);
      instance.touched(file);
      const after = await stat(where.abs);
      return {
        path: file,
        resolvedPath: where.shown,
        created: before === null,
        updated: before !== null,
        size: after.size,
        modified: after.mtime.toISOString(),
        validated: input.validate && (script || extname(file).toLowerCase() === ".json"),
        warnings,
        steps: { ...steps, activate: "ok" },
      };
    });
  },
});
