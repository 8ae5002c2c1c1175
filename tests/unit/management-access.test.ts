/** The management API in-process: shared state limits and admin access. */
import { API_PREFIX } from "../../runtime/server/management-path.ts";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createInProcessManagement, type InProcessManagement } from "../lib/management-app.ts";
import { callWith, json } from "../lib/management-calls.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

type CallArgs = [method: string, path: string, body?: unknown, headers?: Record<string, string>];
const call = (app: InProcessManagement, ...args: CallArgs) => callWith(app.fetch, ...args);
const request = (app: InProcessManagement, path: string, init: RequestInit) =>
  app.fetch(path, init);

describe("management API in-process: shared state", () => {
  let dir: ScriptsDir;
  let server: InProcessManagement;
  before(async () => {
    dir = tmpScripts({ "1/counter.ts": "return 1;\n" });
    server = await createInProcessManagement(dir.root);
  });
  after(async () => {
    server[Symbol.dispose]();
    await dir[Symbol.asyncDispose]();
  });

  test("never lets __proto__, constructor or prototype pollute anything", async () => {
    const bodies = [
      { path: "__proto__.polluted", value: 1 },
      { path: "a.constructor.prototype", value: 1 },
      { path: "a", value: JSON.parse('{"__proto__":{"polluted":1}}') },
      { value: JSON.parse('{"x":{"constructor":{"prototype":{"polluted":1}}}}') },
      { path: "m", value: JSON.parse('{"__proto__":{"polluted":1}}'), merge: true },
    ];
    for (const body of bodies) {
      const response = await request(server, `${API_PREFIX}/shared-state/set`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 400, JSON.stringify(body));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual((await json(await call(server, "POST", "/shared-state/get", {}))).state, {});
  });

  test("enforces the size limits", async () => {
    const big = await call(server, "POST", "/shared-state/set", {
      path: "big",
      value: "x".repeat(300 * 1024),
    });
    assert.equal(big.status, 400);
    const longPath = await call(server, "POST", "/shared-state/set", {
      path: "a".repeat(600),
      value: 1,
    });
    assert.equal(longPath.status, 400);
    assert.equal((await json(longPath)).field, "path");
    const longHost = await call(server, "POST", "/shared-state/get", { hostname: "h".repeat(300) });
    assert.equal(longHost.status, 400);
  });
});

describe("management API in-process: admin access", () => {
  let dir: ScriptsDir;
  let server: InProcessManagement;
  before(async () => {
    dir = tmpScripts({ "1/hello.ts": "return 1;" });
    server = await createInProcessManagement(dir.root, { adminToken: "t0ken" });
  });
  after(async () => {
    server[Symbol.dispose]();
    await dir[Symbol.asyncDispose]();
  });

  test("needs the token as Bearer or X-Admin-Token; health stays open", async () => {
    assert.equal((await call(server, "GET", "/list")).status, 401);
    assert.equal(
      (await call(server, "GET", "/list", undefined, { authorization: "Bearer nope" })).status,
      401,
    );
    assert.equal(
      (await call(server, "GET", "/list", undefined, { authorization: "Bearer t0ken" })).status,
      200,
    );
    assert.equal(
      (await call(server, "GET", "/list", undefined, { "x-admin-token": "t0ken" })).status,
      200,
    );
    assert.equal((await call(server, "GET", "/health")).status, 200);
    assert.equal((await call(server, "GET", "/openapi.json")).status, 401);
  });
});
