/**
 * Versions against a real server, driven by the CLI as a user would: a bad write is undone with one
 * rollback command and the script serves its old behaviour again; a stale --if-match is refused.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RunningHoodyExec } from "../../runtime/serve.ts";
import { runCli } from "../lib/processes.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { request, startServer } from "../lib/server.ts";

const RUNTIME = "Bun" in globalThis ? "bun" : "deno";

type Run = Awaited<ReturnType<ReturnType<typeof runCli>["finished"]>>;

describe(`script versions through the CLI against a running server (${RUNTIME})`, () => {
  let dir: ScriptsDir;
  let server: RunningHoodyExec;
  let api: (...args: string[]) => Promise<Run>;
  before(async () => {
    dir = tmpScripts({ "1/greet.ts": "// @mode worker\nreturn { greeting: 'hello' };\n" });
    server = await startServer(dir.root, { adminToken: "versions-token" });
    api = (...args) =>
      runCli(["--url", server.url, ...args], { HOODY_EXEC_ADMIN_TOKEN: "versions-token" })
        .finished();
  });
  after(async () => {
    await server.stop();
    await dir[Symbol.asyncDispose]();
  });

  const greet = async () => await (await request(server, "/greet")).json();

  test("a bad write is undone with one rollback command", async () => {
    assert.deepEqual(await greet(), { greeting: "hello" });
    const bad = await api(
      "scripts",
      "write",
      "greet.ts",
      "--content",
      "// @mode worker\nreturn { greeting: 'oops' };\n",
      "-q",
    );
    assert.equal(bad.code, 0, bad.stderr);
    assert.deepEqual(await greet(), { greeting: "oops" });

    const listed = await api("scripts", "versions", "greet.ts", "-o", "json");
    assert.equal(listed.code, 0, listed.stderr);
    const [kept] = JSON.parse(listed.stdout).versions;
    assert.equal(kept.change, "write");
    const shown = await api(
      "scripts",
      "version",
      "greet.ts",
      "--version",
      String(kept.version),
      "-o",
      "json",
    );
    assert.equal(
      JSON.parse(shown.stdout).content,
      "// @mode worker\nreturn { greeting: 'hello' };\n",
    );

    const rolled = await api("scripts", "rollback", "greet.ts", "--version", String(kept.version));
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.deepEqual(await greet(), { greeting: "hello" });
  });

  test("a stale --if-match exits 1 with the 412 and the script keeps serving", async () => {
    const read = await api("scripts", "read", "greet.ts", "-o", "json");
    const hash = JSON.parse(read.stdout).hash as string;
    const first = await api(
      "scripts",
      "write",
      "greet.ts",
      "--content",
      "return { greeting: 'first editor' };\n",
      "--if-match",
      hash,
      "-q",
    );
    assert.equal(first.code, 0, first.stderr);
    const second = await api(
      "scripts",
      "write",
      "greet.ts",
      "--content",
      "return { greeting: 'second editor' };\n",
      "--if-match",
      hash,
    );
    assert.equal(second.code, 1);
    assert.match(second.stderr, /PRECONDITION_FAILED|changed since you read it/);
    assert.deepEqual(await greet(), { greeting: "first editor" });
  });
});
