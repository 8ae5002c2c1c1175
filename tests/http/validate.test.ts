import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunningHoodyExec } from "../../runtime/serve.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { managementCall, request, startServer } from "../lib/server.ts";

// The checks that need no running script are in tests/unit/management-validate.test.ts.

const post = (server: RunningHoodyExec, path: string, body: unknown) =>
  managementCall(server, "POST", path, body);

describe("validation and the one activation path", () => {
  let dir: ScriptsDir;
  let server: RunningHoodyExec;
  before(async () => {
    dir = tmpScripts({ "1/hello.ts": 'return { id: metadata.parameters.id ?? "old" };' });
    server = await startServer(dir.root);
  });
  after(async () => {
    await server.stop();
    await dir[Symbol.asyncDispose]();
  });

  test("scripts/write with typecheck refuses a type error: nothing changes, the old version keeps serving", async () => {
    const before = readFileSync(join(dir.root, "1/hello.ts"), "utf8");
    const { status, body } = await post(server, "/scripts/write", {
      path: "hello.ts",
      content: 'return { id: metadata.paramters.id ?? "new" };',
      typecheck: true,
    });
    assert.equal(status, 400);
    assert.equal(body.step, "typecheck");
    assert.equal(body.line, 1);
    assert.match(body.error, /paramters/);
    assert.equal(readFileSync(join(dir.root, "1/hello.ts"), "utf8"), before);
    assert.deepEqual(await (await request(server, "/hello")).json(), { id: "old" });

    const good = await post(server, "/scripts/write", {
      path: "hello.ts",
      content: 'return { id: metadata.parameters.id ?? "new" };',
      typecheck: true,
    });
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.deepEqual(good.body.steps, {
      validate: "ok",
      typecheck: "ok",
      install: "skipped",
      activate: "ok",
    });
    assert.deepEqual(await (await request(server, "/hello")).json(), { id: "new" });
  });
});
