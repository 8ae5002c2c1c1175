/**
 * Script versions on disk (docs/versions.md): before the management API replaces, moves or deletes
 * a file, the previous content is kept as one file under
 * `DIR/_hoody/versions/{execId}/{key}/`, `key` being the first 32 hex digits of the SHA-256 of the
 * script's path. The file's name is the whole record, `{version}.{timeMs}.{size}.{change}.{sha256}`,
 * and its bytes are the content: one atomic rename makes a complete version, so a crash never leaves
 * a record without its content. Bounded per script and in total bytes, oldest pruned first.
 */
import { mkdir, readdir, readFile, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { ServerError } from "../../runtime/errors.ts";
import { writeFileAtomic } from "../../runtime/fs.ts";
import { sha256Hex } from "../../runtime/hex.ts";
import { withLock } from "../locks.ts";

/** What replaced the content a version keeps. */
export type VersionChange =
  | "write"
  | "move"
  | "delete"
  | "magic-comments"
  | "rollback"
  | "template"
  | "import";

export interface VersionRecord {
  /** Counts up per script from 1. */
  version: number;
  /** When the content was replaced (ISO 8601). */
  time: string;
  size: number;
  /** SHA-256 of the content, lowercase hex: what scripts/read's `hash` was then. */
  hash: string;
  change: VersionChange;
}

export interface VersionLimits {
  /** Versions kept per script; past this the oldest go. */
  perScript: number;
  /** Bytes kept over all scripts of the root; past this the oldest, whichever script, go. */
  totalBytes: number;
}

/** The defaults of `--versions-keep` and `--versions-max-bytes` (runtime/server/config.ts). */
export const VERSION_LIMITS: VersionLimits = { perScript: 50, totalBytes: 128 * 1024 * 1024 };

const NAME = /^(\d+)\.(\d+)\.(\d+)\.([a-z-]+)\.([0-9a-f]{64})$/;

/** A version file's name as its record; null for anything else (a crashed write's temp file). */
export function parseVersionName(name: string): VersionRecord | null {
  const match = NAME.exec(name);
  if (!match) return null;
  return {
    version: Number(match[1]),
    time: new Date(Number(match[2])).toISOString(),
    size: Number(match[3]),
    change: match[4] as VersionChange,
    hash: match[5]!,
  };
}

export function toVersionName(record: VersionRecord): string {
  return [record.version, Date.parse(record.time), record.size, record.change, record.hash]
    .join(".");
}

export function versionsRoot(root: string): string {
  return join(root, "_hoody", "versions");
}

async function scriptFolder(root: string, execId: string, file: string): Promise<string> {
  return join(versionsRoot(root), execId, (await sha256Hex(file)).slice(0, 32));
}

async function recordsIn(folder: string): Promise<VersionRecord[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return names.map(parseVersionName).filter((r): r is VersionRecord => r !== null)
    .sort((a, b) => b.version - a.version);
}

/** A script's versions, newest first (none when it never changed through the API). */
export async function listVersions(
  root: string,
  execId: string,
  file: string,
): Promise<VersionRecord[]> {
  return await recordsIn(await scriptFolder(root, execId, file));
}

/** One version's record and content; 404 naming the versions there are. */
export async function readVersion(
  root: string,
  execId: string,
  file: string,
  version: number,
): Promise<{ record: VersionRecord; content: Uint8Array }> {
  const folder = await scriptFolder(root, execId, file);
  const records = await recordsIn(folder);
  const record = records.find((r) => r.version === version);
  const content = record
    ? await readFile(join(folder, toVersionName(record))).catch(() => null)
    : null;
  if (!record || !content) {
    const known = records.length === 0
      ? "it has none"
      : `it has ${records.map((r) => r.version).join(", ")}`;
    throw new ServerError(
      "NOT_FOUND",
      `No version ${version} of ${execId}/${file} (${known}): list them with scripts/versions`,
    );
  }
  return { record, content };
}

/** Version times order every kept version of this server: ties within a millisecond are bumped. */
let lastTime = 0;

/**
 * Keeps `content` as the newest version of the script, before the caller changes the live file
 * (the caller holds the script's lock), then prunes past the limits. Version writes of the whole
 * root run one at a time, so pruning never removes a folder a write is about to use.
 */
export async function keepVersion(
  root: string,
  execId: string,
  file: string,
  content: Uint8Array,
  change: VersionChange,
  limits: VersionLimits = VERSION_LIMITS,
): Promise<VersionRecord> {
  const folder = await scriptFolder(root, execId, file);
  const hash = await sha256Hex(content);
  return await withLock([versionsRoot(root)], async () => {
    await mkdir(folder, { recursive: true });
    const existing = await recordsIn(folder);
    lastTime = Math.max(Date.now(), lastTime + 1);
    const record: VersionRecord = {
      version: (existing[0]?.version ?? 0) + 1,
      time: new Date(lastTime).toISOString(),
      size: content.byteLength,
      hash,
      change,
    };
    await writeFileAtomic(join(folder, toVersionName(record)), content);
    for (const old of existing.slice(Math.max(0, limits.perScript - 1))) {
      await rm(join(folder, toVersionName(old)), { force: true });
    }
    await pruneTotal(root, limits.totalBytes);
    return record;
  });
}

/** Deletes the oldest versions of the whole root until they hold at most `maxBytes`. */
async function pruneTotal(root: string, maxBytes: number): Promise<void> {
  const base = versionsRoot(root);
  const all: { folder: string; record: VersionRecord }[] = [];
  for (const execId of await readdir(base).catch(() => [] as string[])) {
    for (const key of await readdir(join(base, execId)).catch(() => [] as string[])) {
      const folder = join(base, execId, key);
      for (const record of await recordsIn(folder)) all.push({ folder, record });
    }
  }
  let total = all.reduce((sum, v) => sum + v.record.size, 0);
  if (total <= maxBytes) return;
  all.sort((a, b) => Date.parse(a.record.time) - Date.parse(b.record.time));
  for (const { folder, record } of all) {
    if (total <= maxBytes) break;
    await rm(join(folder, toVersionName(record)), { force: true });
    total -= record.size;
    // A script left with no versions leaves no folder behind; a folder still in use stays.
    await rmdir(folder).catch(() => undefined);
  }
}
