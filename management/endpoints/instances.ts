import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { isValidInstanceId } from "../../routing/instance.ts";
import { isHiddenName } from "../../routing/pattern.ts";
import { defineEndpoint, type Endpoint } from "../endpoint.ts";
import { readMarker } from "../sdk/marker.ts";

/** Files an instance holds, leaving out hidden names (server data, dependencies). */
async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (isHiddenName(entry.name)) continue;
    count += entry.isDirectory() ? await countFiles(join(dir, entry.name)) : 1;
  }
  return count;
}

/** GET /list: every instance folder under the scripts root; hidden ones never. */
export const INSTANCE_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/list",
    cli: { group: "namespaces", verb: "list" },
    summary: "Every instance (exec id) under the scripts root",
    input: z.object({}),
    async handler(_input, { context }) {
      const entries = await readdir(context.root, { withFileTypes: true }).catch(() => []);
      const ids = entries.filter((e) => e.isDirectory() && isValidInstanceId(e.name));
      const execIds = await Promise.all(
        ids.map(async (e) => {
          const dir = join(context.root, e.name);
          const files = await countFiles(dir);
          // An instance holding an SDK marker was imported (docs/sdk-import.md).
          const sdk = await readMarker(dir);
          return sdk
            ? { id: e.name, type: "sdk" as const, source_url: sdk.source_url, files }
            : { id: e.name, type: "custom" as const, files };
        }),
      );
      execIds.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
      const sdk = execIds.filter((e) => e.type === "sdk").length;
      return {
        execIds,
        total: execIds.length,
        summary: { sdk, custom: execIds.length - sdk },
      };
    },
  }),
];
