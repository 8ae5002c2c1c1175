/**
 * The management calls that need a running script (or a real restart, or the front's CORS): the
 * rest run in-process in tests/unit/management-app.test.ts.
 */
import { API_PREFIX } from "../../runtime/server/management-path.ts";
import assert from "node:assert/strict";
import { existsSync, symlinkSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunningHoodyExec } from "../../runtime/serve.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { request, startServer } from "../lib/server.ts";
import { callWith, json, MANAGEMENT_FILES, snapshot } from "../lib/management-calls.ts";

type CallArgs = [method: string, path: string, body?: unknown, headers?: Record<string, string>];
const call = (server: RunningHoodyExec, ...args: CallArgs) =>
  callWith((path, init) => request(server, path, init), ...args);

describe("management API: scripts, routes, magic comments", () => {
  let dir: ScriptsDir;
  let server: RunningHoodyExec;
  let outside: string;
  before(async () => {
    outside = mkdtempSync(join(tmpdir(), "hoody-exec-outside-"));
    dir = tmpScripts(MANAGEMENT_FILES);
    symlinkSync(outside, join(dir.root, "1", "escape"));
    server = await startServer(dir.root);
  });
  after(async () => {
    await server.stop();
    await dir[Symbol.asyncDispose]();
  });

  test("writes a script that answers on the very next request, then edits it", async () => {
    const write = await call(server, "POST", "/scripts/write", {
      path: "new/greet.ts",
      content: "return { greet: 'hi' };\n",
    });
    const body = await json(write);
    assert.equal(write.status, 200, JSON.stringify(body));
    assert.equal(body.created, true);
    assert.equal(body.resolvedPath, "1/new/greet.ts");
    assert.deepEqual(await (await request(server, "/new/greet")).json(), { greet: "hi" });
    await call(server, "POST", "/scripts/write", {
      path: "new/greet.ts",
      content: "return { greet: 'again' };\n",
    });
    assert.deepEqual(await (await request(server, "/new/greet")).json(), { greet: "again" });
  });

  test("refuses a script with a syntax error with line and column; the old version keeps serving", async () => {
    const before = snapshot(dir.root);
    const response = await call(server, "POST", "/scripts/write", {
      path: "hello.ts",
      content: "// @mode serverless\nreturn { broken: ;\n",
    });
    const body = await json(response);
    assert.equal(response.status, 400);
    assert.equal(body.code, "VALIDATION_ERROR");
    assert.equal(body.line, 2);
    assert.equal(typeof body.column, "number");
    assert.ok(!body.error.includes(dir.root), "no host path in the error");
    assert.deepEqual(snapshot(dir.root), before);
    assert.deepEqual(await (await request(server, "/hello")).json(), { hello: 1 });
  });

  test("moves and deletes (delete needs confirm=true)", async () => {
    // Written through the API, which updates the routes at once (a file written by hand waits for
    // the watcher).
    const written = await call(server, "POST", "/scripts/write", {
      path: "mv.ts",
      content: "return 'moved';\n",
    });
    assert.equal(written.status, 200);
    assert.equal((await request(server, "/mv")).status, 200);
    const moved = await call(server, "POST", "/scripts/move", { from: "mv.ts", to: "sub/mv2.ts" });
    assert.equal(moved.status, 200);
    assert.equal((await request(server, "/mv")).status, 404);
    assert.deepEqual(await (await request(server, "/sub/mv2")).text(), "moved");
    const clash = await call(server, "POST", "/scripts/move", {
      from: "sub/mv2.ts",
      to: "hello.ts",
    });
    assert.equal(clash.status, 409);
    const unconfirmed = await call(server, "DELETE", "/scripts/delete?path=sub/mv2.ts");
    assert.equal(unconfirmed.status, 400);
    assert.match((await json(unconfirmed)).error, /confirm=true/);
    assert.ok(existsSync(join(dir.root, "1/sub/mv2.ts")));
    const deleted = await call(server, "DELETE", "/scripts/delete?path=sub/mv2.ts&confirm=true");
    assert.equal(deleted.status, 200);
    assert.equal((await request(server, "/sub/mv2")).status, 404);
  });
});

