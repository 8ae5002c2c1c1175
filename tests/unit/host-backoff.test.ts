import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Adapter, ChildHandle } from "../../runtime/adapter/types.ts";
import { ServerError } from "../../runtime/errors.ts";
import { createWorkerPool } from "../../runtime/host/pool.ts";
import type { RequestInfo, Unit } from "../../runtime/protocol/messages.ts";

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A runtime whose host processes all exit as they start (a broken install, a full disk). */
function dyingHosts() {
  let spawns = 0;
  const adapter = {
    name: "bun",
    terminateStopsLoops: true,
    spawnHost(): ChildHandle {
      spawns += 1;
      return { pid: 1_000_000 + spawns, setup() {}, kill() {}, exited: later(1).then(() => "1") };
    },
  } as unknown as Adapter;
  return { adapter, spawns: () => spawns };
}

test("hosts that die before they connect restart on their backoff, never one per request", async () => {
  const root = mkdtempSync(join(tmpdir(), "hoody-exec-backoff-"));
  const { adapter, spawns } = dyingHosts();
  const logs: string[] = [];
  const pool = createWorkerPool({
    adapter,
    workerUrl: Promise.resolve("file:///nowhere.js"),
    scriptsRoot: root,
    size: 1,
    stock: 1,
    drainMs: 100,
    memoryMb: 0,
    maxWorkers: 10,
    queueLimit: 100,
    waitMs: 1000,
    onPatch() {},
    onConsole() {},
    snapshot: () => ({}),
    onFetch: () => Promise.reject(new Error("no fetch here")),
    log: (line) => void logs.push(line),
  });
  const request = { executionId: "e", headers: [] } as unknown as RequestInfo;
  const unit = (mode: Unit["mode"], n: number) =>
    ({ key: `${mode}${n}`, mode, instance: "1", main: { file: `s${n}.ts` } }) as unknown as Unit;
  // The first serverless request starts that mode's first host (it waits for it, then is shed).
  const first = pool.run(unit("serverless", -1), request, null, 1000).catch(() => {});
  try {
    await later(20); // both first hosts have died young: their restarts wait on the backoff
    const before = spawns();
    const answers = await Promise.allSettled(
      Array.from(
        { length: 200 },
        (_, n) => pool.run(unit(n % 2 ? "serverless" : "worker", n), request, null, 1000),
      ),
    );
    assert.equal(spawns(), before, "no request started a host process of its own");
    for (const answer of answers) {
      assert.equal(answer.status, "rejected");
      const error = (answer as PromiseRejectedResult).reason;
      assert.ok(error instanceof ServerError);
      assert.equal(error.code, "UNAVAILABLE");
      assert.equal(error.status, 503);
      assert.match(error.message, /exit before they connect/);
      assert.ok(Number(error.headers?.["retry-after"]) >= 1);
    }
    assert.match(logs.join("\n"), /exited \(1\); starting a new one in \d+ ms/);
  } finally {
    await pool.close();
    await first;
    await later(250); // the backoff's restart timer finds the pool closed
    rmSync(root, { recursive: true, force: true });
  }
});
