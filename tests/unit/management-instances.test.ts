/** Which folder a management call reaches, in-process: hidden names never, `subdomain`. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createInProcessManagement, type InProcessManagement } from "../lib/management-app.ts";
import { type Body, HIDDEN_FOLDER_FILES } from "../lib/management-calls.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

describe("management instances in-process: hidden folders, subdomain", () => {
  let dir: ScriptsDir;
  let server: InProcessManagement;
  const call = (method: string, path: string, body?: unknown) => server.call(method, path, body);

  before(async () => {
    dir = tmpScripts(HIDDEN_FOLDER_FILES);
    server = await createInProcessManagement(dir.root);
  });
  after(async () => {
    server[Symbol.dispose]();
    await dir[Symbol.asyncDispose]();
  });

  test("/list never shows a hidden folder", async () => {
    const list = await call("GET", "/list");
    assert.deepEqual(list.body.execIds.map((e: Body) => e.id), ["1", "2"]);
    assert.equal(list.body.total, 2);
  });

  test("management calls refuse a hidden execId and touch nothing", async () => {
    const refused = [
      await call("GET", "/scripts/list?execId=node_modules"),
      await call("GET", "/scripts/read?execId=_private&path=evil.ts"),
      await call("GET", "/scripts/read?exec_id=node_modules&path=evil/index.js"),
      await call("POST", "/scripts/write", { execId: "node_modules", path: "x.js", content: "1" }),
      await call("POST", "/scripts/write", { execId: "_new", path: "x.ts", content: "return 1;" }),
      await call("POST", "/route/resolve", { path: "/evil", hostname: "exec-node_modules.x" }),
      await call("POST", "/route/discover", { execId: "_private" }),
      await call("GET", "/magic-comments/read?execId=_private&path=evil.ts"),
    ];
    for (const answer of refused) {
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.field, "execId");
    }
    assert.ok(!existsSync(join(dir.root, "node_modules/x.js")));
    assert.ok(!existsSync(join(dir.root, "_new")));
  });

  test("every call takes subdomain: default is today's layout, any other is refused by name", async () => {
    const doc = await call("GET", "/openapi.json");
    for (const [path, methods] of Object.entries(doc.body.paths as Record<string, Body>)) {
      for (const [method, op] of Object.entries(methods)) {
        const names = [
          ...(op.parameters?.map((p: Body) => p.name) ?? []),
          ...Object.keys(op.requestBody?.content["application/json"].schema.properties ?? {}),
        ];
        assert.ok(names.includes("subdomain"), `${method} ${path}`);
      }
    }
    const ok = await call("GET", "/scripts/read?path=hello.ts&subdomain=default");
    assert.equal(ok.body.content, "return 'one';\n");
    const refused = [
      await call("GET", "/scripts/read?path=hello.ts&subdomain=foo"),
      await call("POST", "/scripts/write", {
        path: "x.ts",
        content: "return 1;",
        subdomain: "foo",
      }),
      await call("POST", "/scripts/write?subdomain=foo", { path: "x.ts", content: "return 1;" }),
      await call("POST", "/shared-state/set", { value: { a: 1 }, subdomain: "foo" }),
      await call("GET", "/list?subdomain=foo"),
      await call("POST", "/route/resolve", { path: "/hello", subdomain: 7 }),
    ];
    for (const answer of refused) {
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.code, "UNSUPPORTED_SUBDOMAIN");
      assert.equal(answer.body.field, "subdomain");
    }
    assert.ok(!existsSync(join(dir.root, "1/x.ts")));
    const state = await call("POST", "/shared-state/get", {});
    assert.deepEqual(state.body.state, {});
  });
});
