import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli, RUNTIME } from "../lib/processes.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";

test(`hoody-exec serve --runtime ${RUNTIME} serves a script from the scripts root on that runtime`, async () => {
  await using dir = tmpScripts({
    "1/hello.ts":
      `return { hello: "from the CLI", runtime: "Bun" in globalThis ? "bun" : "deno" };`,
  });
  await using cli = runCli(["serve", "--root", dir.root, "--port", "0"]);
  const address = await cli.address();
  const response = await fetch(`${address}/hello`);
  assert.deepEqual(await response.json(), { hello: "from the CLI", runtime: RUNTIME });
  // The start lines name the dashboard too.
  for (let i = 0; i < 100 && !cli.stderr.includes("dashboard:"); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.match(cli.stderr, new RegExp(`dashboard: ${address}/api/v1/exec/ui/`));
});

test("hoody-exec serve refuses a non-loopback --host without an admin token, naming the flag", async () => {
  await using dir = tmpScripts({});
  await using cli = runCli(["serve", "--root", dir.root, "--port", "0", "--host", "0.0.0.0"], {
    HOODY_EXEC_ADMIN_TOKEN: undefined,
  });
  await assert.rejects(cli.address(), /--admin-token/);
});

test("hoody-exec serve stops at start with a message naming the folder it cannot make, and what to do", async () => {
  await using dir = tmpScripts({ "1/hello.ts": "return 1;", "_hoody/cache": "not a folder" });
  await using cli = runCli(["serve", "--root", dir.root, "--port", "0"]);
  await assert.rejects(cli.address(), /_hoody\/cache \(compiled scripts\).*move away the file/);
});

test("hoody-exec serve on a port in use stops at start with a message naming the port, and what to do", async () => {
  await using dir = tmpScripts({ "1/hello.ts": "return 1;" });
  await using other = runCli(["serve", "--root", dir.root, "--port", "0"]);
  const port = new URL(await other.address()).port;
  await using cli = runCli(["serve", "--root", dir.root, "--port", port]);
  await assert.rejects(
    cli.address(),
    new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use.*--port`),
  );
});
