/**
 * Reading imported SDKs back: `GET /sdk/list` (every instance with a marker) and `GET /sdk/:id`
 * (one SDK's files, each with whether it still is what the import wrote).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { isValidInstanceId } from "../../routing/instance.ts";
import { ServerError, validationError } from "../../runtime/errors.ts";
import type { Instance } from "../../runtime/server/instances.ts";
import type { ManagementContext } from "../context.ts";
import { hashOf, MARKER_FILE, readMarker, type SdkMarker } from "./marker.ts";

/** Every instance folder that holds an SDK marker, by id. */
export async function scanSdks(root: string): Promise<{ id: string; marker: SdkMarker }[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const found = await Promise.all(
    entries
      .filter((e) => e.isDirectory() && isValidInstanceId(e.name))
      .map(async (e) => ({ id: e.name, marker: await readMarker(join(root, e.name)) })),
  );
  return found
    .filter((f): f is { id: string; marker: SdkMarker } => f.marker !== null)
    .sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
}

export async function listSdks(context: ManagementContext) {
  const sdks = (await scanSdks(context.root)).map(({ id, marker }) => ({
    id,
    source_url: marker.source_url,
    title: marker.title,
    files: Object.keys(marker.files).length,
    middleware: { pre: marker.middleware.pre !== null, post: marker.middleware.post !== null },
    marker: `${id}/${MARKER_FILE}`,
    importedAt: marker.importedAt,
  }));
  return { sdks, total: sdks.length };
}

/** A recorded file as it is now: there or not, and edited since the import or not. */
async function fileState(dir: string, path: string, recorded: string) {
  const text = await readFile(join(dir, path), "utf8").catch(() => null);
  const hash = text === null ? null : await hashOf(text);
  return { path, exists: text !== null, hash, edited: hash !== null && hash !== recorded };
}

/** The instance an SDK id names; 400 for a name no instance may have, 404 for none. */
export function getSdkInstance(context: ManagementContext, id: string): Instance {
  if (!isValidInstanceId(id)) {
    throw validationError("id", "id must be an instance id: [A-Za-z0-9_]+, not starting with _");
  }
  const instance = context.instances.get(id);
  if (!instance) throw new ServerError("NOT_FOUND", `No SDK "${id}": there is no instance ${id}`);
  return instance;
}

export async function getSdk(context: ManagementContext, id: string) {
  const dir = getSdkInstance(context, id).dir;
  const marker = await readMarker(dir);
  if (marker === null) {
    throw new ServerError("NOT_FOUND", `No SDK "${id}": instance ${id} has no ${MARKER_FILE}`);
  }
  const list = await Promise.all(
    Object.entries(marker.files).map(([path, hash]) => fileState(dir, path, hash)),
  );
  const hook = (path: string | null) => {
    const state = list.find((f) => f.path === path);
    return {
      exists: state?.exists ?? false,
      path: path && `${id}/${path}`,
      hash: state?.hash ?? null,
    };
  };
  const endpoints = new Set(marker.endpoints);
  return {
    id,
    type: "sdk" as const,
    source_url: marker.source_url,
    title: marker.title,
    openapi: marker.openapi,
    upstream: marker.upstream,
    importedAt: marker.importedAt,
    path: id,
    marker: `${id}/${MARKER_FILE}`,
    middleware: { pre: hook(marker.middleware.pre), post: hook(marker.middleware.post) },
    files: {
      total: list.length,
      endpoints: list.filter((f) => endpoints.has(f.path)).length,
      list: list.map((f) => ({ ...f, endpoint: endpoints.has(f.path) })),
    },
  };
}
