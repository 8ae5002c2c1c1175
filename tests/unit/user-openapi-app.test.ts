/** user-openapi/* in-process: every endpoint's answer, and a clear error for each bad input. */
import assert from "node:assert/strict";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { validateDocument } from "../../management/user-openapi/validate.ts";
import { createInProcessManagement, type InProcessManagement } from "../lib/management-app.ts";
import { snapshot } from "../lib/management-calls.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

const USER = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string" } },
};

const FILES = {
  "1/hello.ts": "// @description Says hello\n// @tags greetings\nreturn 'hi';\n",
  "1/hello.schema.json": JSON.stringify({ request: USER, response: { type: "string" } }),
  "1/hello.md": "Longer words about hello.\n",
  "1/api/users/[id].ts": "// @label Get a user\nreturn metadata.parameters;\n",
  "1/api/users/[id].openapi.json": JSON.stringify({ get: { summary: "One user" } }),
  "1/api/docs/[...slug].ts": "return 1;\n",
  "1/api/docs/[...slug].schema.json": JSON.stringify({ method: "GET" }),
  "1/plain.ts": "return 'no schema';\n",
  "1/broken.ts": "return 1;\n",
  "1/broken.schema.json": "{ not json",
  "1/bad-method.ts": "return 1;\n",
  "1/bad-method.openapi.json": JSON.stringify({ responses: "none" }),
  "1/_lib/helper.ts": "export const x = 1;\n",
  "1/pre.ts": "return undefined;\n",
  "2/other.ts": "return 2;\n",
  "2/other.schema.json": JSON.stringify(USER),
};

