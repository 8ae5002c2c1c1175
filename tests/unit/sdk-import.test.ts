/** SDK import's pure parts: documents to operations, operations to files, the options, the guards. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  parseDocument,
  resolveDocument,
  type SdkApi,
  toSdkApi,
} from "../../management/sdk/document.ts";
import {
  generateSdkFiles,
  parseMagicComments,
  parseMiddleware,
} from "../../management/sdk/generate.ts";
import { readMarker } from "../../management/sdk/marker.ts";
import { authHeaderOf, checkNotSelf } from "../../management/sdk/source.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";
import { ServerError } from "../../runtime/errors.ts";

const SOURCE = "https://docs.example.com/specs/api.json";

const apiOf = async (doc: Record<string, unknown>) => {
  const { resolved, version } = await resolveDocument(doc);
  return toSdkApi(resolved, version, SOURCE);
};

const ok = { responses: { "200": { description: "ok" } } };

describe("document -> operations", () => {
  test("JSON and YAML texts parse to the same document; other text is a 400", () => {
    assert.deepEqual(parseDocument('{"openapi":"3.1.0"}'), { openapi: "3.1.0" });
    assert.deepEqual(parseDocument("openapi: 3.1.0\n"), { openapi: "3.1.0" });
    for (const text of ["- a list", "just words", "a: [unclosed"]) {
      assert.throws(() => parseDocument(text), (e: ServerError) => e.code === "VALIDATION_ERROR");
    }
  });

  test("3.1: server variables take their defaults, path-level parameters are shared, $refs resolved", async () => {
    const api = await apiOf({
      openapi: "3.1.0",
      info: { title: "Items", version: "1" },
      servers: [{
        url: "https://{region}.example.com/v2/",
        variables: { region: { default: "eu" } },
      }],
      components: {
        schemas: {
          Item: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
        },
      },
      paths: {
        "/items/{id}": {
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          get: { operationId: "getItem", ...ok },
          put: {
            parameters: [{ name: "dry", in: "query", schema: { type: "boolean" } }],
            requestBody: {
              required: true,
              content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
            },
            ...ok,
          },
        },
      },
    });
    assert.equal(api.upstream, "https://eu.example.com/v2");
    assert.equal(api.dialect, "draft-2020-12");
    assert.deepEqual(api.operations.map((o) => `${o.method} ${o.path}`), [
      "GET /items/{id}",
      "PUT /items/{id}",
    ]);
    assert.deepEqual(api.operations[1]!.parameters.map((p) => `${p.in}:${p.name}:${p.required}`), [
      "path:id:true",
      "query:dry:false",
    ]);
    assert.deepEqual(api.operations[1]!.body, {
      required: true,
      schema: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
    });
  });

  test("a relative server URL is resolved against the document's URL", async () => {
    const api = await apiOf({
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      servers: [{ url: "/api/v3" }],
      paths: { "/a": { get: ok } },
    });
    assert.equal(api.upstream, "https://docs.example.com/api/v3");
    assert.equal(api.dialect, "openapi-3.0");
  });

  test("Swagger 2.0: host, basePath and schemes; a parameter's own fields are its schema; the body parameter", async () => {
    const api = await apiOf({
      swagger: "2.0",
      info: { title: "Old", version: "1" },
      host: "old.example.com",
      basePath: "/v1",
      schemes: ["http"],
      paths: {
        "/users": {
          post: {
            parameters: [
              { name: "limit", in: "query", type: "integer", required: true },
              { name: "user", in: "body", required: true, schema: { type: "object" } },
            ],
            ...ok,
          },
        },
      },
    });
    assert.equal(api.upstream, "http://old.example.com/v1");
    assert.deepEqual(api.operations[0]!.parameters, [{
      name: "limit",
      in: "query",
      required: true,
      schema: { type: "integer" },
    }]);
    assert.deepEqual(api.operations[0]!.body, { required: true, schema: { type: "object" } });
  });

  test("a recursive schema is cut at its first repeat, with a warning", async () => {
    const api = await apiOf({
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      components: {
        schemas: {
          Node: { type: "object", properties: { next: { $ref: "#/components/schemas/Node" } } },
        },
      },
      paths: {
        "/n": {
          post: {
            requestBody: {
              content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } },
            },
            ...ok,
          },
        },
      },
    });
    assert.deepEqual(api.operations[0]!.body?.schema, { type: "object", properties: { next: {} } });
    assert.match(api.warnings[0]!, /recursive/);
  });

  test("an invalid document, or one with no operations, is a 400 that says why", async () => {
    await assert.rejects(resolveDocument({ openapi: "3.0.0", paths: {} }), /not a valid OpenAPI/);
    await assert.rejects(
      apiOf({ openapi: "3.0.0", info: { title: "t", version: "1" }, paths: {} }),
      /no operations/,
    );
  });
});

describe("operations -> files", () => {
  const operation = (method: string, path: string) => ({
    method,
    path,
    operationId: null,
    summary: null,
    parameters: [],
    body: null,
  });
  const api: SdkApi = {
    title: "T",
    version: "3.1",
    dialect: "draft-2020-12",
    upstream: "https://api.example.com",
    warnings: [],
    operations: [
      operation("GET", "/"),
      operation("GET", "/pets/{petId}"),
      operation("DELETE", "/pets/{petId}"),
      operation("GET", "/files/{name}.json"),
      operation("GET", "/pre"),
      operation("GET", "/api/v1/exec/list"),
    ],
  };
  const options = {
    sourceUrl: SOURCE,
    auth: undefined,
    middleware: ["pre", "post"] as const,
    magicComments: ["@mode worker"],
  };

  test("one endpoint per path holding its methods; paths with no file are skipped with the reason", () => {
    const { files, skipped } = generateSdkFiles(api, options);
    const endpoints = files.filter((f) => f.kind === "endpoint");
    assert.deepEqual(endpoints.map((f) => f.path), ["index.ts", "pets/[petId].ts"]);
    assert.match(endpoints[1]!.content, /from "\.\.\/_sdk\/proxy\.ts"/);
    assert.match(endpoints[1]!.content, /"GET": \{[\s\S]*"DELETE": \{/);
    assert.match(
      endpoints[0]!.content,
      /^\/\/ @description T: \/ \(GET\)\n\/\/ @tags sdk\n\/\/ @mode worker\n/,
    );
    assert.deepEqual(skipped.map((s) => s.path), [
      "/files/{name}.json",
      "/pre",
      "/api/v1/exec/list",
    ]);
    assert.deepEqual(files.filter((f) => f.kind !== "endpoint").map((f) => f.path), [
      "_sdk/proxy.ts",
      "_sdk/config.ts",
      "_sdk/auth.ts",
      "_sdk/hooks.ts",
      "_sdk/pre.ts",
      "_sdk/post.ts",
    ]);
  });

  test("middleware decides which hooks are written and run; source_auth lands in auth.ts only", () => {
    const { files } = generateSdkFiles(api, {
      ...options,
      middleware: ["post"],
      auth: "X-Key: k1",
    });
    const hooks = files.find((f) => f.path === "_sdk/hooks.ts")!.content;
    assert.match(hooks, /export const pre = undefined;/);
    assert.match(hooks, /export \{ default as post \} from "\.\/post\.ts";/);
    assert.ok(!files.some((f) => f.path === "_sdk/pre.ts"));
    assert.deepEqual(files.filter((f) => f.content.includes("k1")).map((f) => f.path), [
      "_sdk/auth.ts",
    ]);
  });
});

describe("options and guards", () => {
  const MIDDLEWARE: [string | undefined, string[] | RegExp][] = [
    [undefined, ["pre", "post"]],
    ["pre,post", ["pre", "post"]],
    ["post pre", ["post", "pre"]],
    ["pre", ["pre"]],
    ["none", []],
    ["", []],
    ["auth", /"auth"/],
  ];
  for (const [text, expected] of MIDDLEWARE) {
    test(`middleware ${JSON.stringify(text)}`, () => {
      if (expected instanceof RegExp) assert.throws(() => parseMiddleware(text), expected);
      else assert.deepEqual(parseMiddleware(text), expected);
    });
  }

  test("magic_comments: one directive a line, with or without //; anything else is refused", () => {
    assert.deepEqual(parseMagicComments("@mode worker\n// @timeout 5000\n\n"), [
      "@mode worker",
      "@timeout 5000",
    ]);
    assert.deepEqual(parseMagicComments(undefined), []);
    assert.throws(() => parseMagicComments("@mode worker\nreturn 1"), /"return 1"/);
  });

  const AUTH: [string, [string, string]][] = [
    ["Bearer abc", ["authorization", "Bearer abc"]],
    ["Basic dXNlcjpwYXNz", ["authorization", "Basic dXNlcjpwYXNz"]],
    ["abc123", ["authorization", "Bearer abc123"]],
    ["X-API-Key: k1", ["x-api-key", "k1"]],
  ];
  for (const [auth, header] of AUTH) {
    test(`source_auth ${JSON.stringify(auth)} is sent as ${header[0]}`, () => {
      assert.deepEqual(authHeaderOf(auth), header);
    });
  }

  const SELF = new URL("http://127.0.0.1:8080/api/v1/exec/sdk/import");
  const TARGETS: [string, boolean][] = [
    ["http://127.0.0.1:8080/api/v1/exec/openapi.json", true],
    ["http://localhost:8080/x", true],
    ["http://[::1]:8080/x", true],
    ["http://127.0.0.1:9090/openapi.json", false],
    ["https://api.example.com/openapi.json", false],
  ];
  for (const [target, refused] of TARGETS) {
    test(`source_url ${target} ${refused ? "is refused (this server)" : "is allowed"}`, () => {
      const run = () => checkNotSelf(new URL(target), SELF);
      if (refused) assert.throws(run, (e: ServerError) => e.code === "FORBIDDEN");
      else assert.doesNotThrow(run);
    });
  }
});

describe("the marker", () => {
  const marker = (files: Record<string, string>) =>
    JSON.stringify({
      type: "sdk",
      source_url: SOURCE,
      title: "t",
      openapi: "3.1",
      upstream: "https://api.example.com",
      importedAt: "2026-12-03T00:00:00.000Z",
      auth: false,
      middleware: { pre: "_sdk/pre.ts", post: null },
      endpoints: Object.keys(files),
      files,
    });

  test("is read back; one naming a path outside the instance, or not JSON, is no marker", async () => {
    await using dir = tmpScripts({
      "a/_sdk.json": marker({ "pet.ts": "h" }),
      "b/_sdk.json": marker({ "../../etc/passwd": "h" }),
      "c/_sdk.json": marker({ "/abs.ts": "h" }),
      "d/_sdk.json": "not json",
    });
    assert.deepEqual((await readMarker(`${dir.root}/a`))?.files, { "pet.ts": "h" });
    for (const id of ["b", "c", "d", "missing"]) {
      assert.equal(await readMarker(`${dir.root}/${id}`), null, id);
    }
  });
});
