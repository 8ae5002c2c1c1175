import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { isValidInstanceId } from "../routing/instance.ts";
import type { ServerControl } from "../runtime/control.ts";
import { ServerError, validationError } from "../runtime/errors.ts";
import type { Instance } from "../runtime/server/instances.ts";

/** Everything the management API may touch in the running server (built by runtime/serve.ts). */
export type ManagementContext = ServerControl;

/** The instance a call is scoped to (`execId`, default instance otherwise). */
export function getInstance(context: ManagementContext, execId: string | undefined): Instance {
  const id = execId ?? context.defaultInstance;
  if (!isValidInstanceId(id)) {
    throw validationError(
      "execId",
      "execId must be an instance id: [A-Za-z0-9_]+, neither starting with _ nor node_modules",
    );
  }
  const instance = context.instances.get(id);
  if (!instance) {
    throw new ServerError("UNKNOWN_INSTANCE", `No instance "${id}": its folder does not exist`);
  }
  return instance;
}

/** Like getInstance, but creates the instance folder (a first write into a new instance). */
export async function getOrCreateInstance(
  context: ManagementContext,
  execId: string | undefined,
): Promise<Instance> {
  const id = execId ?? context.defaultInstance;
  if (isValidInstanceId(id) && !context.instances.get(id)) {
    await mkdir(join(context.root, id), { recursive: true });
  }
  return getInstance(context, execId);
}
