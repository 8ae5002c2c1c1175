/**
 * Which folders and which script a user-openapi call means. `directory` / `dir` name a folder
 * below the instance; `scripts` (the original's name for the scripts folder) is the instance
 * itself. Every path goes through management/paths.ts first.
 */
import { ServerError } from "../../runtime/errors.ts";
import type { Instance } from "../../runtime/server/instances.ts";
import { fileToRoute, type RouteRecord } from "../../routing/pattern.ts";
import { statOrNull } from "../listing.ts";
import { locate, parseRelativePath } from "../paths.ts";

export interface ScanFolder {
  /** Relative to the instance ("" = the instance). */
  dir: string;
  /** As clients see it: `{execId}/{dir}`. */
  shown: string;
}

const SCRIPTS_ALIAS = "scripts";

/** A folder below the instance that exists; `scripts` and "" are the instance itself. */
export async function resolveFolder(
  instance: Instance,
  value: string | undefined,
  field: string,
): Promise<ScanFolder> {
  let given = value ?? "";
  if (given === SCRIPTS_ALIAS) given = "";
  else if (given.startsWith(`${SCRIPTS_ALIAS}/`)) given = given.slice(SCRIPTS_ALIAS.length + 1);
  const dir = parseRelativePath(given, field, true);
  const where = await locate(instance, dir, field);
  const stat = await statOrNull(where.abs);
  if (!stat?.isDirectory()) {
    throw new ServerError(
      "NOT_FOUND",
      `No folder ${where.shown}: ${field} names a folder below the instance (or "scripts" for all of it)`,
      { details: { field } },
    );
  }
  return { dir, shown: where.shown };
}

export interface ScriptRef {
  route: RouteRecord;
  /** `{execId}/{file}` for messages. */
  shown: string;
}

/** The route a `file` / `path` input names; 400 when that file would not be a route. */
export async function resolveScript(
  instance: Instance,
  value: string,
  field: string,
): Promise<ScriptRef> {
  const file = parseRelativePath(value, field);
  const where = await locate(instance, file, field);
  const route = fileToRoute(file);
  if (route === null) {
    throw new ServerError(
      "BAD_REQUEST",
      `${where.shown} is not a route: name a script such as api/users/[id].ts`,
      { details: { field } },
    );
  }
  return { route, shown: where.shown };
}
