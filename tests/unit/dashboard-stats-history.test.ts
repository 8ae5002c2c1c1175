/**
 * The Stats panel's history (management/dashboard/app/panels/stats/history.ts): rates from
 * successive totals, gaps after a pause or a reset, the busiest scripts, and the ten-minute bound.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { History, WINDOW_MS } from "../../management/dashboard/app/panels/stats/history.ts";
import type { ScriptStats } from "../../management/dashboard/app/panels/stats/types.ts";

function script(scriptPath: string, total: number, errors = 0, p95 = 1): ScriptStats {
  return {
    scriptPath,
    execId: "1",
    activeHttp: 0,
    activeWs: 0,
    http: {
      total,
      errors,
      clientErrors: 0,
      p50DurationMs: p95,
      p95DurationMs: p95,
      maxDurationMs: p95,
    },
    recentErrors: [],
    lastActivityAt: new Date(0).toISOString(),
    lastStatusCode: 200,
  };
}

describe("the Stats panel's history", () => {
  test("rates are differences of totals over the seconds between polls", () => {
    const history = new History();
    history.add(10_000, [script("a.ts", 4, 0)]);
    history.add(12_000, [script("a.ts", 10, 2, 7), script("b.ts", 3)]);
    history.add(14_000, [script("a.ts", 10, 2, 9), script("b.ts", 3)]);
    const requests = history.series("requests", [null, "a.ts", "b.ts"]);
    assert.deepEqual(requests.times, [10, 12, 14]);
    // b.ts first seen at the second poll: it had no requests before.
    assert.deepEqual(requests.values, [[null, 4.5, 0], [null, 3, 0], [null, 1.5, 0]]);
    assert.deepEqual(history.series("errors", ["a.ts"]).values, [[null, 1, 0]]);
    assert.deepEqual(history.series("p95", ["a.ts"]).values, [[1, 7, 9]]);
  });

  test("a long pause or a counter that went back leaves a gap", () => {
    const history = new History();
    history.add(0, [script("a.ts", 5)]);
    history.add(60_000, [script("a.ts", 65)]);
    history.add(62_000, [script("a.ts", 2)]);
    history.add(64_000, [script("a.ts", 6)]);
    assert.deepEqual(history.series("requests", ["a.ts"]).values, [[null, null, null, 2]]);
  });

  test("the busiest are those with the most requests in the window", () => {
    const history = new History();
    history.add(0, [script("old.ts", 100), script("new.ts", 0), script("idle.ts", 1)]);
    history.add(2000, [script("old.ts", 101), script("new.ts", 50), script("idle.ts", 1)]);
    assert.deepEqual(history.busiest(2), ["new.ts", "old.ts"]);
    assert.deepEqual(new History().busiest(3), []);
  });

  test("points older than the window are dropped", () => {
    const history = new History();
    for (let at = 0; at <= WINDOW_MS + 10_000; at += 2000) history.add(at, [script("a.ts", at)]);
    assert.equal(history.size, WINDOW_MS / 2000 + 1);
    history.clear();
    assert.equal(history.size, 0);
  });
});
