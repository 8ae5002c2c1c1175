/**
 * What the server watches for edits made on disk: each instance folder, at any depth, and the
 * scripts root's own entries (instance folders that come and go). Never a hidden folder: not
 * `node_modules/` (an install of a few packages is hundreds of folders, each an inotify watch, a
 * per-user limit, walked at start: the bench root's 146 watches are 109 without it and `_hoody/`),
 * nor `_hoody/`, where each log flush and each module a serverless Worker reads (~10 a request)
 * was an event for the server's thread to look at and drop.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { isHiddenName } from "../../routing/pattern.ts";
import type { Adapter } from "../adapter/types.ts";

/** Calls `onChange` with a path relative to `root`; returns what stops every watch. */
export function watchScripts(
  adapter: Pick<Adapter, "watch">,
  root: string,
  onChange: (relative: string) => void,
): () => void {
  /** Each watched folder's inode (a folder removed and made anew is another one) and its stop. */
  const folders = new Map<string, { inode: number; stop: () => void }>();
  /** The folder's watch, started, kept, or stopped as its entry in the root now is. */
  const follow = (name: string) => {
    const inode = isHiddenName(name) ? null : folderInode(join(root, name));
    const known = folders.get(name);
    if (known?.inode === inode) return;
    known?.stop();
    folders.delete(name);
    if (inode === null) return;
    const stop = adapter.watch(join(root, name), true, (path) => onChange(join(name, path)));
    folders.set(name, { inode, stop });
  };
  // A root entry changed: then it is reported, so what changed in a new folder before its watch
  // began is read again (instances.ts drops its routes).
  const stopRoot = adapter.watch(root, false, (name) => {
    if (name === "") return;
    follow(name);
    onChange(name);
  });
  for (const name of readdirSync(root)) follow(name);
  return () => {
    stopRoot();
    for (const { stop } of folders.values()) stop();
    folders.clear();
  };
}

/** The inode of a folder, null when `path` is not one. */
function folderInode(path: string): number | null {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? stat.ino : null;
  } catch {
    return null;
  }
}
