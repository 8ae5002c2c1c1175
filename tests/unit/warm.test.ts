import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createWarmSet } from "../../runtime/host/warm.ts";

const IDLE_MS = 30_000;
const warmSet = (perScript = 2, total = 3) =>
  createWarmSet<string>({ perScript, total, idleMs: IDLE_MS });

describe("the warm set (serverless Workers that already hold a hot script)", () => {
  test("a Worker added for a script is taken once, by that script only", () => {
    const warm = warmSet();
    warm.keep("a");
    warm.add("a", "w1");
    assert.equal(warm.take("b"), undefined);
    assert.equal(warm.take("a"), "w1");
    assert.equal(warm.take("a"), undefined);
  });

  test("the gap between a script's last two requests, per script", async () => {
    const warm = warmSet();
    warm.take("a");
    assert.equal(warm.gap("a"), Infinity, "one request: no gap yet");
    warm.take("b");
    warm.take("b");
    await new Promise((resolve) => setTimeout(resolve, 30));
    warm.take("a");
    assert.ok(warm.gap("a") >= 25, `a: ${warm.gap("a")} ms`);
    assert.ok(warm.gap("b") < warm.gap("a"), `b: ${warm.gap("b")} ms`);
    assert.equal(warm.gap("c"), Infinity);
  });

  test("Workers of a script are taken in the order they were added", () => {
    const warm = warmSet();
    warm.add("a", "w1");
    warm.add("a", "w2");
    assert.deepEqual([warm.take("a"), warm.take("a")], ["w1", "w2"]);
  });

  const wants: [string, (w: ReturnType<typeof warmSet>) => void, number, number, boolean][] = [
    ["an empty set wants one", () => {}, 2, 3, true],
    ["below its share", (w) => w.add("a", "w1"), 2, 3, true],
    ["at its share", (w) => (w.add("a", "w1"), w.add("a", "w2")), 2, 3, false],
    [
      "at the total, across scripts",
      (w) => {
        w.add("b", "w1");
        w.add("b", "w2");
        w.add("c", "w3");
      },
      2,
      3,
      false,
    ],
    ["with no share at all (stock 0)", () => {}, 0, 3, false],
    [
      "again once one was taken",
      (w) => {
        w.add("a", "w1");
        w.add("a", "w2");
        w.take("a");
      },
      2,
      3,
      true,
    ],
    [
      "again once one was removed",
      (w) => {
        w.add("a", "w1");
        w.add("a", "w2");
        w.remove("w1");
      },
      2,
      3,
      true,
    ],
  ];
  for (const [name, setup, perScript, total, expected] of wants) {
    test(`wants another for "a": ${name} -> ${expected}`, () => {
      const warm = warmSet(perScript, total);
      setup(warm);
      assert.equal(warm.wants("a"), expected);
    });
  }

  test("a script is kept warm from its first request, before any Worker is ready", () => {
    const warm = warmSet();
    assert.equal(warm.has("a"), false);
    warm.keep("a");
    assert.equal(warm.has("a"), true);
    assert.equal(warm.take("a"), undefined);
  });

  test("a removed Worker is never handed out", () => {
    const warm = warmSet();
    warm.add("a", "w1");
    warm.add("a", "w2");
    warm.remove("w1");
    assert.equal(warm.take("a"), "w2");
    assert.equal(warm.take("a"), undefined);
  });

  test("the sweep returns the Workers of scripts idle past idleMs and frees their places", () => {
    const warm = warmSet(2, 3);
    warm.keep("a");
    warm.add("a", "w1");
    warm.add("a", "w2");
    warm.keep("b");
    warm.add("b", "w3");
    assert.equal(warm.wants("c"), false, "the total is reached");
    assert.deepEqual(warm.sweep(Date.now()), [], "nothing is idle yet");
    assert.deepEqual(warm.sweep(Date.now() + IDLE_MS + 1).sort(), ["w1", "w2", "w3"]);
    assert.equal(warm.has("a"), false);
    assert.equal(warm.take("a"), undefined);
    assert.equal(warm.wants("c"), true, "their places are free again");
  });
});
