import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { answer, eventually, request, suiteServer } from "../lib/server.ts";

describe("an edit in the first second, before the watcher is armed", () => {
  const server = suiteServer({ "1/early.ts": `return "v1";` });

  test("is served once the watcher arms", async () => {
    assert.equal(await answer(server, "/early"), "200 v1");
    server.dir.write("1/early.ts", `return "v2";`);
    assert.ok(await eventually(async () => (await answer(server, "/early")) === "200 v2"));
  });
});

describe("files take effect with no restart", () => {
  const server = suiteServer({
    "1/hello.ts": `return "v1";`,
    "1/stay.ts": `// @mode worker\nreturn "stay";`,
  });

  test("a new file answers with its params", async () => {
    assert.equal(
      await answer(server, "/api/users/123"),
      `404 {"error":"No script answers /api/users/123","code":"NOT_FOUND"}`,
    );
    server.dir.write("1/api/users/[id].ts", "return { id: metadata.parameters.id };");
    assert.ok(
      await eventually(async () => (await answer(server, "/api/users/123")) === `200 {"id":"123"}`),
    );
  });

  test("an edited file serves its new code, and a deleted one stops answering", async () => {
    assert.equal(await answer(server, "/hello"), "200 v1");
    server.dir.write("1/hello.ts", `return "v2";`);
    assert.ok(await eventually(async () => (await answer(server, "/hello")) === "200 v2"));
    server.dir.remove("1/hello.ts");
    assert.ok(await eventually(async () => (await answer(server, "/hello")).startsWith("404")));
    assert.equal(await answer(server, "/stay"), "200 stay");
  });

  test("a moved folder answers at its new path only", async () => {
    server.dir.write("1/old/thing.ts", `return "thing";`);
    assert.ok(await eventually(async () => (await answer(server, "/old/thing")) === "200 thing"));
    const { renameSync } = await import("node:fs");
    renameSync(`${server.dir.root}/1/old`, `${server.dir.root}/1/new`);
    assert.ok(await eventually(async () => (await answer(server, "/new/thing")) === "200 thing"));
    assert.ok((await answer(server, "/old/thing")).startsWith("404"));
  });

  test("an edited worker-mode script gets a new Worker and the instance's shared survives (worker mode only: serverless has no Worker to replace)", async () => {
    server.dir.write(
      "1/count.ts",
      `// @mode worker\nshared.n = (shared.n ?? 0) + 1;\nreturn "a" + shared.n;`,
    );
    assert.ok(await eventually(async () => (await answer(server, "/count")) === "200 a1"));
    assert.equal(await answer(server, "/count"), "200 a2");
    server.dir.write(
      "1/count.ts",
      `// @mode worker\nshared.n = (shared.n ?? 0) + 1;\nreturn "b" + shared.n;`,
    );
    assert.ok(await eventually(async () => (await answer(server, "/count")).startsWith("200 b")));
    assert.match(await answer(server, "/count"), /^200 b[4-9]$/);
  });

  test("an instance folder made on disk answers, and so do its edits and its removal", async () => {
    const two = async () => {
      const response = await request(server, "/made", { host: "exec-2.localhost" });
      return `${response.status} ${await response.text()}`;
    };
    assert.ok((await two()).startsWith("404"));
    server.dir.write("2/made.ts", `return "v1";`);
    assert.ok(await eventually(async () => (await two()) === "200 v1"));
    server.dir.write("2/made.ts", `return "v2";`);
    assert.ok(await eventually(async () => (await two()) === "200 v2"));
    server.dir.remove("2");
    assert.ok(await eventually(async () => (await two()).startsWith("404")));
    server.dir.write("2/made.ts", `return "v3";`);
    assert.ok(await eventually(async () => (await two()) === "200 v3"));
  });

  test("middleware edits take effect too", async () => {
    server.dir.write("1/mw/pre.ts", `return "pre v1";`);
    server.dir.write("1/mw/page.ts", `return "page";`);
    assert.ok(await eventually(async () => (await answer(server, "/mw/page")) === "200 pre v1"));
    server.dir.write("1/mw/pre.ts", `return undefined;`);
    assert.ok(await eventually(async () => (await answer(server, "/mw/page")) === "200 page"));
  });
});
