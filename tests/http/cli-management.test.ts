import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunningHoodyExec } from "../../runtime/serve.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { runCli } from "../lib/processes.ts";
import { request, startServer } from "../lib/server.ts";

const RUNTIME = "Bun" in globalThis ? "bun" : "deno";

type Run = Awaited<ReturnType<ReturnType<typeof runCli>["finished"]>>;

/** Runs the CLI as a user would, without blocking this process (the server lives here). */
const cli = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
  runCli(args, env).finished();

describe(`hoody-exec CLI against a running server (${RUNTIME})`, () => {
  let dir: ScriptsDir;
  let server: RunningHoodyExec;
  let api: (...args: string[]) => Promise<Run>;
  before(async () => {
    dir = tmpScripts({});
    const init = await cli(["init", dir.root]);
    assert.equal(init.code, 0, init.stderr);
    server = await startServer(dir.root, { adminToken: "cli-token" });
    api = (...args) => cli(["--url", server.url, ...args], { HOODY_EXEC_ADMIN_TOKEN: "cli-token" });
  });
  after(async () => {
    await server.stop();
    await dir[Symbol.asyncDispose]();
  });

  test("open prints the dashboard's address, and refuses a server that does not answer", async () => {
    const open = await api("open");
    assert.equal(open.code, 0, open.stderr);
    assert.equal(open.stdout, `${server.url}/api/v1/exec/ui/\n`);
    assert.equal((await request(server, "/api/v1/exec/ui/")).status, 200);
    const nobody = await cli(["--url", "http://127.0.0.1:9", "open"]);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /cannot reach hoody-exec at http:\/\/127\.0\.0\.1:9/);
  });

  test("init made a first endpoint that answers", async () => {
    assert.ok(existsSync(join(dir.root, "1/hello.ts")));
    const response = await request(server, "/hello?name=you");
    assert.deepEqual(await response.json(), { hello: "you" });
  });

  test("a new user's round trip: write, resolve, call, edit comments, move, delete", async () => {
    const write = await api(
      "scripts",
      "write",
      "api/items/[id].ts",
      "--content",
      "return { item: metadata.parameters.id };",
      "-o",
      "json",
    );
    assert.equal(write.code, 0, write.stderr);
    assert.equal(JSON.parse(write.stdout).resolvedPath, "1/api/items/[id].ts");

    const resolved = await api("routes", "resolve", "/api/items/7", "-o", "json");
    assert.deepEqual(JSON.parse(resolved.stdout).parameters, { id: "7" });
    assert.deepEqual(await (await request(server, "/api/items/7")).json(), { item: "7" });

    const edit = await api(
      "magic-comments",
      "update",
      "api/items/[id].ts",
      "--comments",
      '{"mode":"worker","timeout":5000}',
      "-q",
    );
    assert.equal(edit.code, 0, edit.stderr);
    assert.equal(edit.stdout, "");
    assert.equal(
      readFileSync(join(dir.root, "1/api/items/[id].ts"), "utf8"),
      "// @mode worker\n// @timeout 5000\nreturn { item: metadata.parameters.id };",
    );

    const move = await api(
      "scripts",
      "move",
      "--from",
      "api/items/[id].ts",
      "--to",
      "items/[id].ts",
      "-q",
    );
    assert.equal(move.code, 0, move.stderr);
    assert.deepEqual(await (await request(server, "/items/8")).json(), { item: "8" });

    const refused = await api("scripts", "delete", "items/[id].ts");
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /-y/);
    assert.ok(existsSync(join(dir.root, "1/items/[id].ts")));
    const deleted = await api("scripts", "delete", "items/[id].ts", "-y", "-o", "json");
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(JSON.parse(deleted.stdout).deleted, true);
    assert.equal((await request(server, "/items/8")).status, 404);
  });

  test("fails with the server's message and a non-zero exit", async () => {
    const bad = await api("scripts", "write", "broken.ts", "--content", "return {");
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Script validation failed: 1\/broken\.ts:1:\d+/);
    assert.ok(!existsSync(join(dir.root, "1/broken.ts")));
    const traversal = await api("scripts", "write", "../evil.ts", "--content", "return 1;");
    assert.equal(traversal.code, 1);
    assert.match(traversal.stderr, /FORBIDDEN/);
    const noToken = await cli(["--url", server.url, "namespaces", "list"], {
      HOODY_EXEC_ADMIN_TOKEN: "",
    });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /UNAUTHORIZED/);
  });

  test("-o json prints exactly the body; -o table prints rows", async () => {
    const json = await api("namespaces", "list", "-o", "json");
    const body = await (await request(server, "/api/v1/exec/list", {
      headers: { "x-admin-token": "cli-token" },
    })).json();
    assert.deepEqual(JSON.parse(json.stdout), body);
    const table = await api("namespaces", "list", "-o", "table");
    assert.match(table.stdout, /^ID\s+TYPE\s+FILES\n1\s+custom\s+1\n$/);
  });

  test("answers to the original CLI's names: health, validate types, packages json|list|check|add-modules", async () => {
    const health = await api("health", "-o", "json");
    assert.equal(health.code, 0, health.stderr);
    assert.equal(JSON.parse(health.stdout).status, "ok");
    const types = await api("validate", "types", "--code", "const n: number = 1;", "-o", "json");
    assert.equal(JSON.parse(types.stdout).message, "TypeScript validation successful");
    const init = await api("packages", "json", "init", "-o", "json");
    assert.equal(init.code, 0, init.stderr);
    assert.equal(JSON.parse(init.stdout).created, true);
    const read = await api("packages", "json", "read", "-o", "json");
    assert.equal(JSON.parse(read.stdout).path, "package.json");
    const update = await api(
      "packages",
      "json",
      "update",
      "--metadata",
      '{"description":"from the CLI"}',
      "-o",
      "json",
    );
    assert.deepEqual(JSON.parse(update.stdout).changes, ["description"]);
    const list = await api("packages", "list", "-o", "json");
    assert.ok(JSON.parse(list.stdout).packages.includes("fs"));
    const check = await api("packages", "check", "--modules", "fs", "-o", "json");
    assert.deepEqual(JSON.parse(check.stdout).installed, ["fs"]);
    const addHelp = await api("packages", "add-modules", "--help");
    assert.match(addHelp.stdout, /--modules/);
    assert.match(addHelp.stdout, /same as\s+dependencies install/);
  });

  test("-o raw prints the body on one line; -o wide cuts nothing", async () => {
    const raw = await api("namespaces", "list", "-o", "raw");
    assert.equal(raw.stdout.trimEnd().split("\n").length, 1);
    assert.equal(JSON.parse(raw.stdout).total, 1);
    const wide = await api("namespaces", "list", "-o", "wide");
    assert.match(wide.stdout, /^ID\s+TYPE\s+FILES\n1\s+custom\s+\d+\n$/);
  });

  test("sets and reads shared state", async () => {
    const set = await api("state", "set", "--path", "deploy.sha", "--value", '"abc"', "-q");
    assert.equal(set.code, 0, set.stderr);
    const got = await api("state", "get", "--path", "deploy", "-o", "json");
    assert.deepEqual(JSON.parse(got.stdout).state, { sha: "abc" });
  });

  test("--help works on every level", async () => {
    for (const args of [["--help"], ["scripts", "--help"], ["scripts", "write", "--help"]]) {
      const run = await cli(args);
      assert.equal(run.code, 0, args.join(" "));
      assert.match(run.stdout, /Usage: hoody-exec/);
    }
    const unknown = await cli(["scripts", "frobnicate"]);
    assert.notEqual(unknown.code, 0);
  });
});
