/** Reading an instance's folders for the script endpoints: walk, filter by name, draw the tree. */
import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { isHiddenName } from "../routing/pattern.ts";

export async function statOrNull(path: string) {
  return await stat(path).catch(() => null);
}

export function metadataOf(s: Awaited<ReturnType<typeof stat>>, file: string) {
  return {
    size: Number(s.size),
    created: s.birthtime.toISOString(),
    modified: s.mtime.toISOString(),
    isDirectory: s.isDirectory(),
    extension: s.isDirectory() ? "" : extname(file),
  };
}

export interface Entry {
  name: string;
  path: string;
  isDirectory: boolean;
}

export async function walk(
  dir: string,
  base: string,
  recursive: boolean,
  depth = 0,
): Promise<Entry[]> {
  const out: Entry[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (isHiddenName(entry.name) || entry.isSymbolicLink()) continue;
    const path = base === "" ? entry.name : `${base}/${entry.name}`;
    out.push({ name: entry.name, path, isDirectory: entry.isDirectory() });
    if (entry.isDirectory() && recursive && depth < 32) {
      out.push(...await walk(join(dir, entry.name), path, recursive, depth + 1));
    }
  }
  return out;
}

export function matchesFilter(name: string, filter: string): boolean {
  if (!filter.includes("*")) return name.toLowerCase().includes(filter.toLowerCase());
  const parts = filter.toLowerCase().split("*");
  let at = 0;
  const lower = name.toLowerCase();
  for (const [i, part] of parts.entries()) {
    const found = i === 0 ? (lower.startsWith(part) ? 0 : -1) : lower.indexOf(part, at);
    if (found === -1) return false;
    at = found + part.length;
  }
  return parts.at(-1) === "" || lower.endsWith(parts.at(-1)!);
}

interface TreeNode {
  name: string;
  path: string;
  type: "file" | "directory";
  size?: number;
  modified?: string;
  children?: TreeNode[];
}

export async function tree(
  dir: string,
  base: string,
  depth: number,
  maxDepth: number,
  metadata: boolean,
): Promise<TreeNode[]> {
  const nodes: TreeNode[] = [];
  for (const entry of await walk(dir, base, false)) {
    const abs = join(dir, entry.name);
    const node: TreeNode = {
      name: entry.name,
      path: entry.path,
      type: entry.isDirectory ? "directory" : "file",
    };
    if (metadata) {
      const s = await statOrNull(abs);
      if (s) Object.assign(node, { size: s.size, modified: s.mtime.toISOString() });
    }
    if (entry.isDirectory) {
      node.children = depth < maxDepth
        ? await tree(abs, entry.path, depth + 1, maxDepth, metadata)
        : [];
    }
    nodes.push(node);
  }
  return nodes;
}
