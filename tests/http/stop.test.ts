/**
 * Stopping the server: with a drain bound (what a stop signal gives, main.ts), the script requests
 * running then finish and answer; new ones answer 503 meanwhile; past the bound the stop goes on.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { within } from "../lib/processes.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";
import { eventually, managementCall, request, startServer } from "../lib/server.ts";

const SCRIPTS = {
  "1/hello.ts": `return "hello";`,
  "1/slow.ts": `await new Promise((r) => setTimeout(r, 400));\nreturn "finished";`,
  "1/slow-worker.ts":
    `// @mode worker\nawait new Promise((r) => setTimeout(r, 400));\nreturn "finished";`,
  "1/endless.ts": `await new Promise((r) => setTimeout(r, 60_000));\nreturn "too late";`,
};

/**
 * A server on fresh scripts that the test stops itself (`stop` once, whatever the test does:
 * disposing stops it if the test did not), then its root goes.
 */
async function stoppable() {
  const dir = tmpScripts(SCRIPTS);
  const running = await startServer(dir.root);
  let stopped: Promise<void> | null = null;
  const stop = (drainMs: number) => (stopped ??= running.stop(drainMs));
  const whenRunning = async (count: number) =>
    await eventually(
      async () =>
        (await managementCall(running, "GET", "/monitor/active-requests")).body.count >= count,
    );
  return {
    running,
    stop,
    whenRunning,
    async [Symbol.asyncDispose]() {
      try {
        await stop(0);
      } finally {
        await dir[Symbol.asyncDispose]();
      }
    },
  };
}

describe("stopping the server", () => {
  for (const path of ["/slow", "/slow-worker"]) {
    test(`lets a running request finish (${path}) and answers new ones 503 meanwhile`, async () => {
      await using server = await stoppable();
      const slow = request(server.running, path);
      assert.ok(await server.whenRunning(1), "the slow request never started");

      const stopped = server.stop(10_000);
      const refused = await request(server.running, "/hello");
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get("retry-after"), "1");
      const body = await refused.json() as { error: string; code: string };
      assert.equal(body.code, "UNAVAILABLE");
      assert.match(body.error, /The server is stopping; retry in a moment/);

      const finished = await slow;
      assert.equal(finished.status, 200);
      assert.equal(await finished.text(), "finished");
      assert.notEqual(await within(stopped, 10_000), "timeout");
    });
  }

  test("goes on once the drain bound has passed, without waiting for the script", async () => {
    await using server = await stoppable();
    const endless = request(server.running, "/endless").then((r) => r.status, () => "closed");
    assert.ok(await server.whenRunning(1), "the endless request never started");
    assert.notEqual(await within(server.stop(200), 20_000), "timeout");
    assert.notEqual(await within(endless, 10_000), 200);
  });
});
