import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ServerError } from "../../runtime/errors.ts";
import { createGate, createGates } from "../../runtime/server/gate.ts";

const NEVER = new AbortController().signal;
const LONG_MS = 60_000;

/** Enters and records, in order, which entries got in. */
function entrant(gate: ReturnType<typeof createGate>, log: string[]) {
  return (name: string, limit: number, signal = NEVER) =>
    gate.enter(limit, LONG_MS, signal).then((release) => {
      log.push(name);
      return release;
    });
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "admitted",
    (error: unknown) => (error instanceof ServerError ? `${error.code} ${error.status}` : "other"),
  );

describe("the @concurrent gate", () => {
  const limits: [number, number][] = [[1, 1], [2, 2], [3, 3]];
  for (const [limit, admitted] of limits) {
    test(`@concurrent ${limit}: ${admitted} run at once, the rest wait`, async () => {
      const gate = createGate(10);
      const log: string[] = [];
      const enter = entrant(gate, log);
      // Left waiting: their deadline passes long after this test, so that rejection is let go.
      for (let i = 0; i < 5; i++) enter(`r${i}`, limit).catch(() => {});
      await Promise.resolve();
      assert.equal(gate.running, admitted);
      assert.equal(gate.waiting, 5 - admitted);
    });
  }

  test("waiting requests get in in arrival order as slots free up", async () => {
    const gate = createGate(10);
    const log: string[] = [];
    const enter = entrant(gate, log);
    const first = await enter("a", 1);
    const rest = ["b", "c", "d"].map((name) => enter(name, 1));
    first();
    (await rest[0]!)();
    (await rest[1]!)();
    (await rest[2]!)();
    assert.deepEqual(log, ["a", "b", "c", "d"]);
    assert.equal(gate.running, 0);
  });

  test("a release counts once, however often it is called", async () => {
    const gate = createGate(10);
    const release = await gate.enter(2, LONG_MS, NEVER);
    await gate.enter(2, LONG_MS, NEVER);
    release();
    release();
    assert.equal(gate.running, 1);
  });

  test("a full queue answers 429 QUEUE_FULL at once, with Retry-After", async () => {
    const gate = createGate(2);
    await gate.enter(1, LONG_MS, NEVER);
    // Left waiting, as above: their late QUEUE_TIMEOUT must not land in another test.
    gate.enter(1, LONG_MS, NEVER).catch(() => {});
    gate.enter(1, LONG_MS, NEVER).catch(() => {});
    const refused = gate.enter(1, LONG_MS, NEVER);
    assert.equal(await codeOf(refused), "QUEUE_FULL 429");
    await refused.catch((error: ServerError) => {
      assert.equal(error.headers?.["retry-after"], "1");
    });
  });

  test("a wait past its deadline answers 503 QUEUE_TIMEOUT and leaves the queue", async () => {
    const gate = createGate(10);
    await gate.enter(1, LONG_MS, NEVER);
    assert.equal(await codeOf(gate.enter(1, 1, NEVER)), "QUEUE_TIMEOUT 503");
    assert.equal(gate.waiting, 0);
  });

  test("a client that goes away leaves the queue and its script never runs", async () => {
    const gate = createGate(10);
    const log: string[] = [];
    const enter = entrant(gate, log);
    const release = await enter("a", 1);
    const client = new AbortController();
    const gone = enter("b", 1, client.signal);
    const next = enter("c", 1);
    client.abort();
    assert.equal(await codeOf(gone), "QUEUE_TIMEOUT 503");
    release();
    await next;
    assert.deepEqual(log, ["a", "c"]);
  });
});

describe("createGates", () => {
  test("one gate per script: the same key shares it, another key has its own", async () => {
    const gateOf = createGates(10);
    assert.equal(gateOf("1:a.ts"), gateOf("1:a.ts"));
    await gateOf("1:a.ts").enter(1, LONG_MS, NEVER);
    assert.equal(gateOf("1:a.ts").running, 1);
    assert.equal(gateOf("1:b.ts").running, 0);
    assert.equal(gateOf("2:a.ts").running, 0);
  });
});
