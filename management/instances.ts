import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Hono } from "hono";
import { isValidInstanceId } from "../routing/instance.ts";
import type { ManagementEnv } from "./env.ts";

/** GET /list: every instance folder under the scripts root (SPEC §17). */
export function instanceRoutes(root: string): Hono<ManagementEnv> {
  return new Hono<ManagementEnv>().get("/list", async (c) => {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    const ids = entries.filter((e) =>
      e.isDirectory() && isValidInstanceId(e.name) && !e.name.startsWith("_")
    );
    const execIds = await Promise.all(
      ids.map(async (e) => ({
        id: e.name,
        type: "custom" as const,
        files: await countFiles(join(root, e.name)),
      })),
    );
    execIds.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
    return c.json({ execIds, total: execIds.length, summary: { sdk: 0, custom: execIds.length } });
  });
}

/** Files an instance holds, leaving out `_`/`.` folders (server data, dependencies). */
async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.name.startsWith("_") || entry.name.startsWith(".") || entry.name === "node_modules") {
      continue;
    }
    count += entry.isDirectory() ? await countFiles(join(dir, entry.name)) : 1;
  }
  return count;
}
