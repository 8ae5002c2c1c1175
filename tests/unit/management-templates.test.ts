/**
 * The templates API in-process: list filters, preview, generate's inputs and refusals, and the
 * custom templates' rules. That every built-in runs is tests/http/templates.test.ts.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createInProcessManagement, type InProcessManagement } from "../lib/management-app.ts";
import { CLIENT_SHAPES, type ClientCall } from "../lib/client-shapes.ts";
import { type Body, snapshot } from "../lib/management-calls.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

describe("templates API in-process", () => {
  let dir: ScriptsDir;
  let app: InProcessManagement;
  /** A call; a 200 body must have the shape the original client declares for that call. */
  const call = async (method: string, path: string, body?: unknown) => {
    const answer = await app.call(method, path, body);
    const route = `${method} ${path.split("?")[0]!.replace(/(custom)\/[^/]+$/, "$1/:name")}`;
    if (answer.status === 200) {
      const checked = CLIENT_SHAPES[route as ClientCall].safeParse(answer.body);
      assert.ok(checked.success, `${route}: ${JSON.stringify(checked.error?.issues)}`);
    }
    return answer;
  };
  const names = (body: Body) => body.templates.map((t: Body) => t.name);
  before(async () => {
    dir = tmpScripts({ "1/existing.ts": "return 'old';" });
    app = await createInProcessManagement(dir.root);
  });
  after(async () => {
    app[Symbol.dispose]();
    await dir[Symbol.asyncDispose]();
  });

  test("generate fills placeholders from variables and defaults, and writes nothing without saveFile", async () => {
    const before = snapshot(dir.root);
    const { status, body } = await call("POST", "/templates/generate", {
      name: "basic",
      variables: { message: "hey" },
    });
    assert.equal(status, 200);
    assert.deepEqual(
      { ...body, code: undefined },
      {
        generated: true,
        template: "basic",
        code: undefined,
        saved: false,
        path: null,
        variables: { mode: "serverless", message: "hey" },
      },
    );
    assert.match(body.code, /^\/\/ @mode serverless\n/);
    assert.match(body.code, /message: "hey"/);
    assert.deepEqual(snapshot(dir.root), before);
  });

  test("a missing required param and unknown variables are listed in one 400", async () => {
    const { status, body } = await call("POST", "/templates/generate", {
      name: "middleware-pre",
      variables: { colour: "red", header: "x-key" },
    });
    assert.equal(status, 400);
    assert.equal(body.code, "TEMPLATE_VARIABLES");
    assert.deepEqual(body.missing, ["apiKey"]);
    assert.deepEqual(body.unknown, ["colour"]);
    assert.match(body.error, /missing required variables: apiKey; unknown variables: colour/);
  });

  test("saveFile needs an outputPath inside the instance, and does not replace a file unless told", async () => {
    const before = snapshot(dir.root);
    const noPath = await call("POST", "/templates/generate", { name: "basic", saveFile: true });
    assert.equal(noPath.status, 400);
    assert.equal(noPath.body.field, "outputPath");
    const escape = await call("POST", "/templates/generate", {
      name: "basic",
      saveFile: true,
      outputPath: "../2/x.ts",
    });
    assert.equal(escape.status, 403);
    const absolute = await call("POST", "/templates/generate", {
      name: "basic",
      saveFile: true,
      outputPath: "/etc/x.ts",
    });
    assert.equal(absolute.status, 400);
    const taken = await call("POST", "/templates/generate", {
      name: "basic",
      saveFile: true,
      outputPath: "existing.ts",
    });
    assert.equal(taken.status, 409);
    assert.deepEqual(snapshot(dir.root), before);
    const replaced = await call("POST", "/templates/generate", {
      name: "basic",
      saveFile: true,
      outputPath: "existing.ts",
      overwrite: true,
    });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.equal(replaced.body.path, "existing.ts");
    assert.equal(readFileSync(join(dir.root, "1/existing.ts"), "utf8"), replaced.body.code);
  });

  test("a generated script that does not compile or has a bad magic comment is refused and nothing is written", async () => {
    const created = await call("POST", "/templates/create-custom", {
      name: "broken",
      code: "return {{value}} +;",
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const before = snapshot(dir.root);
    const refused = await call("POST", "/templates/generate", {
      name: "broken",
      variables: { value: "1" },
      saveFile: true,
      outputPath: "broken.ts",
    });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.step, "validate");
    const badMode = await call("POST", "/templates/generate", {
      name: "basic",
      variables: { mode: "fast" },
      saveFile: true,
      outputPath: "fast.ts",
    });
    assert.equal(badMode.status, 400);
    assert.match(badMode.body.error, /mode/);
    assert.deepEqual(snapshot(dir.root), before);
  });

  test("preview shows the code with its placeholders, or filled when variables are given", async () => {
    const raw = await call("GET", "/templates/preview?name=middleware-post");
    assert.equal(raw.status, 200);
    const t = raw.body.template;
    assert.equal(t.substituted, false);
    assert.equal(t.code, t.originalCode);
    assert.match(t.code, /\{\{field\}\}/);
    assert.deepEqual(t.metadata.params, ["field"]);
    const filled = await call(
      "GET",
      `/templates/preview?name=middleware-post&variables=${encodeURIComponent('{"field":"at"}')}`,
    );
    assert.equal(filled.body.template.substituted, true);
    assert.match(filled.body.template.code, /\bat: new Date/);
    const bad = await call("GET", "/templates/preview?name=basic&variables=nope");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, "variables");
    const unknown = await call("GET", "/templates/preview?name=nope");
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /templates\/list/);
  });

  test("custom templates: create, list, generate, update, delete; placeholders not declared are required params", async () => {
    const created = await call("POST", "/templates/create-custom", {
      name: "greeter",
      code: "return { hi: '{{who}}', n: {{count}} };",
      metadata: {
        description: "Greets",
        category: "demo",
        params: [{ name: "count", default: "1" }],
        secret: "dropped",
      },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual(
      { ...created.body, metadata: undefined },
      { created: true, name: "greeter", path: "_hoody/templates/greeter.js", metadata: undefined },
    );
    const m = created.body.metadata;
    assert.deepEqual(
      [m.name, m.category, m.description, m.params, m.builtin],
      ["greeter", "demo", "Greets", ["count", "who"], false],
    );
    assert.equal(m.secret, undefined);
    assert.deepEqual(m.paramDetails.map((p: Body) => [p.name, p.required]), [
      ["count", false],
      ["who", true],
    ]);
    assert.equal(
      readFileSync(join(dir.root, "_hoody/templates/greeter.js"), "utf8"),
      "return { hi: '{{who}}', n: {{count}} };",
    );

    const listed = await call("GET", "/templates/list?category=demo");
    assert.deepEqual(names(listed.body), ["greeter"]);
    const customOnly = await call("GET", "/templates/list?includeBuiltin=false");
    assert.deepEqual(names(customOnly.body), ["broken", "greeter"]);
    const builtinOnly = await call("GET", "/templates/list?includeCustom=false");
    assert.ok(!names(builtinOnly.body).includes("greeter"));
    assert.ok(names(builtinOnly.body).includes("basic"));

    const missing = await call("POST", "/templates/generate", { name: "greeter" });
    assert.deepEqual(missing.body.missing, ["who"]);
    const generated = await call("POST", "/templates/generate", {
      name: "greeter",
      variables: { who: "ann" },
    });
    assert.equal(generated.body.code, "return { hi: 'ann', n: 1 };");

    const updated = await call("PUT", "/templates/update-custom/greeter", {
      code: "return '{{who}} {{mood}}';",
      metadata: { description: "Greets, moodily" },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.updated, true);
    assert.equal(updated.body.metadata.description, "Greets, moodily");
    assert.equal(updated.body.metadata.category, "demo");
    assert.deepEqual(updated.body.metadata.params, ["count", "who", "mood"]);

    const nothing = await call("PUT", "/templates/update-custom/greeter", {});
    assert.equal(nothing.status, 400);
    assert.equal(nothing.body.error, "update requires code or description");

    const deleted = await call("DELETE", "/templates/delete-custom/greeter");
    assert.deepEqual(deleted.body, { deleted: true, name: "greeter" });
    assert.ok(!existsSync(join(dir.root, "_hoody/templates/greeter.js")));
    assert.ok(!existsSync(join(dir.root, "_hoody/templates/greeter.json")));
    assert.equal((await call("DELETE", "/templates/delete-custom/greeter")).status, 404);
    assert.equal(
      (await call("PUT", "/templates/update-custom/greeter", { code: "x" })).status,
      404,
    );
  });

  test("custom template names are checked, built-ins are neither shadowed nor changed", async () => {
    for (const name of ["a..b", "a/b", "x".repeat(65), "sp ace"]) {
      const { status, body } = await call("POST", "/templates/create-custom", { name, code: "1" });
      assert.equal(status, 400, name);
      assert.equal(body.field, "name", name);
    }
    const shadow = await call("POST", "/templates/create-custom", { name: "basic", code: "1" });
    assert.equal(shadow.status, 409);
    const first = await call("POST", "/templates/create-custom", { name: "twice", code: "1" });
    assert.equal(first.status, 200);
    const again = await call("POST", "/templates/create-custom", { name: "twice", code: "2" });
    assert.equal(again.status, 409);
    assert.match(again.body.error, /update-custom/);
    const update = await call("PUT", "/templates/update-custom/basic", { code: "return 1;" });
    assert.equal(update.status, 403);
    const remove = await call("DELETE", "/templates/delete-custom/basic");
    assert.equal(remove.status, 403);
    const big = await call("POST", "/templates/create-custom", {
      name: "big",
      code: "x".repeat(512 * 1024 + 1),
    });
    assert.equal(big.status, 413);
    assert.ok(!existsSync(join(dir.root, "_hoody/templates/big.js")));
  });
});

describe("templates API in-process: a templates folder that leaves the scripts root", () => {
  test("create-custom is refused (403) and writes nothing outside", async () => {
    const outside = mkdtempSync(join(tmpdir(), "hoody-exec-outside-"));
    await using dir = tmpScripts({ "1/a.ts": "return 1;", "_hoody/.keep": "" });
    symlinkSync(outside, join(dir.root, "_hoody/templates"));
    using app = await createInProcessManagement(dir.root);
    const { status } = await app.call("POST", "/templates/create-custom", { name: "x", code: "1" });
    assert.equal(status, 403);
    assert.ok(!existsSync(join(outside, "x.js")));
  });
});
