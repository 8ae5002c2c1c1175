/**
 * The management API in-process (`createManagementApp(control).request(...)`): every call that
 * needs no script to run. tests/http/management.test.ts keeps the ones that do.
 */
import { API_PREFIX } from "../../runtime/server/management-path.ts";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createInProcessManagement, type InProcessManagement } from "../lib/management-app.ts";
import { callWith, json, MANAGEMENT_FILES, snapshot } from "../lib/management-calls.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

type CallArgs = [method: string, path: string, body?: unknown, headers?: Record<string, string>];
const call = (app: InProcessManagement, ...args: CallArgs) => callWith(app.fetch, ...args);
const request = (app: InProcessManagement, path: string, init: RequestInit) =>
  app.fetch(path, init);

describe("management API in-process: scripts, routes, magic comments", () => {
  let dir: ScriptsDir;
  let server: InProcessManagement;
  let outside: string;
  before(async () => {
    outside = mkdtempSync(join(tmpdir(), "hoody-exec-outside-"));
    dir = tmpScripts(MANAGEMENT_FILES);
    symlinkSync(outside, join(dir.root, "1", "escape"));
    server = await createInProcessManagement(dir.root);
  });
  after(async () => {
    server[Symbol.dispose]();
    await dir[Symbol.asyncDispose]();
  });

  test("refuses a bad magic-comment value at write time (400) and changes nothing", async () => {
    const before = snapshot(dir.root);
    for (
      const header of ["// @timeout -1", "// @concurrent NaN", "// @mode fast", "// @cors ftp://x"]
    ) {
      const response = await call(server, "POST", "/scripts/write", {
        path: "bad.ts",
        content: `${header}\nreturn 1;\n`,
      });
      assert.equal(response.status, 400, header);
      assert.equal((await json(response)).code, "VALIDATION_ERROR");
    }
    assert.deepEqual(snapshot(dir.root), before);
  });

  test("refuses every bad path before touching the disk, without naming a host path", async () => {
    const before = snapshot(dir.root);
    const paths = [
      "../evil.ts",
      "/etc/evil.ts",
      "a/../../evil.ts",
      "..%2fevil.ts",
      "%2e%2e/evil.ts",
      "%252e%252e%252fevil.ts",
      "a\\..\\evil.ts",
      "evil\u0000.ts",
      "evil\n.ts",
      "escape/evil.ts",
      "api/v1/exec/shadow.ts",
      "api/v1/exec.ts",
      "api/v1/exec/index.ts",
      `${"x".repeat(300)}.ts`,
      "C:/evil.ts",
      "",
    ];
    for (const path of paths) {
      const response = await call(server, "POST", "/scripts/write", { path, content: "return 1;" });
      const body = await json(response);
      assert.ok(response.status === 400 || response.status === 403, `${path}: ${response.status}`);
      assert.ok(!body.error.includes(dir.root) && !body.error.includes(outside), body.error);
    }
    for (const path of ["../hello.ts", "escape/x.ts", "%2e%2e/1/hello.ts"]) {
      assert.ok(
        (await call(server, "GET", `/scripts/read?path=${encodeURIComponent(path)}`)).status >= 400,
      );
      const del = await call(
        server,
        "DELETE",
        `/scripts/delete?path=${encodeURIComponent(path)}&confirm=true`,
      );
      assert.ok(del.status === 400 || del.status === 403, path);
      const move = await call(server, "POST", "/scripts/move", { from: "hello.ts", to: path });
      assert.ok(move.status === 400 || move.status === 403, path);
    }
    assert.deepEqual(snapshot(dir.root), before);
    assert.deepEqual(readdirSync(outside), []);
  });

  test("reads a script with its magic comments, the secret redacted", async () => {
    const response = await call(server, "GET", "/scripts/read?path=secret.ts");
    const body = await json(response);
    assert.equal(response.status, 200);
    assert.equal(body.magicComments.token, "[redacted]");
    assert.equal(body.magicComments.label, "Secret one");
    assert.equal(body.metadata.extension, ".ts");
    const missing = await call(server, "GET", "/scripts/read?path=nope.ts");
    assert.equal(missing.status, 404);
  });

  test("scopes by execId (or exec_id) and answers 404 UNKNOWN_INSTANCE for a missing one", async () => {
    const two = await json(await call(server, "GET", "/scripts/read?path=two.ts&exec_id=2"));
    assert.equal(two.content, "return 2;\n");
    const missing = await call(server, "GET", "/scripts/read?path=two.ts&execId=9");
    assert.equal(missing.status, 404);
    assert.equal((await json(missing)).code, "UNKNOWN_INSTANCE");
  });

  test("lists with filters and draws the tree", async () => {
    const list = await json(await call(server, "GET", "/scripts/list?filter=hello"));
    assert.deepEqual(list.scripts.map((s: { path: string }) => s.path), ["hello.ts"]);
    const labelled = await json(await call(server, "GET", "/scripts/list?label=Secret"));
    assert.deepEqual(labelled.scripts.map((s: { path: string }) => s.path), ["secret.ts"]);
    const tree = await json(await call(server, "POST", "/scripts/tree", { baseDir: "api" }));
    assert.equal(tree.tree[0].name, "users");
    assert.equal(tree.tree[0].children[0].name, "[id].ts");
  });

  test("resolves, discovers and tests routes from the serving router", async () => {
    const resolved = await json(
      await call(server, "POST", "/route/resolve", { path: "/api/users/42" }),
    );
    assert.equal(resolved.matched, true);
    assert.equal(resolved.scriptPath, "api/users/[id].ts");
    assert.equal(resolved.routePattern, "/api/users/:id");
    assert.deepEqual(resolved.parameters, { id: "42" });
    assert.equal(resolved.type, "dynamic");
    const other = await json(
      await call(server, "POST", "/route/resolve", { path: "/two", hostname: "exec-2.localhost" }),
    );
    assert.equal(other.scriptPath, "two.ts");
    const miss = await json(await call(server, "POST", "/route/resolve", { path: "/nope" }));
    assert.equal(miss.matched, false);
    const discovered = await json(await call(server, "POST", "/route/discover", {}));
    assert.ok(discovered.routes.some((r: { filePath: string }) => r.filePath === "hello.ts"));
    const tested = await json(
      await call(server, "POST", "/route/test", { paths: ["/hello", "/nothing"] }),
    );
    assert.deepEqual([tested.tested, tested.matched, tested.notMatched], [2, 1, 1]);
    const empty = await call(server, "POST", "/route/test", { paths: [] });
    assert.equal(empty.status, 400);
    assert.equal((await json(empty)).field, "paths");
  });

  test("updates magic comments in place: only the header changes, dry_run changes nothing", async () => {
    dir.write(
      "1/edit.ts",
      "// @mode serverless\r\n// note: keep me\r\nconst x = 1;\r\nreturn { x };\r\n",
    );
    const original = readFileSync(join(dir.root, "1/edit.ts"), "utf8");
    const preview = await json(
      await call(server, "PUT", "/magic-comments/update", {
        path: "edit.ts",
        comments: { mode: "worker", timeout: 5000 },
        dry_run: true,
      }),
    );
    assert.equal(preview.dry_run, true);
    assert.deepEqual(preview.proposed, { mode: "worker", timeout: "5000" });
    assert.equal(readFileSync(join(dir.root, "1/edit.ts"), "utf8"), original);
    const applied = await call(server, "PUT", "/magic-comments/update", {
      path: "edit.ts",
      comments: "// @mode worker\n// @timeout 5000",
    });
    assert.equal(applied.status, 200);
    assert.equal(
      readFileSync(join(dir.root, "1/edit.ts"), "utf8"),
      "// @mode worker\r\n// @timeout 5000\r\n// note: keep me\r\nconst x = 1;\r\nreturn { x };\r\n",
    );
    const bad = await call(server, "PUT", "/magic-comments/update", {
      path: "edit.ts",
      comments: { timeout: "soon" },
    });
    assert.equal(bad.status, 400);
    assert.equal((await json(bad)).field, "comments.timeout");
    const injected = await call(server, "PUT", "/magic-comments/update", {
      path: "edit.ts",
      comments: { label: "a\r\nreturn 666;" },
    });
    assert.equal(injected.status, 400);
    const unknown = await call(server, "PUT", "/magic-comments/update", {
      path: "edit.ts",
      comments: { nonsense: "1" },
    });
    assert.equal(unknown.status, 400);
    assert.equal(
      readFileSync(join(dir.root, "1/edit.ts"), "utf8"),
      "// @mode worker\r\n// @timeout 5000\r\n// note: keep me\r\nconst x = 1;\r\nreturn { x };\r\n",
    );
    const read = await json(await call(server, "GET", "/magic-comments/read?path=edit.ts"));
    assert.deepEqual(read.comments, { mode: "worker", timeout: "5000" });
  });

  test("bulk-updates a folder, previewing first", async () => {
    dir.write("1/bulk/a.ts", "return 'a';\n");
    dir.write("1/bulk/b.ts", "// @label B\nreturn 'b';\n");
    const preview = await json(
      await call(server, "POST", "/magic-comments/bulk-update", {
        directory: "bulk",
        comments: { tags: "bulk" },
        dry_run: true,
      }),
    );
    assert.equal(preview.would_affect.total, 2);
    assert.equal(readFileSync(join(dir.root, "1/bulk/a.ts"), "utf8"), "return 'a';\n");
    const done = await json(
      await call(server, "POST", "/magic-comments/bulk-update", {
        directory: "bulk",
        comments: { tags: "bulk" },
      }),
    );
    assert.equal(done.results.updated, 2);
    assert.equal(
      readFileSync(join(dir.root, "1/bulk/b.ts"), "utf8"),
      "// @label B\n// @tags bulk\nreturn 'b';\n",
    );
  });

  test("names the field of a validation error", async () => {
    const response = await call(server, "POST", "/scripts/write", { path: "x.ts" });
    const body = await json(response);
    assert.equal(response.status, 400);
    assert.equal(body.code, "VALIDATION_ERROR");
    assert.equal(body.field, "content");
    const notJson = await request(server, `${API_PREFIX}/scripts/write`, {
      method: "POST",
      body: "{nope",
    });
    assert.equal(notJson.status, 400);
  });

  test("serves its OpenAPI document, listing every endpoint", async () => {
    const doc = await json(await call(server, "GET", "/openapi.json"));
    assert.equal(doc.openapi, "3.1.0");
    for (
      const path of [
        "/scripts/write",
        "/route/resolve",
        "/magic-comments/update",
        "/shared-state/set",
        "/system/restart",
      ]
    ) {
      assert.ok(doc.paths[`${API_PREFIX}${path}`], path);
    }
    const yaml = await call(server, "GET", "/openapi.yaml");
    assert.match(await yaml.text(), /^openapi: 3\.1\.0/m);
  });
});
