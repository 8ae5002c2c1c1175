/**
 * The management API driven as the original client (hoody-sdk v1.0.0-beta.12) drives it: its
 * request shapes, its parameter habits, and the response shapes its types declare.
 */
import assert from "node:assert/strict";
import type { Body } from "../lib/management-calls.ts";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunningHoodyExec } from "../../runtime/serve.ts";
import { CLIENT_SHAPES, type ClientCall } from "../lib/client-shapes.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { eventually, managementCall, request, startServer } from "../lib/server.ts";

const SCRIPTS = {
  "1/hello.ts": "// @label Greeter\nreturn { hello: 1 };\n",
  "1/bulk/a.ts": "return 'a';\n",
  "1/counter.ts": [
    "// @mode worker",
    "globalThis.loaded = (globalThis.loaded ?? 0) + 1;",
    "shared.hits = (shared.hits ?? 0) + 1;",
    "return { loaded: globalThis.loaded, hits: shared.hits };",
  ].join("\n"),
  "1/wait.ts": [
    "// @mode worker",
    "while (!shared.release) await new Promise((r) => setTimeout(r, 10));",
    "return 'released';",
  ].join("\n"),
  "2/two.ts": "return 2;\n",
};

describe("the original client's calls", () => {
  let dir: ScriptsDir;
  let server: RunningHoodyExec;
  const call = (method: string, path: string, body?: unknown) =>
    managementCall(server, method, path, body);
  /** A call that must succeed with the body the client's types declare. */
  const conforming = async (name: ClientCall, path = "", body?: unknown) => {
    const [method, route] = name.split(" ") as [string, string];
    const answer = await call(method, `${route}${path}`, body);
    assert.ok(answer.status >= 200 && answer.status < 300, `${name}: ${JSON.stringify(answer)}`);
    const checked = CLIENT_SHAPES[name].safeParse(answer.body);
    assert.ok(checked.success, `${name}: ${JSON.stringify(checked.error?.issues)}`);
    return answer.body;
  };

  before(async () => {
    dir = tmpScripts(SCRIPTS);
    server = await startServer(dir.root);
  });
  after(async () => {
    await server.stop();
    await dir[Symbol.asyncDispose]();
  });

  test("every call with a server endpoint answers in the shape the client declares", async () => {
    await conforming("GET /health");
    await conforming("GET /list");
    await conforming("POST /scripts/write", "", { path: "tmp/x.ts", content: "return 1;" });
    await conforming("GET /scripts/read", "?path=hello.ts");
    await conforming("POST /scripts/tree", "", { baseDir: "" });
    await conforming("POST /scripts/move", "", { from: "tmp/x.ts", to: "tmp/y.ts" });
    await conforming("DELETE /scripts/delete", "?path=tmp/y.ts&confirm=true");
    await conforming("POST /shared-state/set", "", { hostname: "127.0.0.1", value: { a: 1 } });
    await conforming("POST /shared-state/get", "", { hostname: "127.0.0.1" });
    await conforming("POST /shared-state/get", "", { hostname: "127.0.0.1", path: "nope" });
    await conforming("POST /shared-state/clear", "", { hostname: "127.0.0.1", path: "a" });
    await conforming("POST /cache/clear", "", { hostname: "127.0.0.1" });
    const resolved = await conforming("POST /route/resolve", "", { path: "/hello" });
    assert.equal(resolved.matched, true);
    const missed = await conforming("POST /route/resolve", "", { path: "/nowhere" });
    assert.equal(missed.matched, false);
    await conforming("POST /route/discover", "", {});
    await conforming("POST /route/test", "", { paths: ["/hello", "/nowhere"] });
    await conforming("GET /system/restart-status");
    await conforming("GET /magic-comments/schema");
    await conforming("GET /magic-comments/read", "?path=hello.ts");
    const bulk = { directory: "bulk", comments: "// @tags bulk" };
    await conforming("PUT /magic-comments/update", "", {
      path: "hello.ts",
      comments: "// @tags one",
      dry_run: true,
    });
    await conforming("PUT /magic-comments/update", "", {
      path: "hello.ts",
      comments: "// @tags one",
    });
    await conforming("POST /magic-comments/bulk-update", "", { ...bulk, dry_run: true });
    await conforming("POST /magic-comments/bulk-update", "", bulk);
    await conforming("POST /package/init", "", {});
    await conforming("GET /package/read");
    await conforming("POST /package/update", "", { dependencies: { "left-pad": "^1.3.0" } });
    await conforming("POST /package/compare", "", {});
    await conforming("POST /package/pin", "", {});
    await conforming("POST /package/pin", "", {});
    await conforming("GET /dependencies/bundled");
    await conforming("POST /dependencies/check", "", { modules: "fs" });
    const code = "// @mode worker\nconst n: number = 1;\nreturn { n };";
    await conforming("POST /validate/typescript", "", { code });
    await conforming("POST /validate/syntax", "", { code });
    await conforming("POST /validate/dependencies", "", { code });
    await conforming("POST /validate/magic-comments", "", { code: "// @mode fast\nreturn 1;" });
    await conforming("POST /validate/script", "", { code });
    const typed = await conforming("POST /validate/return-type", "", {
      typeDefinition: "{ id: number; tags?: string[] }",
      value: { id: 1 },
    });
    assert.deepEqual(typed.parsedType, {
      type: "object",
      properties: { id: { type: "number" }, tags: { type: "array", items: { type: "string" } } },
      required: ["id"],
    });
  });

  test("monitor/active-requests gives startedAt as an ISO date, and never the request's headers", async () => {
    const waiting = request(server, "/wait", { headers: { authorization: "Bearer secret-xyz" } });
    assert.ok(
      await eventually(async () => (await call("GET", "/monitor/active-requests")).body.count > 0),
    );
    const active = await conforming("GET /monitor/active-requests");
    assert.equal(active.active[0].scriptPath, "wait.ts");
    assert.doesNotMatch(JSON.stringify(active), /secret-xyz|headers/);
    await call("POST", "/shared-state/set", { path: "release", value: true });
    assert.equal(await (await waiting).text(), "released");
    await call("POST", "/shared-state/clear", { path: "release" });
  });

  test("shared-state takes any host name, mapped to its instance as the Host header is", async () => {
    await call("POST", "/shared-state/set", { hostname: "exec-2.example.com", value: { n: 2 } });
    await call("POST", "/shared-state/set", { hostname: "localhost:8080", value: { n: 1 } });
    const two = await call("POST", "/shared-state/get", { execId: "2" });
    assert.deepEqual(two.body.state, { n: 2 });
    const viaSub = await call("POST", "/shared-state/get", {
      hostname: "x.abc-exec-2.example.com",
    });
    assert.deepEqual(viaSub.body.state, { n: 2 });
    assert.equal(viaSub.body.hostname, "x.abc-exec-2.example.com");
    const one = await call("POST", "/shared-state/get", { hostname: "127.0.0.1" });
    assert.deepEqual(one.body.state, { n: 1 });
    const long = await call("POST", "/shared-state/get", { hostname: "h".repeat(257) });
    assert.equal(long.status, 400);
    const hidden = await call("POST", "/shared-state/get", { execId: "node_modules" });
    assert.equal(hidden.status, 400);
    await call("POST", "/shared-state/clear", { clearAll: true });
  });

  test("cache/clear restarts worker-mode Workers (fresh globals, shared kept); clearState empties shared", async () => {
    const hit = async () => await (await request(server, "/counter")).json() as Body;
    await hit();
    assert.deepEqual(await hit(), { loaded: 2, hits: 2 });
    const cleared = await call("POST", "/cache/clear", { hostname: "localhost" });
    assert.equal(cleared.status, 200);
    assert.ok(cleared.body.vmCache.cleared >= 1, JSON.stringify(cleared.body));
    assert.equal(cleared.body.sharedState.cleared, 0);
    assert.deepEqual(await hit(), { loaded: 1, hits: 3 });
    const other = await call("POST", "/cache/clear", { hostname: "exec-2.localhost" });
    assert.equal(other.body.vmCache.cleared, 0, "another instance's Workers are not touched");
    assert.deepEqual(await hit(), { loaded: 2, hits: 4 });
    const wiped = await call("POST", "/cache/clear", { clearState: true });
    assert.equal(wiped.body.sharedState.cleared, 1);
    assert.deepEqual(await hit(), { loaded: 1, hits: 1 });
  });

  test("an empty query parameter means no constraint", async () => {
    const all = await call("GET", "/scripts/list");
    const blank = await call("GET", "/scripts/list?label=&tags=&mode=&enabled=&websocket=");
    assert.equal(blank.status, 200, JSON.stringify(blank.body));
    assert.deepEqual(blank.body, all.body);
    const labelled = await call("GET", "/scripts/list?label=Greeter&tags=&mode=&enabled=");
    assert.deepEqual(labelled.body.scripts.map((s: Body) => s.path), ["hello.ts"]);
    assert.deepEqual(labelled.body.filters, { label: "Greeter" });
    const typed = await call("GET", "/scripts/list?mode=worker&enabled=true");
    assert.deepEqual(typed.body.filters, { mode: "worker", enabled: "true" });
  });

  test("error messages are the bare texts, the field beside them", async () => {
    const noCode = await call("POST", "/validate/syntax", {});
    assert.deepEqual([noCode.body.error, noCode.body.field], [
      "Missing code in request body",
      "code",
    ]);
    const unconfirmed = await call("DELETE", "/scripts/delete?path=hello.ts");
    assert.equal(unconfirmed.body.error, "confirm=true parameter required for safety");
    const noPaths = await call("POST", "/route/test", { paths: [] });
    assert.equal(noPaths.body.error, "paths array is required");
    const noComments = await call("PUT", "/magic-comments/update", {
      path: "hello.ts",
      comments: "",
    });
    assert.equal(noComments.body.error, "comments object is required");
    const missing = await call("POST", "/scripts/write", { path: "x.ts" });
    assert.deepEqual([missing.body.error, missing.body.field], ["content is required", "content"]);
    const excluded = await call("GET", "/scripts/read?path=node_modules/x.js");
    assert.deepEqual([excluded.status, excluded.body.error], [403, "Path is excluded from access"]);
    for (const answer of [noCode, unconfirmed, noPaths, noComments, missing]) {
      assert.ok(!/^\w+: /.test(answer.body.error), answer.body.error);
    }
  });

  test("a .. path answers 403", async () => {
    const attempts = [
      await call("POST", "/scripts/write", { path: "../evil.ts", content: "return 1;" }),
      await call("GET", "/scripts/read?path=..%2F2%2Ftwo.ts"),
      await call("PUT", "/magic-comments/update", { path: "a/../../x.ts", comments: "// @tags x" }),
      await call("POST", "/magic-comments/bulk-update", {
        directory: "..",
        comments: "// @tags x",
      }),
    ];
    for (const answer of attempts) {
      assert.deepEqual([answer.status, answer.body.code], [403, "FORBIDDEN"], answer.body.error);
    }
    assert.ok(!existsSync(join(dir.root, "evil.ts")));
  });

  test("a .json write is parsed first: 400 Invalid JSON, nothing written", async () => {
    const bad = await call("POST", "/scripts/write", {
      path: "data/bad.json",
      content: "{not json",
    });
    assert.deepEqual([bad.status, bad.body.error, bad.body.field], [
      400,
      "Invalid JSON",
      "content",
    ]);
    assert.ok(!existsSync(join(dir.root, "1/data/bad.json")));
    const good = await call("POST", "/scripts/write", { path: "data/ok.json", content: '{"a":1}' });
    assert.equal(good.status, 200);
    assert.equal(good.body.validated, true);
    assert.equal(readFileSync(join(dir.root, "1/data/ok.json"), "utf8"), '{"a":1}');
    const notes = await call("POST", "/scripts/write", { path: "notes.md", content: "{not json" });
    assert.equal(notes.status, 200, "other extensions are stored unchecked");
  });
});
