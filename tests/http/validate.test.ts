import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunningHoodyExec } from "../../runtime/serve.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { managementCall, request, startServer } from "../lib/server.ts";

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

  test("validate/script with typecheck reports a misspelt global with line and column", async () => {
    const code = "const x = 1;\nreturn { id: metadata.paramters.id };";
    const { status, body } = await post(server, "/validate/script", { code, typecheck: true });
    assert.equal(status, 200);
    assert.equal(body.valid, false);
    assert.equal(body.results.syntax.valid, true);
    const [error] = body.results.typecheck.errors;
    assert.match(error.message, /paramters/);
    assert.equal(error.line, 2);
    assert.equal(error.column, 23);
    const ok = await post(server, "/validate/script", {
      code: "res.status(201);\nreturn { q: req.query, s: shared.visits };",
      typecheck: true,
    });
    assert.equal(ok.body.valid, true, JSON.stringify(ok.body));
    assert.equal(ok.body.results.typecheck.valid, true);
  });

  test("validate/syntax, typescript, dependencies, magic-comments and return-type answer their shapes", async () => {
    const bad = await post(server, "/validate/syntax", { code: "return {" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "VALIDATION_ERROR");
    const syntax = await post(server, "/validate/syntax", { code: "return 1;" });
    assert.equal(syntax.body.valid, true);
    assert.equal(syntax.body.message, "JavaScript syntax is valid");
    const ts = await post(server, "/validate/typescript", {
      code: "const n: number = 1;\nreturn n;",
    });
    assert.equal(ts.body.valid, true);
    assert.ok(!ts.body.javascript.includes(": number"));
    const deps = await post(server, "/validate/dependencies", {
      code: 'const fs = require("node:fs");\nconst x = require("not-installed-pkg");\nreturn 1;',
    });
    assert.equal(deps.body.allInstalled, false);
    assert.deepEqual(deps.body.missingModules, ["not-installed-pkg"]);
    const comments = await post(server, "/validate/magic-comments", {
      code: "// @mode worker\n// @timeout 5000\nreturn 1;",
    });
    assert.deepEqual(comments.body.magicComments, { mode: "worker", timeout: "5000" });
    const matches = await post(server, "/validate/return-type", {
      typeDefinition: "{ id: number; tags: string[] }",
      value: { id: 1, tags: ["a"] },
    });
    assert.equal(matches.body.valid, true);
    const wrong = await post(server, "/validate/return-type", {
      typeDefinition: "{ id: number }",
      value: { id: "1" },
    });
    assert.equal(wrong.body.valid, false);
    assert.ok(wrong.body.errors.length > 0);
    const empty = await post(server, "/validate/script", { code: "" });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error, /Missing code in request body/);
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
