/**
 * The templates CLI as a user runs it: `init --template` (no server needed), then `templates
 * list|generate|create|update|delete` against a running server.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli } from "../lib/processes.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";
import { request, startServer } from "../lib/server.ts";

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, env).finished();

describe("templates from the command line", () => {
  test("init --template makes a first endpoint from a built-in; templates commands drive the server", async () => {
    await using dir = tmpScripts({});
    const init = await cli([
      "init",
      dir.root,
      "--template",
      "crud-api",
      "--var",
      "collection=books",
    ]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /1\/items\/\[\[\.\.\.id\]\]\.ts \(serves \/items\/:id\*\)/);
    const code = readFileSync(join(dir.root, "1/items/[[...id]].ts"), "utf8");
    assert.match(code, /shared\.books \?\?=/);

    const refused = await cli(["init", dir.root, "--template", "middleware-pre"]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--var apiKey=\.\.\. is required/);
    assert.ok(!existsSync(join(dir.root, "1/pre.ts")));

    const server = await startServer(dir.root, { adminToken: "t" });
    try {
      const created = await request(server, "/items", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"title":"Dune"}',
      });
      assert.equal(created.status, 201);

      const api = (...args: string[]) =>
        cli(["--url", server.url, ...args], { HOODY_EXEC_ADMIN_TOKEN: "t" });
      const list = await api("templates", "list", "--category", "middleware", "-o", "json");
      assert.equal(list.code, 0, list.stderr);
      assert.deepEqual(
        JSON.parse(list.stdout).templates.map((t: { name: string }) => t.name).sort(),
        ["middleware-post", "middleware-pre"],
      );

      const generated = await api(
        "templates",
        "generate",
        "basic",
        "--variables",
        '{"message":"from the cli"}',
        "--save-file",
        "--output-path",
        "cli/hello.ts",
        "-o",
        "json",
      );
      assert.equal(generated.code, 0, generated.stderr);
      assert.equal(JSON.parse(generated.stdout).path, "cli/hello.ts");
      assert.equal((await (await request(server, "/cli/hello")).json()).message, "from the cli");

      const made = await api("templates", "new", "mine", "--code", "return '{{x}}';", "-q");
      assert.equal(made.code, 0, made.stderr);
      const updated = await api(
        "templates",
        "update",
        "mine",
        "--code",
        "return 'v2 {{x}}';",
        "-q",
      );
      assert.equal(updated.code, 0, updated.stderr);
      assert.equal(
        readFileSync(join(dir.root, "_hoody/templates/mine.js"), "utf8"),
        "return 'v2 {{x}}';",
      );
      const removed = await api("templates", "delete", "mine", "-y", "-o", "json");
      assert.equal(removed.code, 0, removed.stderr);
      assert.deepEqual(JSON.parse(removed.stdout), { deleted: true, name: "mine" });
      const builtin = await api("templates", "delete", "basic", "-y");
      assert.equal(builtin.code, 1);
      assert.match(builtin.stderr, /built-in/);
    } finally {
      await server.stop();
    }
  });
});
