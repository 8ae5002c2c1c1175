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

/** A server on fresh scripts that the test stops itself; the root goes once it has. */
async function stoppable() {
  const dir = tmpScripts(SCRIPTS);
  const running = await startServer(dir.root);
  const whenRunning = async (count: number) =>
    await eventually(
      async () =>
        (await managementCall(running, "GET", "/monitor/active-requests")).body.count >= count,
    );
  return { dir, running, whenRunning };
}

describe("stopping the server", () => {
  for (const path of ["/slow", "/slow-worker"]) {
    test(`lets a running request finish (${path}) and answers new ones 503 meanwhile`, async () => {
      const { dir, running, whenRunning } = await stoppable();
      try {
        const slow = request(running, path);
        assert.ok(await whenRunning(1), "the slow request never started");

        const stopped = running.stop(10_000);
        const refused = await request(running, "/hello");
        assert.equal(refused.status, 503);
        assert.equal(refused.headers.get("retry-after"), "1");
        const body = await refused.json() as { error: string; code: string };
        assert.equal(body.code, "UNAVAILABLE");
        assert.match(body.error, /The server is stopping; retry in a moment/);

        const finished = await slow;
        assert.equal(finished.status, 200);
        assert.equal(await finished.text(), "finished");
        assert.notEqual(await within(stopped, 10_000), "timeout");
      } finally {
        await dir[Symbol.asyncDispose]();
      }
    });
  }

  test("goes on once the drain bound has passed, without waiting for the script", async () => {
    const { dir, running, whenRunning } = await stoppable();
    try {
      const endless = request(running, "/endless").then((r) => r.status, () => "closed");
      assert.ok(await whenRunning(1), "the endless request never started");
      assert.notEqual(await within(running.stop(200), 20_000), "timeout");
      assert.notEqual(await within(endless, 10_000), 200);
    } finally {
      await dir[Symbol.asyncDispose]();
    }
  });
});
