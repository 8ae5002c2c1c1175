/**
 * An imported instance's marker, `<instance>/_sdk.json`: where the SDK came from, when, and the
 * SHA-256 of every file the import wrote, so a re-import can tell a file the user edited (its hash
 * differs) from one it may rewrite. An instance with a marker is an SDK (`/list` type "sdk").
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../runtime/fs.ts";
import { sha256Hex } from "../../runtime/hex.ts";
import { parseRelativePath } from "../paths.ts";

export const MARKER_FILE = "_sdk.json";

/**
 * A path the marker names: relative, inside the instance, as any path a client gives (a marker is
 * a file an admin could also write, so its paths are checked before anything acts on them).
 */
const relativePath = z.string().refine((path) => {
  try {
    return parseRelativePath(path, "path") === path;
  } catch {
    return false;
  }
});

const markerSchema = z.object({
  type: z.literal("sdk"),
  source_url: z.string(),
  title: z.string(),
  openapi: z.string(),
  upstream: z.string(),
  importedAt: z.string(),
  /** Whether a source_auth header was given (never the value). */
  auth: z.boolean(),
  middleware: z.object({ pre: relativePath.nullable(), post: relativePath.nullable() }),
  endpoints: z.array(relativePath),
  /** Every file the import wrote, relative to the instance, and its content's SHA-256. */
  files: z.record(relativePath, z.string()),
});

export type SdkMarker = z.infer<typeof markerSchema>;

export const hashOf = (content: string) => sha256Hex(content);

/** The instance's marker; null when it has none or the file is not one (then it is no SDK). */
export async function readMarker(instanceDir: string): Promise<SdkMarker | null> {
  const text = await readFile(join(instanceDir, MARKER_FILE), "utf8").catch(() => null);
  if (text === null) return null;
  try {
    const parsed = markerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // Not JSON: a user's own file of that name, not an SDK.
  }
}

export async function writeMarker(instanceDir: string, marker: SdkMarker): Promise<void> {
  await writeFileAtomic(join(instanceDir, MARKER_FILE), JSON.stringify(marker, null, 2) + "\n");
}
