import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

const BIN = fileURLToPath(new URL("../../bin/hoody-exec.mjs", import.meta.url));
const RUNTIME = "Bun" in globalThis ? "bun" : "deno";

/** Starts `hoody-exec serve` as a user would, and reads the address it prints. */
function startCli(root: string, ...args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn("node", [
    BIN,
    "serve",
    "--root",
    root,
    "--port",
    "0",
    "--runtime",
    RUNTIME,
    ...args,
  ], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const url = /at (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url });
    });
    child.on("exit", (code) => reject(new Error(`hoody-exec exited with ${code}: ${output}`)));
  });
}

describe(`hoody-exec serve --runtime ${RUNTIME}`, () => {
  let dir: ScriptsDir;
  let child: ChildProcess;
  let url: string;
  before(async () => {
    dir = tmpScripts({
      "1/hello.ts":
        `return { hello: "from the CLI", runtime: "Bun" in globalThis ? "bun" : "deno" };`,
    });
    ({ child, url } = await startCli(dir.root));
  });
  after(async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
    await dir[Symbol.asyncDispose]();
  });

  test("serves a script from the scripts root on the chosen runtime", async () => {
    const response = await fetch(`${url}/hello`);
    assert.deepEqual(await response.json(), { hello: "from the CLI", runtime: RUNTIME });
  });

  test("refuses a non-loopback --host without an admin token, naming the flag", async () => {
    await assert.rejects(startCli(dir.root, "--host", "0.0.0.0"), /--admin-token/);
  });
});
