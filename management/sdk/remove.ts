/**
 * `DELETE /sdk/:id`: removes what an import wrote (every file its marker records, edited or not),
 * the marker, and the folders left empty; the instance folder too when nothing else is in it.
 */
import { readdir, rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ServerError } from "../../runtime/errors.ts";
import type { ManagementContext } from "../context.ts";
import { withLock } from "../locks.ts";
import { locate } from "../paths.ts";
import { getSdkInstance } from "./inventory.ts";
import { MARKER_FILE, readMarker } from "./marker.ts";

/** Removes the folders of `files` (relative to `dir`) that are empty, deepest first; never `dir`. */
export async function removeEmptyFolders(dir: string, files: readonly string[]): Promise<void> {
  const folders = new Set<string>();
  for (const file of files) {
    for (let folder = dirname(file); folder !== "." && folder !== ""; folder = dirname(folder)) {
      folders.add(folder);
    }
  }
  const deepestFirst = [...folders].sort((a, b) => b.split("/").length - a.split("/").length);
  for (const folder of deepestFirst) {
    const entries = await readdir(join(dir, folder)).catch(() => null);
    if (entries !== null && entries.length === 0) await rmdir(join(dir, folder)).catch(() => {});
  }
}

export async function deleteSdk(context: ManagementContext, id: string) {
  const instance = getSdkInstance(context, id);
  const dir = instance.dir;
  return await withLock([join(dir, MARKER_FILE)], async () => {
    const marker = await readMarker(dir);
    if (marker === null) {
      throw new ServerError("NOT_FOUND", `No SDK "${id}": instance ${id} has no ${MARKER_FILE}`);
    }
    const files = Object.keys(marker.files);
    // locate() refuses a path that a symlink leads out of the instance.
    for (const file of files) await rm((await locate(instance, file, "id")).abs, { force: true });
    await rm(join(dir, MARKER_FILE), { force: true });
    await removeEmptyFolders(dir, files);
    const left = await readdir(dir).catch(() => []);
    if (left.length === 0) await rmdir(dir).catch(() => {});
    return {
      message: "SDK deleted" as const,
      removed: { marker: `${id}/${MARKER_FILE}`, files: files.length, directory: id },
      instanceRemoved: left.length === 0,
    };
  });
}
