/**
 * Script versions and If-Match through the management API in-process: every change through the API
 * keeps what it replaced, rollback goes through the validated activation path, a stale If-Match
 * answers 412 and loses nothing. tests/http/versions.test.ts runs the CLI against a real server.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sha256Hex } from "../../runtime/hex.ts";
import { createInProcessManagement, type InProcessManagement } from "../lib/management-app.ts";
import { snapshot } from "../lib/management-calls.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

describe("script versions and If-Match, in-process", () => {
  let dir: ScriptsDir;
  let app: InProcessManagement;
  let outside: string;
  before(async () => {
    outside = mkdtempSync(join(tmpdir(), "hoody-exec-outside-"));
    dir = tmpScripts({ "1/keep.ts": "return 'keep';\n", "2/two.ts": "return 2;\n" });
    symlinkSync(outside, join(dir.root, "1", "escape"));
    app = await createInProcessManagement(dir.root);
  });
  after(async () => {
    app[Symbol.dispose]();
    await dir[Symbol.asyncDispose]();
    rmSync(outside, { recursive: true, force: true });
  });

  const write = (path: string, content: string, extra: Record<string, unknown> = {}) =>
    app.call("POST", "/scripts/write", { path, content, ...extra });
  const versions = (path: string, execId = "1") =>
    app.call("GET", `/scripts/versions?path=${encodeURIComponent(path)}&execId=${execId}`);
  const rollback = (path: string, version: unknown, extra: Record<string, unknown> = {}) =>
    app.call("POST", "/scripts/rollback", { path, version, ...extra });
  const live = (path: string) => readFileSync(join(dir.root, "1", path), "utf8");

  test("write, write: versions lists the first content, with its hash", async () => {
    const start = Date.now();
    const first = "return 'first';\n";
    const second = "return 'second';\n";
    assert.equal((await write("hello.ts", first)).status, 200);
    assert.deepEqual((await versions("hello.ts")).body.versions, []);
    const written = await write("hello.ts", second);
    assert.equal(written.status, 200);
    assert.equal(written.body.hash, await sha256Hex(second));
    const listed = await versions("hello.ts");
    assert.equal(listed.status, 200);
    assert.equal(listed.body.resolvedPath, "1/hello.ts");
    assert.deepEqual(listed.body.current, { hash: await sha256Hex(second), size: second.length });
    assert.equal(listed.body.count, 1);
    const [version] = listed.body.versions;
    assert.equal(version.version, 1);
    assert.equal(version.hash, await sha256Hex(first));
    assert.equal(version.size, first.length);
    assert.equal(version.change, "write");
    assert.equal(new Date(version.time).toISOString(), version.time);
    assert.ok(Date.parse(version.time) >= start, "kept by this write, not earlier");
  });

  test("writing the same content again keeps no version", async () => {
    await write("same.ts", "return 1;\n");
    await write("same.ts", "return 1;\n");
    assert.equal((await versions("same.ts")).body.count, 0);
  });

  test("rollback restores the old content and is itself a version", async () => {
    const rolled = await rollback("hello.ts", 1);
    assert.equal(rolled.status, 200, JSON.stringify(rolled.body));
    assert.equal(live("hello.ts"), "return 'first';\n");
    assert.equal(rolled.body.hash, await sha256Hex("return 'first';\n"));
    assert.equal(rolled.body.rolledBackTo.version, 1);
    assert.equal(rolled.body.steps.validate, "ok");
    const listed = (await versions("hello.ts")).body.versions;
    assert.deepEqual(listed.map((v: { version: number }) => v.version), [2, 1]);
    assert.equal(listed[0].change, "rollback");
    assert.equal(listed[0].hash, await sha256Hex("return 'second';\n"));
  });

  test("versions/read answers one version's record and content", async () => {
    const read = await app.call("GET", "/scripts/versions/read?path=hello.ts&version=2");
    assert.equal(read.status, 200);
    assert.equal(read.body.content, "return 'second';\n");
    assert.equal(read.body.hash, await sha256Hex(read.body.content));
    assert.equal(read.body.version, 2);
    assert.equal(read.body.change, "rollback");
    assert.equal(read.body.resolvedPath, "1/hello.ts");
    const unknown = await app.call("GET", "/scripts/versions/read?path=hello.ts&version=7");
    assert.equal(unknown.status, 404);
    const bad = await app.call("GET", "/scripts/versions/read?path=hello.ts&version=two");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, "version");
    const escape = await app.call("GET", "/scripts/versions/read?path=../2/two.ts&version=1");
    assert.equal(escape.status, 403);
  });

  test("read answers the hash (and ETag) that If-Match takes back", async () => {
    const read = await app.fetch("/api/v1/exec/scripts/read?path=hello.ts");
    const body = await read.json() as { hash: string; content: string };
    assert.equal(body.hash, await sha256Hex(body.content));
    assert.equal(read.headers.get("etag"), `"${body.hash}"`);
    const written = await app.fetch("/api/v1/exec/scripts/write", {
      method: "POST",
      headers: { "content-type": "application/json", "if-match": read.headers.get("etag")! },
      body: JSON.stringify({ path: "hello.ts", content: "return 'third';\n" }),
    });
    assert.equal(written.status, 200);
    assert.equal(written.headers.get("etag"), `"${await sha256Hex("return 'third';\n")}"`);
  });

  test("two editors with the same hash: the second gets 412 and nothing is lost", async () => {
    const base = (await app.call("GET", "/scripts/read?path=hello.ts")).body.hash as string;
    const before = (await versions("hello.ts")).body.count as number;
    const alice = await write("hello.ts", "return 'alice';\n", { ifMatch: base });
    assert.equal(alice.status, 200);
    for (const bob of [{ ifMatch: base }, { ifMatch: `"${base}"` }]) {
      const stale = await write("hello.ts", "return 'bob';\n", bob);
      assert.equal(stale.status, 412);
      assert.equal(stale.body.code, "PRECONDITION_FAILED");
      assert.equal(stale.body.currentHash, alice.body.hash);
      assert.match(stale.body.error, /changed since you read it/);
    }
    const header = await app.call("POST", "/scripts/write", {
      path: "hello.ts",
      content: "return 'bob';\n",
      ifMatch: alice.body.hash,
    }, { "if-match": base });
    assert.equal(header.status, 412, "the header wins over the field");
    assert.equal(live("hello.ts"), "return 'alice';\n");
    const listed = (await versions("hello.ts")).body;
    assert.equal(listed.count, before + 1, "only alice's write kept a version");
    assert.equal(listed.versions[0].hash, base, "what alice replaced is kept");
    const merged = await write("hello.ts", "return 'bob';\n", { ifMatch: alice.body.hash });
    assert.equal(merged.status, 200, "bob, after reading again, writes");
  });

  test("two editors sending the same hash at once: exactly one wins", async () => {
    const base = (await app.call("GET", "/scripts/read?path=hello.ts")).body.hash as string;
    const contents = ["return 'left';\n", "return 'right';\n"];
    const answers = await Promise.all(
      contents.map((content) => write("hello.ts", content, { ifMatch: base })),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 412]);
    const winner = contents[answers.findIndex((a) => a.status === 200)];
    assert.equal(live("hello.ts"), winner);
    assert.equal((await versions("hello.ts")).body.versions[0].hash, base);
  });

  test("If-Match on a missing file, * and bad values", async () => {
    const missing = await write("nothere.ts", "return 1;\n", { ifMatch: "*" });
    assert.equal(missing.status, 412);
    assert.equal(missing.body.currentHash, null);
    const star = await write("hello.ts", "return 'star';\n", { ifMatch: "*" });
    assert.equal(star.status, 200);
    const bad = await write("hello.ts", "return 'x';\n", { ifMatch: "v3" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, "ifMatch");
    assert.equal(live("hello.ts"), "return 'star';\n");
  });

  test("a stale write is refused before any step runs: no package is installed", async () => {
    const stale = await write(
      "hello.ts",
      'import pad from "hoody-versions-test-missing-package";\nreturn pad;\n',
      { ifMatch: "0".repeat(64) },
    );
    assert.equal(stale.status, 412);
    assert.equal(stale.body.step, undefined);
    assert.ok(!existsSync(join(dir.root, "package.json")), "the installer never ran");
  });

  test("move keeps versions of what left both paths; rollback brings a moved file back", async () => {
    await write("a.ts", "return 'a';\n");
    await write("b.ts", "return 'b';\n");
    const moved = await app.call("POST", "/scripts/move", {
      from: "a.ts",
      to: "b.ts",
      overwrite: true,
    });
    assert.equal(moved.status, 200);
    const fromA = (await versions("a.ts")).body;
    assert.equal(fromA.current, null);
    assert.equal(fromA.versions[0].change, "move");
    assert.equal(fromA.versions[0].hash, await sha256Hex("return 'a';\n"));
    const fromB = (await versions("b.ts")).body;
    assert.equal(fromB.versions[0].change, "move");
    assert.equal(fromB.versions[0].hash, await sha256Hex("return 'b';\n"));
    assert.equal((await rollback("a.ts", fromA.versions[0].version)).status, 200);
    assert.equal(live("a.ts"), "return 'a';\n");
    assert.equal((await rollback("b.ts", fromB.versions[0].version)).status, 200);
    assert.equal(live("b.ts"), "return 'b';\n");
  });

  test("moving a folder keeps a version of each file in it", async () => {
    await write("dir/one.ts", "return 1;\n");
    await write("dir/sub/two.ts", "return 2;\n");
    assert.equal(
      (await app.call("POST", "/scripts/move", { from: "dir", to: "moved" })).status,
      200,
    );
    assert.equal((await versions("dir/one.ts")).body.versions[0].change, "move");
    assert.equal((await versions("dir/sub/two.ts")).body.versions[0].change, "move");
  });

  test("delete keeps a version: the file comes back with one rollback", async () => {
    await write("gone.ts", "return 'gone';\n");
    const deleted = await app.call("DELETE", "/scripts/delete?path=gone.ts&confirm=true");
    assert.equal(deleted.status, 200);
    const listed = (await versions("gone.ts")).body;
    assert.equal(listed.current, null);
    assert.equal(listed.versions[0].change, "delete");
    assert.equal((await rollback("gone.ts", listed.versions[0].version)).status, 200);
    assert.equal(live("gone.ts"), "return 'gone';\n");
  });

  test("a magic-comment update keeps the content it rewrote", async () => {
    await write("comments.ts", "return 'c';\n");
    const updated = await app.call("PUT", "/magic-comments/update", {
      path: "comments.ts",
      comments: { mode: "worker" },
    });
    assert.equal(updated.status, 200);
    const [version] = (await versions("comments.ts")).body.versions;
    assert.equal(version.change, "magic-comments");
    assert.equal(version.hash, await sha256Hex("return 'c';\n"));
  });

  test("a version that no longer passes validation is refused, naming the step", async () => {
    await write("broken.ts", "return (;\n", { validate: false });
    await write("broken.ts", "return 'fixed';\n");
    const refused = await rollback("broken.ts", 1);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.step, "validate");
    assert.equal(live("broken.ts"), "return 'fixed';\n");
    assert.equal((await versions("broken.ts")).body.count, 1, "a refused rollback keeps nothing");
  });

  test("bad inputs get clear errors and change nothing", async () => {
    const before = snapshot(dir.root);
    const unknown = await rollback("hello.ts", 99);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /No version 99 of 1\/hello\.ts \(it has [\d, ]+\): list them/);
    for (const version of [0, -1, 1.5, "abc", undefined]) {
      const bad = await rollback("hello.ts", version);
      assert.equal(bad.status, 400, String(version));
      assert.equal(bad.body.field, "version");
    }
    for (const path of ["../2/two.ts", "%2e%2e/2/two.ts", "escape/x.ts", "node_modules/x.ts"]) {
      assert.equal((await versions(path)).status, 403, path);
      assert.equal((await rollback(path, 1)).status, 403, path);
    }
    assert.equal((await versions("/etc/passwd")).status, 400);
    const none = await versions("never.ts");
    assert.equal(none.status, 404);
    assert.match(none.body.error, /No file 1\/never\.ts and no versions of it/);
    assert.equal((await versions("moved")).status, 400, "a folder");
    assert.equal((await versions("two.ts", "9")).status, 404, "unknown instance");
    assert.equal((await versions("hello.ts", "2")).status, 404, "versions are per instance");
    assert.deepEqual(snapshot(dir.root), before);
  });

  test("versions stay hidden: no listing shows them", async () => {
    const listed = await app.call("GET", "/scripts/list?dir=");
    const paths = listed.body.scripts.map((s: { path: string }) => s.path);
    assert.ok(paths.length > 0);
    assert.ok(paths.every((p: string) => !p.includes("_hoody") && !p.includes("versions")));
  });

  test("past --versions-keep, the oldest versions of the script go", async () => {
    app.control.versionLimits = { perScript: 2, totalBytes: 1 << 30 };
    try {
      for (let i = 1; i <= 5; i++) await write("bounded.ts", `return ${i};\n`);
      const listed = (await versions("bounded.ts")).body.versions;
      assert.deepEqual(listed.map((v: { version: number }) => v.version), [4, 3]);
      assert.equal(listed[0].hash, await sha256Hex("return 4;\n"));
      assert.equal(listed[1].hash, await sha256Hex("return 3;\n"));
    } finally {
      delete app.control.versionLimits;
    }
  });

  test("past --versions-max-bytes, the oldest versions of any script go", async () => {
    const sizeOf = async (path: string) =>
      ((await versions(path)).body.versions as { size: number }[]).reduce((n, v) => n + v.size, 0);
    await write("big-a.ts", `return '${"a".repeat(100)}';\n`);
    await write("big-a.ts", "return 'a';\n");
    await write("big-b.ts", `return '${"b".repeat(100)}';\n`);
    await write("big-b.ts", "return 'b';\n");
    const kept = await sizeOf("big-b.ts");
    app.control.versionLimits = { perScript: 50, totalBytes: kept };
    try {
      await write("big-b.ts", "return 'b again';\n");
      assert.deepEqual((await versions("big-a.ts")).body.versions, [], "the oldest went first");
      assert.equal((await versions("hello.ts")).body.count, 0, "every other script's too");
      assert.ok(await sizeOf("big-b.ts") <= kept);
      assert.equal(
        (await versions("big-b.ts")).body.versions[0].hash,
        await sha256Hex("return 'b';\n"),
      );
    } finally {
      delete app.control.versionLimits;
    }
  });
});
