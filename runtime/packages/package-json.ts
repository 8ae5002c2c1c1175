/**
 * The scripts root's package.json, shared by every instance: read it, write it atomically,
 * snapshot it with its lockfiles.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../fs.ts";

/** The lockfiles an install may write; all are restored together with package.json. */
export const LOCKFILES = ["bun.lock", "bun.lockb", "deno.lock", "package-lock.json"] as const;

export type PackageJson = Record<string, unknown> & {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
};

export function packageJsonPath(root: string): string {
  return join(root, "package.json");
}

/** The parsed file, or null when it does not exist. Throws when it is not a JSON object. */
export function readPackageJson(root: string): PackageJson | null {
  const path = packageJsonPath(root);
  if (!existsSync(path)) return null;
  const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error("package.json is not a JSON object");
  }
  return parsed as PackageJson;
}

export function dependenciesOf(pkg: PackageJson | null, dev = false): Record<string, string> {
  const value = dev ? pkg?.devDependencies : pkg?.dependencies;
  return value && typeof value === "object" && !Array.isArray(value) ? { ...value } : {};
}

export async function writePackageJson(root: string, pkg: PackageJson): Promise<void> {
  await writeFileAtomic(packageJsonPath(root), `${JSON.stringify(pkg, null, 2)}\n`);
}

/** The bytes of package.json and every lockfile (null = absent), to put back after a failed install. */
export type FileSnapshot = Map<string, Uint8Array | null>;

export async function snapshotFiles(root: string): Promise<FileSnapshot> {
  const snapshot: FileSnapshot = new Map();
  for (const name of ["package.json", ...LOCKFILES]) {
    const path = join(root, name);
    snapshot.set(name, await readFile(path).catch(() => null));
  }
  return snapshot;
}

export async function restoreFiles(root: string, snapshot: FileSnapshot): Promise<void> {
  for (const [name, bytes] of snapshot) {
    const path = join(root, name);
    if (bytes === null) await rm(path, { force: true });
    else await writeFileAtomic(path, bytes);
  }
}

/** The version installed in `<root>/node_modules`, or null. */
export function installedVersion(root: string, name: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8"));
    return typeof pkg?.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return null;
  }
}
