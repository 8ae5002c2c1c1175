import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeScanFs, scanInstance } from "../../routing/scan.ts";
import type { ScanEntry, ScanFs } from "../../routing/scan.ts";

/** A folder tree: a string is a file, null a symbolic link, "ENOENT" a folder gone when read. */
interface Tree {
  [name: string]: Tree | string | null;
}

function createFakeFs(root: string, tree: Tree): ScanFs & { reads: string[] } {
  const reads: string[] = [];
  const notFound = (dir: string) => Object.assign(new Error(`ENOENT: ${dir}`), { code: "ENOENT" });
  return {
    reads,
    readdir(dir: string): Promise<ScanEntry[]> {
      reads.push(dir);
      if (dir !== root && !dir.startsWith(`${root}/`)) return Promise.reject(notFound(dir));
      let node: Tree | string | null | undefined = tree;
      for (const part of dir.slice(root.length).split("/").filter(Boolean)) {
        node = typeof node === "object" && node !== null ? node[part] : undefined;
      }
      if (typeof node !== "object" || node === null || node.ENOENT === "ENOENT") {
        return Promise.reject(notFound(dir));
      }
      return Promise.resolve(
        Object.entries(node).map(([name, value]) => ({
          name,
          isDirectory: typeof value === "object" && value !== null,
          isFile: typeof value === "string",
        })),
      );
    },
  };
}

const TREE: Tree = {
  "index.ts": "",
  "pre.ts": "",
  "README.md": "",
  "types.d.ts": "",
  ".env": "",
  "link.ts": null,
  "_lib": { "helpers.ts": "", "pre.ts": "" },
  "_hoody": { "templates": { "t.ts": "" } },
  ".git": { "hooks.js": "" },
  "node_modules": { "pkg": { "index.js": "" } },
  "api": {
    "hello.ts": "",
    "post.js": "",
    "pre.js": "",
    "pre.mjs": "",
    "pre.ts": "",
    "script.sh": "",
    "users": { "[id].ts": "", "_util.ts": "" },
  },
  "docs": { "[...slug].ts": "" },
  "pages": { "[[...path]]": { "index.ts": "", "post.ts": "" } },
};

describe("scanInstance", () => {
  test("finds routes and middleware and ignores everything else", async () => {
    const fs = createFakeFs("/scripts/1", TREE);
    const result = await scanInstance("/scripts/1", fs);
    assert.deepEqual(result.routes.map((route) => [route.file, route.pattern]), [
      ["api/hello.ts", "/api/hello"],
      ["api/users/[id].ts", "/api/users/:id"],
      ["docs/[...slug].ts", "/docs/:slug+"],
      ["index.ts", "/"],
      ["pages/[[...path]]/index.ts", "/pages/:path*"],
    ]);
    assert.deepEqual(
      result.middleware,
      new Map<string, { pre?: string; post?: string }>([
        ["", { pre: "pre.ts" }],
        // TypeScript first: pre.ts wins over pre.js and pre.mjs, whatever the names' order.
        ["api", { pre: "api/pre.ts", post: "api/post.js" }],
        ["pages/[[...path]]", { post: "pages/[[...path]]/post.ts" }],
      ]),
    );
  });

  test("never reads folders starting with _ or . nor node_modules", async () => {
    const fs = createFakeFs("/scripts/1", TREE);
    await scanInstance("/scripts/1", fs);
    assert.deepEqual(fs.reads.toSorted(), [
      "/scripts/1",
      "/scripts/1/api",
      "/scripts/1/api/users",
      "/scripts/1/docs",
      "/scripts/1/pages",
      "/scripts/1/pages/[[...path]]",
    ]);
  });

  test("accepts an instance folder with a trailing slash", async () => {
    const fs = createFakeFs("/scripts/1", { "a": { "b.ts": "" } });
    const result = await scanInstance("/scripts/1/", fs);
    assert.deepEqual(result.routes.map((route) => route.file), ["a/b.ts"]);
  });

  test("an empty folder gives no routes and no middleware", async () => {
    const result = await scanInstance("/s", createFakeFs("/s", {}));
    assert.deepEqual(result, { routes: [], middleware: new Map() });
  });

  test("rejects when the instance folder is missing", async () => {
    await assert.rejects(scanInstance("/elsewhere", createFakeFs("/s", {})), { code: "ENOENT" });
  });

  test("skips a sub-folder that vanished while scanning", async () => {
    const fs = createFakeFs("/s", { "gone": { ENOENT: "ENOENT" }, "ok.ts": "" });
    const result = await scanInstance("/s", fs);
    assert.deepEqual(result.routes.map((route) => route.file), ["ok.ts"]);
  });
});

describe("nodeScanFs", () => {
  test("scans a real folder; symbolic links are not followed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hoody-scan-"));
    try {
      await mkdir(join(dir, "api", "users"), { recursive: true });
      await mkdir(join(dir, "_lib"));
      await writeFile(join(dir, "index.ts"), "return 1;");
      await writeFile(join(dir, "api", "users", "[id].ts"), "return 1;");
      await writeFile(join(dir, "api", "pre.ts"), "return;");
      await writeFile(join(dir, "_lib", "x.ts"), "");
      await symlink(join(dir, "index.ts"), join(dir, "alias.ts"));
      const result = await scanInstance(dir, nodeScanFs);
      assert.deepEqual(result.routes.map((route) => route.file), ["api/users/[id].ts", "index.ts"]);
      assert.deepEqual(result.middleware.get("api"), { pre: "api/pre.ts" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
