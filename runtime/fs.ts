/** File helpers the server's parts share. */
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { randomHex } from "./hex.ts";

/**
 * Temp file in the same folder (dot-named, so never a route and ignored by the watcher), fsync,
 * rename over the target: a reader (another process too) sees the old file or the new one, never
 * half of one, and a crash right after leaves the new one whole. The temp file never outlives a
 * failure.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomHex(6)}.tmp`);
  const handle = await open(temp, "wx", 0o644);
  try {
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
