/** The user OpenAPI builder as tables: scripts in, operations out, and the result validates. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseOpenApiFile, parseSchemaFile } from "../../management/user-openapi/companions.ts";
import {
  createUserDocument,
  deepMerge,
  methodsOf,
  operationIdOf,
  type ScriptEntry,
} from "../../management/user-openapi/document.ts";
import { mergeDocuments } from "../../management/user-openapi/merge.ts";
import { validateDocument } from "../../management/user-openapi/validate.ts";
import type { Body as Json } from "../lib/management-calls.ts";

const USER = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", description: "Who" }, age: { type: "integer" } },
};

const entry = (file: string, more: Partial<ScriptEntry> = {}): ScriptEntry => ({
  file,
  description: null,
  label: null,
  tags: [],
  markdown: null,
  schema: parseSchemaFile(USER),
  openapi: null,
  ...more,
});

const pathsOf = (entries: ScriptEntry[]) => createUserDocument(entries).document.paths as Json;

describe("user OpenAPI document", () => {
  // schema file as written -> methods, request, response
  const SCHEMA_FILES: [
    string,
    unknown,
    { methods: string[]; request: boolean; response: boolean },
  ][] = [
    ["a bare JSON Schema is the request", USER, { methods: [], request: true, response: false }],
    ["structured request and response", { request: USER, response: { type: "string" } }, {
      methods: [],
      request: true,
      response: true,
    }],
    ["method and a response only", { method: "get", response: USER }, {
      methods: ["GET"],
      request: false,
      response: true,
    }],
    ["methods deduplicated, upper-cased", { methods: ["get", "GET", "Post"] }, {
      methods: ["GET", "POST"],
      request: false,
      response: false,
    }],
  ];
  for (const [name, value, want] of SCHEMA_FILES) {
    test(`schema file: ${name}`, () => {
      const parsed = parseSchemaFile(value);
      assert.deepEqual(parsed.methods, want.methods);
      assert.equal(parsed.request !== null, want.request);
      assert.equal(parsed.response !== null, want.response);
    });
  }

  const BAD_FILES: [string, () => unknown, RegExp][] = [
    ["a list", () => parseSchemaFile([1]), /must be a JSON object/],
    ["an unknown method", () => parseSchemaFile({ method: "FETCH" }), /not an HTTP method/],
    ["methods not a list", () => parseSchemaFile({ methods: "GET" }), /must be a list/],
    ["request not an object", () => parseSchemaFile({ request: "x" }), /"request" must be/],
    ["a sidecar method not an object", () => parseOpenApiFile({ get: 1 }), /"get" must be/],
  ];
  for (const [name, run, message] of BAD_FILES) {
    test(`refuses ${name} with a message saying what to fix`, () => {
      assert.throws(run, message);
    });
  }

  // file, methods it gets
  const METHODS: [string, Partial<ScriptEntry>, string[]][] = [
    ["POST when nothing says otherwise", {}, ["POST"]],
    ["the schema file's methods", { schema: parseSchemaFile({ methods: ["GET", "PUT"] }) }, [
      "GET",
      "PUT",
    ]],
    ["a path-item sidecar's keys win", {
      schema: parseSchemaFile({ method: "GET" }),
      openapi: { delete: { summary: "Remove" } },
    }, ["DELETE"]],
    ["an operation sidecar keeps the schema's", {
      schema: parseSchemaFile({ method: "GET" }),
      openapi: { summary: "x" },
    }, ["GET"]],
  ];
  for (const [name, more, want] of METHODS) {
    test(`methods: ${name}`, () => assert.deepEqual(methodsOf(entry("x.ts", more)), want));
  }

  test("operation ids are unique per file and method", () => {
    assert.equal(operationIdOf("POST", "api/users/[id].ts"), "post_api_users_id");
    assert.equal(operationIdOf("get", "index.ts"), "get_index");
    assert.equal(operationIdOf("GET", "[[...path]].ts"), "get_path");
  });

  test("path templates and parameters come from the file, catch-alls described as such", () => {
    const paths = pathsOf([
      entry("api/users/[id].ts"),
      entry("docs/[...slug].ts"),
      entry("pages/[[...path]].ts"),
      entry("index.ts"),
    ]);
    assert.deepEqual(Object.keys(paths).sort(), [
      "/",
      "/api/users/{id}",
      "/docs/{slug}",
      "/pages/{path}",
    ]);
    const [id] = paths["/api/users/{id}"].post.parameters;
    assert.deepEqual(id, {
      name: "id",
      in: "path",
      required: true,
      description: "One path segment",
      schema: { type: "string" },
    });
    assert.match(paths["/docs/{slug}"].post.parameters[0].description, /^Catch-all: one or more/);
    assert.match(paths["/pages/{path}"].post.parameters[0].description, /^Optional catch-all/);
    assert.equal(paths["/"].post["x-hoody-script"], "index.ts");
  });

  test("text from @label, @description, @tags and the .md companion", () => {
    const op = pathsOf([entry("hello.ts", {
      label: "Say hello",
      description: "Greets a user",
      tags: ["greetings", "demo"],
      markdown: "# Hello\n\nLonger text.\n",
    })])["/hello"].post;
    assert.equal(op.summary, "Say hello");
    assert.equal(op.description, "Greets a user\n\n# Hello\n\nLonger text.");
    assert.deepEqual(op.tags, ["greetings", "demo"]);
    const doc = createUserDocument([entry("hello.ts", { tags: ["demo"] })]).document;
    assert.deepEqual(doc.tags, [{ name: "demo" }]);
  });

  test("a GET's request schema becomes query parameters, a POST's the JSON body", () => {
    const paths = pathsOf([
      entry("find.ts", { schema: parseSchemaFile({ method: "GET", request: USER }) }),
      entry("make.ts", { schema: parseSchemaFile({ $schema: "x", ...USER }) }),
    ]);
    assert.deepEqual(paths["/find"].get.parameters.map((p: Json) => [p.name, p.required]), [
      ["name", true],
      ["age", false],
    ]);
    assert.equal(paths["/find"].get.requestBody, undefined);
    const body = paths["/make"].post.requestBody;
    assert.equal(body.required, true);
    assert.equal(body.content["application/json"].schema.$schema, undefined);
    assert.deepEqual(body.content["application/json"].schema.required, ["name"]);
  });

  test("the .openapi.json sidecar is merged over the generated operation", () => {
    const op = pathsOf([entry("hello.ts", {
      openapi: { summary: "From the sidecar", responses: { "404": { description: "No one" } } },
    })])["/hello"].post;
    assert.equal(op.summary, "From the sidecar");
    assert.deepEqual(Object.keys(op.responses).sort(), ["200", "404"]);
    assert.deepEqual(deepMerge({ a: { b: 1, c: [1] } }, { a: { c: [2] } }), {
      a: { b: 1, c: [2] },
    });
    const polluted = deepMerge({}, JSON.parse('{"__proto__": {"polluted": true}}'));
    assert.equal(({} as Json).polluted, undefined);
    assert.equal(Object.getPrototypeOf(polluted), Object.prototype);
  });

  test("scripts without a schema are left out; a second script on the same path is reported", () => {
    const built = createUserDocument([
      entry("plain.ts", { schema: null }),
      entry("api/x.ts"),
      entry("api/x/index.ts"),
    ]);
    assert.deepEqual(Object.keys(built.document.paths as Json), ["/api/x"]);
    assert.equal(built.warnings.length, 1);
    assert.match(built.warnings[0]!, /api\/x\/index\.ts: POST \/api\/x is already api\/x\.ts/);
  });

  test("the generated document validates as OpenAPI 3.0", async () => {
    const { document } = createUserDocument([
      entry("api/users/[id].ts", { tags: ["users"], description: "One user" }),
      entry("docs/[...slug].ts", { schema: parseSchemaFile({ method: "GET", request: USER }) }),
      entry("pages/[[...path]].ts", { openapi: { get: {}, post: { deprecated: true } } }),
      entry("hello.ts", { schema: parseSchemaFile({ request: USER, response: USER }) }),
    ], { title: "Mine", baseUrl: "https://api.example.com" });
    assert.equal(document.openapi, "3.0.3");
    const check = await validateDocument(document);
    assert.deepEqual(check.errors, []);
    assert.equal(check.valid, true);
  });

  test("the validator does fail: a sidecar that breaks the operation is reported", async () => {
    const { document } = createUserDocument([entry("x.ts", { openapi: { responses: "none" } })]);
    const check = await validateDocument(document);
    assert.equal(check.valid, false);
    assert.ok(check.errors.length > 0);
  });

  test("merge keeps the first definition of a path and method and reports the rest", async () => {
    const a = createUserDocument([entry("a.ts", { tags: ["x"] })]).document;
    const b = createUserDocument([entry("a.ts"), entry("b.ts", { tags: ["y"] })]).document;
    const merged = mergeDocuments([a, b, {
      paths: {},
      components: { schemas: { User: USER } },
    }], { title: "All", version: "2.0.0", description: "Both" });
    assert.equal(merged.totalPaths, 2);
    assert.equal(merged.totalTags, 2);
    assert.deepEqual(merged.conflicts, ["document 2: post /a is defined already"]);
    assert.deepEqual(merged.document.info, { title: "All", version: "2.0.0", description: "Both" });
    assert.equal((await validateDocument(merged.document)).valid, true);
  });
});
