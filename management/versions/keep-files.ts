/**
 * Versions for the changes that do not write new content (scripts/move, scripts/delete): each
 * file about to leave its path is kept as a version of that path, the files of a folder too. The
 * caller holds the paths' locks.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Instance } from "../../runtime/server/instances.ts";
import type { ManagementContext } from "../context.ts";
import { statOrNull, walk } from "../listing.ts";
import { keepVersion, type VersionChange } from "./store.ts";

export async function keepFileVersions(
  context: ManagementContext,
  instance: Instance,
  file: string,
  change: VersionChange,
): Promise<void> {
  const abs = join(instance.dir, file);
  const s = await statOrNull(abs);
  if (!s) return;
  const files = s.isDirectory()
    ? (await walk(abs, file, true)).filter((e) => !e.isDirectory).map((e) => e.path)
    : [file];
  for (const path of files) {
    const content = await readFile(join(instance.dir, path)).catch(() => null);
    if (content) {
      await keepVersion(context.root, instance.id, path, content, change, context.versionLimits);
    }
  }
}
