/**
 * A schedule's names: `scriptPath` is `{execId}/{file}` relative to the scripts root (never a host
 * path), and the URL a fire requests is the file's route. Pure.
 */
import { isAbsolute, relative } from "node:path";
import { isValidInstanceId } from "../../routing/instance.ts";
import { isHiddenName, parseRouteFile } from "../../routing/pattern.ts";

export interface ScriptRef {
  execId: string;
  /** Below the instance folder, "/"-separated. */
  file: string;
}

export const scriptPathOf = (ref: ScriptRef) => `${ref.execId}/${ref.file}`;

/**
 * `{execId}/{file}` or an absolute path inside `root` -> the script it names; null when it names
 * nothing a schedule could belong to (outside the root, a hidden segment, no file part).
 */
export function parseScriptPath(root: string, input: string): ScriptRef | null {
  let path = input.replaceAll("\\", "/");
  if (isAbsolute(path)) {
    path = relative(root, path).replaceAll("\\", "/");
    if (path.startsWith("../") || path === ".." || isAbsolute(path)) return null;
  }
  const parts = path.replace(/^\.\//, "").split("/");
  const [execId = "", ...rest] = parts;
  if (!isValidInstanceId(execId) || rest.length === 0) return null;
  if (rest.some((part) => part === "" || part === "." || part === ".." || isHiddenName(part))) {
    return null;
  }
  return { execId, file: rest.join("/") };
}

/** The URL path a fire requests: the route of a file without params; null for any other file. */
export function firePathOf(file: string): string | null {
  const parsed = parseRouteFile(file);
  if (parsed === null) return null;
  const parts: string[] = [];
  for (const segment of parsed.segments) {
    if (segment.kind !== "static") return null;
    parts.push(encodeURIComponent(segment.value));
  }
  return "/" + parts.join("/");
}