describe("user-openapi endpoints in-process", () => {
  let dir: ScriptsDir;
  let server: InProcessManagement;
  before(async () => {
    dir = tmpScripts(FILES);
    server = await createInProcessManagement(dir.root);
  });
  after(async () => {
    server[Symbol.dispose]();
    await dir[Symbol.asyncDispose]();
  });

  test("list: every route with its route path, parameters and schema format", async () => {
    const { status, body } = await server.call("GET", "/user-openapi/list");
    assert.equal(status, 200);
    assert.equal(body.success, true);
    assert.equal(body.data.directory, "1");
    assert.equal(body.data.totalScripts, 6);
    assert.equal(body.data.withSchemas, 4);
    const byPath = Object.fromEntries(body.data.scripts.map((s: { path: string }) => [s.path, s]));
    assert.deepEqual(byPath["api/users/[id].ts"], {
      path: "api/users/[id].ts",
      routePath: "/api/users/:id",
      hasSchema: true,
      schemaFormat: "openapi-json",
      pathParameters: ["id"],
      methods: ["GET"],
    });
    assert.deepEqual(byPath["plain.ts"], {
      path: "plain.ts",
      routePath: "/plain",
      hasSchema: false,
    });
    assert.equal(byPath["hello.ts"].schemaFormat, "json-schema");
    assert.match(byPath["broken.ts"].errors[0], /broken\.schema\.json is not valid JSON/);
    assert.equal(byPath["_lib/helper.ts"], undefined);
    const sub = await server.call("GET", "/user-openapi/list?dir=api/docs&execId=1");
    assert.equal(sub.body.data.directory, "1/api/docs");
    assert.equal(sub.body.data.totalScripts, 1);
    const other = await server.call("GET", "/user-openapi/list?directory=scripts&execId=2");
    assert.equal(other.body.data.scripts[0].path, "other.ts");
  });

  test("generate: a valid OpenAPI 3.0 document in data, with meta", async () => {
    const { status, body } = await server.call("POST", "/user-openapi/generate", {
      title: "My API",
      version: "2.1.0",
      baseUrl: "https://exec-1.example.com",
    });
    assert.equal(status, 200);
    assert.equal(body.success, true);
    const doc = body.data;
    assert.equal(doc.openapi, "3.0.3");
    assert.deepEqual(doc.info, {
      title: "My API",
      version: "2.1.0",
      description: "Endpoints generated from the scripts that have a schema file",
    });
    assert.deepEqual(doc.servers, [{ url: "https://exec-1.example.com" }]);
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      "/api/docs/{slug}",
      "/api/users/{id}",
      "/bad-method",
      "/hello",
    ]);
    const hello = doc.paths["/hello"].post;
    assert.equal(hello.summary, "Says hello");
    assert.equal(hello.description, "Says hello\n\nLonger words about hello.");
    assert.deepEqual(hello.tags, ["greetings"]);
    assert.equal(doc.paths["/api/users/{id}"].get.summary, "One user");
    assert.equal(body.meta.pathCount, 4);
    assert.equal(body.meta.scanDirectory, "1");
    assert.ok(!Number.isNaN(Date.parse(body.meta.generatedAt)));
    assert.match(body.meta.warnings.join("\n"), /broken\.schema\.json is not valid JSON/);
    const without = await server.call("POST", "/user-openapi/generate", {
      excludePatterns: ["bad-*"],
    });
    assert.equal((await validateDocument(without.body.data)).valid, true);
    const only = await server.call("POST", "/user-openapi/generate", {
      directories: ["api"],
      includePatterns: ["api/users/**"],
    });
    assert.deepEqual(Object.keys(only.body.data.paths), ["/api/users/{id}"]);
    const flat = await server.call("POST", "/user-openapi/generate", { recursive: false });
    assert.deepEqual(Object.keys(flat.body.data.paths).sort(), ["/bad-method", "/hello"]);
  });

  test("spec: JSON in data, or the bare document as YAML", async () => {
    const json = await server.call("GET", "/user-openapi/spec");
    assert.equal(json.status, 200);
    assert.equal(json.body.data.openapi, "3.0.3");
    const yaml = await server.fetch("/api/v1/exec/user-openapi/spec?format=yaml&dir=api");
    assert.equal(yaml.status, 200);
    assert.match(yaml.headers.get("content-type") ?? "", /^application\/yaml/);
    const doc = parse(await yaml.text());
    assert.deepEqual(Object.keys(doc.paths).sort(), ["/api/docs/{slug}", "/api/users/{id}"]);
    const bad = await server.call("GET", "/user-openapi/spec?format=xml");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "VALIDATION_ERROR");
    assert.equal(bad.body.field, "format");
  });

  test("merge: scripts of folders plus documents passed in, conflicts reported", async () => {
    const { status, body } = await server.call("POST", "/user-openapi/merge", {
      directories: ["scripts"],
      specs: [{
        openapi: "3.0.3",
        info: { title: "x", version: "1" },
        paths: { "/hello": { post: { responses: { "200": { description: "other" } } } } },
        tags: [{ name: "extra", description: "From a spec" }],
      }],
    });
    assert.equal(status, 200);
    assert.equal(body.data.info.title, "Merged API");
    assert.equal(body.data.info.version, "1.0.0");
    assert.equal(body.data.info.description, "Combined OpenAPI specification");
    assert.equal(body.meta.totalPaths, 4);
    assert.equal(body.meta.totalTags, 2);
    assert.deepEqual(body.meta.conflicts, ["document 2: post /hello is defined already"]);
    assert.equal(body.data.paths["/hello"].post.summary, "Says hello");
    const empty = await server.call("POST", "/user-openapi/merge", {});
    assert.equal(empty.status, 400);
    assert.equal(empty.body.field, "directories");
    const badSpec = await server.call("POST", "/user-openapi/merge", { specs: [{ paths: [] }] });
    assert.equal(badSpec.status, 400);
    assert.equal(badSpec.body.field, "specs.0.paths");
  });

  test("schema: the file as written; 404 when the script has none", async () => {
    const { status, body } = await server.call(
      "GET",
      `/user-openapi/schema?file=${encodeURIComponent("hello.ts")}`,
    );
    assert.equal(status, 200);
    assert.deepEqual(body.data, { request: USER, response: { type: "string" } });
    assert.deepEqual(body.meta, {
      file: "hello.ts",
      schemaFile: "hello.schema.json",
      format: "json-schema",
    });
    const sidecar = await server.call("GET", "/user-openapi/schema?path=api/users/[id].ts");
    assert.equal(sidecar.body.meta.format, "openapi-json");
    const none = await server.call("GET", "/user-openapi/schema?file=plain.ts");
    assert.equal(none.status, 404);
    assert.match(none.body.error, /^No schema file found for this script/);
  });

  test("validate: the sidecar checked as the operation it makes", async () => {
    const good = await server.call("POST", "/user-openapi/validate", {
      file: "api/users/[id].ts",
    });
    assert.equal(good.status, 200);
    assert.deepEqual(good.body, {
      success: true,
      data: {
        file: "api/users/[id].ts",
        schemaFile: "api/users/[id].openapi.json",
        format: "openapi-json",
        valid: true,
        parsed: { get: { summary: "One user" } },
      },
    });
    const bad = await server.call("POST", "/user-openapi/validate", { path: "bad-method.ts" });
    assert.equal(bad.status, 200);
    assert.equal(bad.body.data.valid, false);
    assert.ok(bad.body.errors.length > 0);
    const schemaOnly = await server.call("POST", "/user-openapi/validate", { file: "hello.ts" });
    assert.equal(schemaOnly.body.data.format, "json-schema");
    assert.equal(schemaOnly.body.data.valid, true);
    const broken = await server.call("POST", "/user-openapi/validate", { file: "broken.ts" });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.code, "BAD_REQUEST");
    assert.match(broken.body.error, /broken\.schema\.json is not valid JSON/);
    const none = await server.call("POST", "/user-openapi/validate", { file: "plain.ts" });
    assert.equal(none.status, 404);
    assert.match(none.body.error, /^No schema file found for this script/);
  });

  test("the management API's own document says these answer in data", async () => {
    const doc = await (await server.fetch("/api/v1/exec/openapi.json")).json();
    const ok = doc.paths["/api/v1/exec/user-openapi/generate"].post.responses["200"];
    assert.match(ok.description, /\{success: true, data, meta\}/);
    const other = doc.paths["/api/v1/exec/scripts/read"].get.responses["200"];
    assert.match(other.description, /no envelope/);
  });

  test("bad inputs answer a clear error and change nothing", async () => {
    const before = snapshot(dir.root);
    const cases: [string, string, unknown, number, string, string | RegExp][] = [
      ["GET", "/user-openapi/list?dir=../2", undefined, 403, "FORBIDDEN", /path traversal/],
      ["GET", "/user-openapi/list?dir=nope", undefined, 404, "NOT_FOUND", /No folder 1\/nope/],
      ["GET", "/user-openapi/list?dir=/etc", undefined, 400, "BAD_PATH", /relative/],
      ["GET", "/user-openapi/list?execId=9", undefined, 404, "UNKNOWN_INSTANCE", /No instance/],
      ["GET", "/user-openapi/list?subdomain=x", undefined, 400, "UNSUPPORTED_SUBDOMAIN", /./],
      ["POST", "/user-openapi/generate", { recursive: "yes" }, 400, "VALIDATION_ERROR", /./],
      ["POST", "/user-openapi/generate", { directories: ["api", "x"] }, 404, "NOT_FOUND", /1\/x/],
      ["GET", "/user-openapi/schema", undefined, 400, "VALIDATION_ERROR", /file or path/],
      ["GET", "/user-openapi/schema?file=notes.txt", undefined, 400, "BAD_REQUEST", /not a route/],
      ["GET", "/user-openapi/schema?file=_lib/helper.ts", undefined, 400, "BAD_REQUEST", /route/],
      ["POST", "/user-openapi/validate", {}, 400, "VALIDATION_ERROR", /file or path/],
      ["POST", "/user-openapi/validate", { file: "a/../../x.ts" }, 403, "FORBIDDEN", /\.\./],
    ];
    for (const [method, path, body, status, code, message] of cases) {
      const answer = await server.call(method, path, body);
      assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, code, path);
      assert.match(answer.body.error, message as RegExp, path);
    }
    assert.deepEqual(snapshot(dir.root), before);
  });

  test("a companion symlinked out of the instance is not read", async () => {
    dir.write("outside.schema.json", JSON.stringify(USER));
    dir.write("1/linked.ts", "return 1;\n");
    symlinkSync(join(dir.root, "outside.schema.json"), join(dir.root, "1/linked.schema.json"));
    const { body } = await server.call("GET", "/user-openapi/schema?file=linked.ts");
    assert.match(body.error, /^No schema file found/);
  });
});
