import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, describe, test } from "node:test";
import { createWorkerClient } from "../../runtime/worker-client.ts";

interface Ask {
  id: number;
  value?: number;
  /** Answer after this many ms (later asks may be answered first). */
  delay?: number;
  crash?: boolean;
  hang?: boolean;
}
interface Answer {
  id: number;
  value: number | undefined;
  /** How many asks this Worker has seen: 1 on a fresh Worker. */
  seen: number;
}

// A tiny Worker: answers each ask with its value and how many asks it has seen.
const dir = mkdtempSync(join(tmpdir(), "hoody-worker-client-"));
const WORKER = join(dir, "echo.mjs");
writeFileSync(
  WORKER,
  `let seen = 0;
self.onmessage = ({ data }) => {
  seen += 1;
  if (data.crash) throw new Error("boom");
  if (data.hang) return;
  const answer = () => self.postMessage({ id: data.id, value: data.value, seen });
  if (data.delay) setTimeout(answer, data.delay); else answer();
};
`,
);
after(() => rmSync(dir, { recursive: true, force: true }));

const client = (idleMs?: number) =>
  createWorkerClient<Ask, Answer>({ url: pathToFileURL(WORKER), name: "the echo Worker", idleMs });

describe("the request/reply client of our helper Workers", () => {
  test("each reply settles its own request, in whatever order they come back", async () => {
    const echo = client();
    try {
      const [slow, fast] = await Promise.all([
        echo.request({ value: 1, delay: 30 }),
        echo.request({ value: 2 }),
      ]);
      assert.equal(slow.value, 1);
      assert.equal(fast.value, 2);
    } finally {
      echo.close("done");
    }
  });

  test("a crash fails every request in flight, and the next request gets a new Worker", async () => {
    const echo = client();
    try {
      const waiting = echo.request({ hang: true });
      const crashing = echo.request({ crash: true });
      await assert.rejects(waiting, /the echo Worker crashed/);
      await assert.rejects(crashing, /the echo Worker crashed/);
      assert.equal((await echo.request({ value: 3 })).seen, 1);
    } finally {
      echo.close("done");
    }
  });

  test("close fails what is pending with its reason; a later request starts again", async () => {
    const echo = client();
    const waiting = echo.request({ hang: true });
    echo.close("closed while waiting");
    await assert.rejects(waiting, /closed while waiting/);
    assert.equal((await echo.request({ value: 4 })).seen, 1);
    echo.close("done");
  });

  test("the Worker stays between requests, and ends once idle (the next one is fresh)", async () => {
    const echo = client(1);
    try {
      assert.equal((await echo.request({ value: 1 })).seen, 1);
      assert.equal((await echo.request({ value: 2, delay: 0 })).seen, 2);
      // The idle timer (1 ms) was set before this one, so it has run when this resolves.
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal((await echo.request({ value: 3 })).seen, 1);
    } finally {
      echo.close("done");
    }
  });
});
