/** Validation in-process: the checks `validate/*` report, no script run. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createInProcessManagement, type InProcessManagement } from "../lib/management-app.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

const post = (server: InProcessManagement, path: string, body: unknown) =>
  server.call("POST", path, body);

describe("validation in-process", () => {
  let dir: ScriptsDir;
  let server: InProcessManagement;
  before(async () => {
    dir = tmpScripts({ "1/hello.ts": 'return { id: metadata.parameters.id ?? "old" };' });
    server = await createInProcessManagement(dir.root);
  });
  after(async () => {
    server[Symbol.dispose]();
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

  test("code that does not parse is reported as such: its imports are not guessed", async () => {
    const code = 'const x = require("not-installed-pkg");\nreturn {';
    const deps = await post(server, "/validate/dependencies", { code });
    assert.equal(deps.status, 400);
    assert.equal(deps.body.code, "VALIDATION_ERROR");
    assert.equal(deps.body.field, "code");
    assert.equal(deps.body.line, 2);
    assert.match(deps.body.error, /^Syntax error at 2:/);
    const check = await post(server, "/dependencies/check", { code });
    assert.equal(check.status, 400);
    assert.equal(check.body.field, "code");
    const script = await post(server, "/validate/script", { code });
    assert.equal(script.status, 200);
    assert.equal(script.body.valid, false);
    assert.equal(script.body.results.syntax.valid, false);
    assert.deepEqual(script.body.results.dependencies, {
      total: 0,
      installed: 0,
      missing: 0,
      missingModules: [],
      allInstalled: false,
      checked: false,
      reason: "the code has a syntax error",
    });
  });
});
