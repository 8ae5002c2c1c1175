/**
 * `.env` files (docs/scripts.md, Environment): a script's `process.env` gets every `.env` from its
 * instance's folder down to its own, the nearer one winning a name, in both modes.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { eventually, managementCall, request, suiteServer } from "../lib/server.ts";

const READ_ENV =
  `return { greeting: process.env.GREETING ?? null, shared: process.env.SHARED ?? null, inner: process.env.ONLY_INNER ?? null };`;

describe(".env files", () => {
  const server = suiteServer({
    "1/.env": "# the instance's settings\nGREETING=hello from .env\nSHARED=top\n",
    "1/env.ts": READ_ENV,
    "1/env-worker.ts": `// @mode worker\n${READ_ENV}`,
    "1/inner/.env": `SHARED=inner\nONLY_INNER="with # and spaces"\n`,
    "1/inner/env.ts": READ_ENV,
    "1/inner/env-worker.ts": `// @mode worker\n${READ_ENV}`,
    "1/inner/imports-process.ts": `import process from "node:process";\n${READ_ENV}`,
    "2/env.ts": READ_ENV,
  });

  const envOf = async (path: string, host?: string) => {
    const response = await request(server, path, host ? { host } : {});
    assert.equal(response.status, 200, path);
    return await response.json();
  };

  test("a script gets the .env beside it and those above it, the nearer one winning a name", async () => {
    const top = { greeting: "hello from .env", shared: "top", inner: null };
    const inner = { greeting: "hello from .env", shared: "inner", inner: "with # and spaces" };
    assert.deepEqual(await envOf("/env"), top);
    assert.deepEqual(await envOf("/env-worker"), top);
    assert.deepEqual(await envOf("/inner/env"), inner);
    assert.deepEqual(await envOf("/inner/env-worker"), inner);
    assert.deepEqual(await envOf("/inner/imports-process"), inner);
  });

  test("another instance's .env is not a script's", async () => {
    assert.deepEqual(await envOf("/env", "exec-2.localhost"), {
      greeting: null,
      shared: null,
      inner: null,
    });
  });

  test("a .env is never a route", async () => {
    assert.equal((await request(server, "/.env")).status, 404);
    assert.equal((await request(server, "/inner/.env")).status, 404);
  });

  test("an edited .env applies from the next request on, in both modes", async () => {
    server.dir.write("1/.env", "GREETING=edited\nSHARED=top\n");
    for (const path of ["/env", "/env-worker", "/inner/env-worker"]) {
      assert.ok(
        await eventually(async () => (await envOf(path)).greeting === "edited"),
        `${path} still reads the old .env`,
      );
    }
    assert.equal((await envOf("/inner/env")).shared, "inner");
  });

  test("a .env written through the management API applies; a removed one no longer does", async () => {
    const written = await managementCall(server, "POST", "/scripts/write", {
      path: "inner/.env",
      content: "SHARED=from the API\n",
    });
    assert.equal(written.status, 200, JSON.stringify(written.body));
    assert.ok(
      await eventually(async () => (await envOf("/inner/env-worker")).shared === "from the API"),
    );
    server.dir.remove("1/inner/.env");
    assert.ok(await eventually(async () => (await envOf("/inner/env")).shared === "top"));
    assert.equal((await envOf("/inner/env")).inner, null);
  });
});
