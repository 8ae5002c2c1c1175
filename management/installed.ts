/** What node_modules holds against what package.json declares (`package/compare`). */
import { readdirSync } from "node:fs";
import { dependenciesOf, readPackageJson } from "../runtime/packages/package-json.ts";
import type { ManagementContext } from "./context.ts";

/** Packages installed at the top of node_modules that package.json does not declare. */
export function extraInstalled(context: ManagementContext): string[] {
  const { root, installer } = context;
  const pkg = readPackageJson(root);
  const names = new Set([
    ...Object.keys(dependenciesOf(pkg)),
    ...Object.keys(dependenciesOf(pkg, true)),
  ]);
  const out: string[] = [];
  try {
    for (const entry of readdirSync(`${root}/node_modules`)) {
      if (entry.startsWith(".")) continue;
      if (entry.startsWith("@")) {
        for (const sub of readdirSync(`${root}/node_modules/${entry}`)) out.push(`${entry}/${sub}`);
      } else out.push(entry);
    }
  } catch {
    return [];
  }
  return out.filter((n) => !names.has(n) && installer.isInstalled(n)).sort();
}

/** Whether `version` meets a plain `x.y.z`, `^x.y.z` or `~x.y.z` range (other ranges count as met). */
export function satisfies(version: string, range: string): boolean {
  const parse = (v: string) => v.replace(/^[\^~=v]+/, "").split(/[.+-]/).slice(0, 3).map(Number);
  const [a, b, c] = parse(version);
  const [x, y, z] = parse(range);
  if ([a, b, c, x, y, z].some((n) => n === undefined || Number.isNaN(n))) return true;
  const cmp = a! - x! || b! - y! || c! - z!;
  if (range.startsWith("^")) return cmp >= 0 && (x === 0 ? a === 0 && b === y : a === x);
  if (range.startsWith("~")) return cmp >= 0 && a === x && b === y;
  return cmp === 0;
}
