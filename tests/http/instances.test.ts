/** Which folder a request or a management call reaches: hidden names never, `{sub}.` hosts, `subdomain`. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RunningHoodyExec } from "../../runtime/serve.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { managementCall, request, startServer } from "../lib/server.ts";
import { type Body, HIDDEN_FOLDER_FILES } from "../lib/management-calls.ts";

// The management calls' side (hidden execIds, /list, subdomain) runs in-process:
// tests/unit/management-instances.test.ts.
describe("instances: hidden folders, {sub}. hosts, subdomain", () => {
  let dir: ScriptsDir;
  let server: RunningHoodyExec;
  const call = (method: string, path: string, body?: unknown) =>
    managementCall(server, method, path, body);

  before(async () => {
    dir = tmpScripts(HIDDEN_FOLDER_FILES);
    server = await startServer(dir.root);
  });
  after(async () => {
    await server.stop();
    await dir[Symbol.asyncDispose]();
  });

  test("a Host naming a hidden folder answers 404 UNKNOWN_INSTANCE, never runs its files", async () => {
    const hosts = [
      "exec-node_modules.localhost",
      "exec-_private.localhost",
      "exec-_hoody.localhost",
    ];
    for (const host of hosts) {
      for (const path of ["/evil", "/evil/index", "/evil/index.js", "/"]) {
        const response = await request(server, path, { host });
        const body = await response.json() as Body;
        assert.equal(response.status, 404, `${host}${path}`);
        assert.equal(body.code, "UNKNOWN_INSTANCE", `${host}${path}`);
      }
    }
    assert.equal(
      await (await request(server, "/hello", { host: "exec-1.localhost" })).text(),
      "one",
    );
  });

  test("a {sub}.-prefixed host is served by the instance its second label names", async () => {
    const response = await request(server, "/two", { host: "foo.abc-exec-2.example.com" });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "two");
    const viaPort = await request(server, "/two", { host: "foo.exec-2.localhost:8080" });
    assert.equal(await viaPort.text(), "two");
    const resolved = await call("POST", "/route/resolve", {
      path: "/two",
      hostname: "foo.abc-exec-2.example.com",
    });
    assert.equal(resolved.body.execId, "2");
  });
});