describe("management API: shared state, cache, system", () => {
  let dir: ScriptsDir;
  let server: RunningHoodyExec;
  before(async () => {
    dir = tmpScripts({
      "1/counter.ts": "// @mode worker\nreturn { deploy: shared.deploy ?? null };\n",
    });
    server = await startServer(dir.root);
  });
  after(async () => {
    await server.stop();
    await dir[Symbol.asyncDispose]();
  });

  test("sets, merges, reads and clears with dot paths; running Workers see it", async () => {
    assert.deepEqual(await (await request(server, "/counter")).json(), { deploy: null });
    const set = await json(
      await call(server, "POST", "/shared-state/set", { path: "deploy.sha", value: "abc" }),
    );
    assert.equal(set.updated, true);
    await call(server, "POST", "/shared-state/set", {
      path: "deploy",
      value: { by: "ci" },
      merge: true,
    });
    const got = await json(await call(server, "POST", "/shared-state/get", { path: "deploy" }));
    assert.deepEqual(got.state, { sha: "abc", by: "ci" });
    assert.equal(got.exists, true);
    assert.deepEqual(await (await request(server, "/counter")).json(), {
      deploy: { sha: "abc", by: "ci" },
    });
    const miss = await json(await call(server, "POST", "/shared-state/get", { path: "nope.x" }));
    assert.deepEqual([miss.exists, miss.state], [false, null]);
    const cleared = await json(
      await call(server, "POST", "/shared-state/clear", { path: "deploy.by" }),
    );
    assert.equal(cleared.count, 1);
    await call(server, "POST", "/shared-state/clear", {});
    assert.deepEqual((await json(await call(server, "POST", "/shared-state/get", {}))).state, {});
  });

  test("clears the compiled cache and, on request, the state", async () => {
    await call(server, "POST", "/shared-state/set", { path: "k", value: 1 });
    const cleared = await json(await call(server, "POST", "/cache/clear", { clearState: true }));
    assert.equal(cleared.cleared, true);
    assert.equal(cleared.sharedState.cleared, 1);
    assert.deepEqual(await (await request(server, "/counter")).json(), { deploy: null });
    const deprecated = await call(server, "POST", "/cache/clear", { scriptPath: "counter.ts" });
    assert.equal(deprecated.status, 400);
  });

  test("restarts gracefully and reports the restart status", async () => {
    const status = await json(await call(server, "GET", "/system/restart-status"));
    assert.equal(status.canRestart, true);
    assert.equal(typeof status.uptimeFormatted, "string");
    const restarted = await json(
      await call(server, "POST", "/system/restart", {
        drainTimeoutMs: 1000,
        wait: true,
        reason: "test",
      }),
    );
    assert.equal(restarted.message, "Restart completed");
    assert.deepEqual(await (await request(server, "/counter")).json(), { deploy: null });
    const after = await json(await call(server, "GET", "/system/restart-status"));
    assert.equal(after.restarting, false);
    assert.equal(after.lastRestart.reason, "test");
  });
});

describe("management API: admin access", () => {
  let dir: ScriptsDir;
  let server: RunningHoodyExec;
  before(async () => {
    dir = tmpScripts({ "1/hello.ts": "return 1;" });
    server = await startServer(dir.root, { adminToken: "t0ken" });
  });
  after(async () => {
    await server.stop();
    await dir[Symbol.asyncDispose]();
  });

  test("refuses a foreign Origin with 403 and sends no CORS headers", async () => {
    const response = await call(server, "GET", "/list", undefined, {
      authorization: "Bearer t0ken",
      origin: "https://evil.example",
    });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    const preflight = await request(server, `${API_PREFIX}/scripts/write`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    assert.equal(preflight.headers.get("access-control-allow-origin"), null);
  });
});
