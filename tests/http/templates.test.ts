/**
 * Templates against a real server: every built-in generates a script that is saved through the
 * activation path and answers; each of them does what its description says (in both modes where
 * the template is for both); the list/preview/generate inputs and the custom templates' rules.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { BUILTIN_DIR } from "../../management/templates/builtin.ts";
import { type Body } from "../lib/management-calls.ts";
import { managementCall, request, suiteServer } from "../lib/server.ts";

const BUILTIN_NAMES = readdirSync(BUILTIN_DIR)
  .filter((file) => file.endsWith(".json"))
  .map((file) => file.slice(0, -".json".length))
  .sort();

const MODES = ["serverless", "worker"] as const;

describe("templates", () => {
  const server = suiteServer({ "1/keep.ts": "return 1;" });
  const call = (method: string, path: string, body?: unknown) =>
    managementCall(server, method, path, body);
  const get = async (path: string, init?: Parameters<typeof request>[2]) => {
    const response = await request(server, path, init);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : null,
    };
  };
  /** Generates `name` into `outputPath` (200 expected) and answers the generate body. */
  const save = async (
    name: string,
    outputPath: string,
    variables: Record<string, unknown> = {},
  ) => {
    const answer = await call("POST", "/templates/generate", {
      name,
      variables,
      outputPath,
      saveFile: true,
      overwrite: true,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };

  test("templates/list shows every built-in in the folder with the client's metadata fields", async () => {
    const { status, body } = await call("GET", "/templates/list");
    assert.equal(status, 200);
    const names = body.templates.map((t: Body) => t.name).sort();
    assert.deepEqual(names, BUILTIN_NAMES);
    assert.equal(body.count, BUILTIN_NAMES.length);
    for (const template of body.templates) {
      const m = template.metadata;
      assert.equal(m.name, template.name);
      for (const field of ["category", "description", "version", "author"]) {
        assert.equal(typeof m[field], "string", `${template.name}.${field}`);
      }
      assert.ok(Array.isArray(m.tags) && m.tags.every((t: unknown) => typeof t === "string"));
      assert.ok(Array.isArray(m.params) && m.params.every((p: unknown) => typeof p === "string"));
      assert.deepEqual(m.paramDetails.map((p: Body) => p.name), m.params);
      assert.equal(m.builtin, true);
    }
    for (const name of ["basic", "api-endpoint", "middleware-pre", "middleware-post"]) {
      assert.ok(names.includes(name), name);
    }
  });

  test("every built-in generates a script that the activation path accepts and that answers", async () => {
    for (const name of BUILTIN_NAMES) {
      const preview = await call("GET", `/templates/preview?name=${name}`);
      assert.equal(preview.status, 200, name);
      const variables: Record<string, string> = {};
      for (const param of preview.body.template.metadata.paramDetails) {
        if (param.required && param.default === undefined) variables[param.name] = "test-value";
      }
      const generated = await save(name, `every/${name}.ts`, variables);
      assert.deepEqual(
        { saved: generated.saved, path: generated.path, template: generated.template },
        { saved: true, path: `every/${name}.ts`, template: name },
      );
      assert.doesNotMatch(generated.code, /\{\{\s*\w+\s*\}\}/, `${name}: a placeholder is left`);
      assert.equal(
        readFileSync(join(server.dir.root, "1/every", `${name}.ts`), "utf8"),
        generated.code,
      );
      const answer = await get(`/every/${name}`);
      const code = answer.body && typeof answer.body === "object" ? answer.body.code : undefined;
      assert.ok(
        !["COMPILE_ERROR", "SCRIPT_ERROR", "SCRIPT_CRASHED", "SCRIPT_TIMEOUT", "NOT_FOUND"]
          .includes(code),
        `${name} answered ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
  });

  for (const mode of MODES) {
    test(`basic answers its greeting with the method and path (${mode})`, async () => {
      await save("basic", `basic-${mode}.ts`, { mode, message: "hi there" });
      const answer = await get(`/basic-${mode}`);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { message: "hi there", method: "GET", path: `/basic-${mode}` });
    });

    test(`api-endpoint: GET describes, POST checks the required field, others 405 (${mode})`, async () => {
      await save("api-endpoint", `api-${mode}.ts`, {
        mode,
        resource: "book",
        requiredField: "title",
      });
      const read = await get(`/api-${mode}?x=1`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, { resource: "book", query: { x: "1" }, parameters: {} });
      const json = { "content-type": "application/json" };
      const created = await get(`/api-${mode}`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ title: "Dune" }),
      });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body, { created: "book", data: { title: "Dune" } });
      const missing = await get(`/api-${mode}`, { method: "POST", headers: json, body: "{}" });
      assert.equal(missing.status, 400);
      assert.match(missing.body.error, /title is required/);
      const other = await get(`/api-${mode}`, { method: "DELETE" });
      assert.equal(other.status, 405);
      assert.equal(other.headers.get("allow"), "GET, POST");
    });

    test(`middleware-pre runs before the folder's scripts: no key, 401 and the script does not run (${mode})`, async () => {
      await save("middleware-pre", `guarded-${mode}/pre.ts`, { apiKey: "s3cret" });
      await save("worker-persistent", `guarded-${mode}/count.ts`, { counter: `guarded_${mode}` });
      await save("basic", `guarded-${mode}/hello.ts`, { mode });
      const refused = await get(`/guarded-${mode}/count`);
      assert.equal(refused.status, 401);
      assert.deepEqual(refused.body, { error: "send the API key in the x-api-key header" });
      const wrong = await get(`/guarded-${mode}/hello`, { headers: { "x-api-key": "nope" } });
      assert.equal(wrong.status, 401);
      const passed = await get(`/guarded-${mode}/hello`, { headers: { "x-api-key": "s3cret" } });
      assert.equal(passed.status, 200);
      assert.equal(passed.headers.get("x-pre-checked"), "x-api-key");
      assert.equal(passed.body.path, `/guarded-${mode}/hello`);
      // The refused requests never reached the counting script: its first counted request is 1.
      const counted = await get(`/guarded-${mode}/count`, { headers: { "x-api-key": "s3cret" } });
      assert.equal(counted.body[`guarded_${mode}`], 1);
    });

    test(`middleware-post runs after the folder's scripts and adds its field to JSON answers (${mode})`, async () => {
      await save("middleware-post", `stamped-${mode}/post.ts`, { field: "answeredAt" });
      await save("basic", `stamped-${mode}/hello.ts`, { mode, message: "stamped" });
      const answer = await get(`/stamped-${mode}/hello`);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.message, "stamped");
      assert.equal(answer.body.path, `/stamped-${mode}/hello`);
      assert.ok(!Number.isNaN(Date.parse(answer.body.answeredAt)), JSON.stringify(answer.body));
    });
  }

  test("worker-persistent keeps its count and its Worker across requests (worker mode only: the template is for it)", async () => {
    await save("worker-persistent", "persistent.ts", { counter: "visits" });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await get("/persistent")).body);
    assert.deepEqual(answers.map((a) => a.visits), [1, 2, 3]);
    assert.deepEqual(answers.map((a) => a.handledHere), [1, 2, 3]);
    assert.equal(new Set(answers.map((a) => a.startedAt)).size, 1);
    const state = await call("POST", "/shared-state/get", { path: "visits" });
    assert.equal(state.status, 200, JSON.stringify(state.body));
    assert.equal(state.body.state, 3);
  });

  test("crud-api creates, reads, replaces and deletes records (worker mode only: shared keeps them)", async () => {
    await save("crud-api", "books/[[...id]].ts", { collection: "books" });
    const json = { "content-type": "application/json" };
    const empty = await get("/books");
    assert.deepEqual(empty.body, { count: 0, books: [] });
    const first = await get("/books", { method: "POST", headers: json, body: '{"title":"Dune"}' });
    assert.equal(first.status, 201);
    assert.deepEqual(first.body, { title: "Dune", id: "1" });
    assert.equal(first.headers.get("location"), "/books/1");
    const second = await get("/books", { method: "POST", headers: json, body: '{"title":"Emma"}' });
    assert.deepEqual(second.body, { title: "Emma", id: "2" });
    assert.equal((await get("/books")).body.count, 2);
    assert.deepEqual((await get("/books/2")).body, { title: "Emma", id: "2" });
    const replaced = await get("/books/2", {
      method: "PUT",
      headers: json,
      body: '{"title":"Ulysses"}',
    });
    assert.deepEqual(replaced.body, { title: "Ulysses", id: "2" });
    assert.deepEqual((await get("/books?id=2")).body, { title: "Ulysses", id: "2" });
    assert.equal((await get("/books/1", { method: "DELETE" })).status, 204);
    assert.equal((await get("/books/1")).status, 404);
    assert.equal((await get("/books/1", { method: "DELETE" })).status, 404);
    assert.deepEqual((await get("/books")).body, {
      count: 1,
      books: [{ title: "Ulysses", id: "2" }],
    });
    const bad = await get("/books", { method: "POST", headers: json, body: "[1]" });
    assert.equal(bad.status, 400);
  });
});
