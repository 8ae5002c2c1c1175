/**
 * A start that fails once its parts are running (here: it cannot listen) rejects with what to do,
 * and ends what it started: no host process of it outlives the failed start.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { childrenOf } from "../lib/processes.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";
import { eventually, startServer } from "../lib/server.ts";

/** This test process's child processes (the servers' hosts among them). */
const children = () => childrenOf("self");

async function startFails(config: { port?: number; host?: string; adminToken?: string }) {
  await using dir = tmpScripts({ "1/hello.ts": "return 1;" });
  const before = children();
  const started = startServer(dir.root, config);
  // Its hosts start before it listens: the failed start must end them.
  const error = await started.then(() => assert.fail("the start should fail"), (e: Error) => e);
  assert.ok(
    await eventually(() => Promise.resolve(children().every((pid) => before.includes(pid)))),
    "a host process of the failed start is still running",
  );
  return error.message;
}

test("a server whose port is in use rejects its start naming the port and --port, and leaves no host behind", async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = blocker.address() as AddressInfo;
    assert.match(
      await startFails({ port }),
      new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use\\..*--port$`),
    );
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

test("a server given an address this machine does not have rejects its start naming --host, and leaves no host behind", async () => {
  // 192.0.2.0/24 is reserved for documentation: no machine has it.
  assert.match(
    await startFails({ host: "192.0.2.1", adminToken: "a-token-for-a-non-loopback-host" }),
    /^cannot listen on 192\.0\.2\.1:0: this machine has no such address\..*--host/,
  );
});
