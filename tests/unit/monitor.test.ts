/** The metrics registry's pure parts: percentiles, the sample ring, rates, bounds, exposition text. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { escapeHelp, escapeLabel, sampleLine } from "../../runtime/monitor/exposition.ts";
import { detachedMonitor } from "../../runtime/monitor/monitor.ts";
import { renderMetrics } from "../../runtime/monitor/prometheus.ts";
import { createRates } from "../../runtime/monitor/rates.ts";
import { createRegistry } from "../../runtime/monitor/registry.ts";
import { addToSample, inOrder, newSample, percentile } from "../../runtime/monitor/samples.ts";
import type { RequestRecord } from "../../runtime/server/exchange.ts";
import { createSocketMetrics } from "../../runtime/server/websocket-metrics.ts";

const T0 = 1_700_000_000_000;

function record(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    executionId: "e1",
    logLevel: null,
    headerNames: null,
    requestBody: null,
    instance: "1",
    script: "hello.ts",
    method: "GET",
    path: "/hello",
    status: 200,
    durationMs: 3,
    clientIp: "127.0.0.1",
    startedAt: T0,
    error: null,
    ...over,
  };
}

describe("percentile (nearest rank)", () => {
  const cases: [number[], number, number][] = [
    [[], 50, 0],
    [[7], 95, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 100, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 95, 95],
    [Array.from({ length: 100 }, (_, i) => i + 1), 50, 50],
  ];
  for (const [sorted, p, expected] of cases) {
    test(`p${p} of ${sorted.length} values is ${expected}`, () => {
      assert.equal(percentile(sorted, p), expected);
    });
  }
});

test("the sample keeps the last N values, oldest first", () => {
  const sample = newSample();
  for (let v = 1; v <= 7; v += 1) addToSample(sample, v, 5);
  assert.deepEqual(inOrder(sample), [3, 4, 5, 6, 7]);
  assert.equal(sample.values.length, 5);
});

describe("rates over 1, 5 and 15 minutes", () => {
  const cases: [string, number[], number, [number, number, number]][] = [
    ["nothing yet", [], 0, [0, 0, 0]],
    ["three now", [0, 0, 0], 0, [3, 3, 3]],
    ["one 2 min ago, one now", [0, 120], 120, [1, 2, 2]],
    ["one 10 min ago", [0], 600, [0, 0, 1]],
    ["one 16 min ago", [0], 960, [0, 0, 0]],
  ];
  for (const [name, at, readAt, [m1, m5, m15]] of cases) {
    test(name, () => {
      const rates = createRates();
      for (const s of at) rates.add(T0 + s * 1000);
      const read = rates.read(T0 + readAt * 1000);
      assert.deepEqual([read.per1m, read.per5m, read.per15m], [m1, m5, m15]);
    });
  }
});

describe("the registry", () => {
  test("counts success, client errors and errors, with recent errors", () => {
    const registry = createRegistry({ recentErrors: 2 });
    const statuses = [200, 201, 404, 500, 502, 503];
    statuses.forEach((status, i) =>
      registry.record(record({ status, executionId: `e${i}`, durationMs: i + 1 }))
    );
    const stats = registry.get("1", "hello.ts")!;
    assert.deepEqual([stats.total, stats.success, stats.clientErrors, stats.errors], [6, 2, 1, 3]);
    assert.deepEqual(stats.classes, [0, 2, 0, 1, 3]);
    assert.deepEqual(stats.recentErrors.map((e) => [e.statusCode, e.executionId]), [
      [502, "e4"],
      [503, "e5"],
    ]);
    assert.equal(stats.maxMs, 6);
    assert.deepEqual(registry.totals, { total: 6, success: 2, clientErrors: 1, errors: 3 });
  });

  test("requests no script answered share one bucket", () => {
    const registry = createRegistry();
    for (let i = 0; i < 100; i += 1) {
      registry.record(record({ script: null, path: `/scan/${i}`, status: 404 }));
    }
    assert.equal(registry.scripts().length, 1);
    assert.equal(registry.get("1", "")!.total, 100);
  });

  test("past its bound the least recently active script is dropped and counted", () => {
    const registry = createRegistry({ maxScripts: 3 });
    for (const [i, script] of ["a.ts", "b.ts", "c.ts"].entries()) {
      registry.record(record({ script, startedAt: T0 + i }));
    }
    registry.record(record({ script: "a.ts", startedAt: T0 + 10 }));
    registry.record(record({ script: "d.ts", startedAt: T0 + 11 }));
    assert.deepEqual(registry.scripts().map((s) => s.script).sort(), ["a.ts", "c.ts", "d.ts"]);
    assert.equal(registry.droppedScripts, 1);
  });
});

describe("exposition text", () => {
  const cases: [string, string][] = [
    ["plain", "plain"],
    ['say "hi"', 'say \\"hi\\"'],
    ["back\\slash", "back\\\\slash"],
    ["two\nlines", "two\\nlines"],
  ];
  for (const [value, escaped] of cases) {
    test(`label value ${JSON.stringify(value)}`, () => {
      assert.equal(escapeLabel(value), escaped);
      assert.equal(sampleLine("m", { l: value }, 1), `m{l="${escaped}"} 1`);
    });
  }
  test("HELP escapes backslash and newline only", () => {
    assert.equal(escapeHelp('a\\b\n"c"'), 'a\\\\b\\n"c"');
  });

  test("a histogram's buckets are cumulative and end with +Inf, _sum and _count", () => {
    const monitor = detachedMonitor(createSocketMetrics().read);
    for (const ms of [0.5, 3, 3, 20_000]) monitor.record(record({ durationMs: ms }));
    const text = renderMetrics(monitor, 0);
    const line = (le: string) =>
      text.split("\n").find((l) =>
        l.startsWith("hoody_exec_request_duration_seconds_bucket") && l.includes(`le="${le}"`)
      );
    assert.match(line("0.001")!, / 1$/);
    assert.match(line("0.005")!, / 3$/);
    assert.match(line("10")!, / 3$/);
    assert.match(line("+Inf")!, / 4$/);
    assert.match(
      text,
      /hoody_exec_request_duration_seconds_count\{instance="1",script="hello.ts"\} 4/,
    );
    assert.match(
      text,
      /hoody_exec_requests_total\{instance="1",script="hello.ts",status_class="2xx"\} 4/,
    );
  });

  test("10,000 unmatched paths add no series", () => {
    const monitor = detachedMonitor(createSocketMetrics().read);
    monitor.record(record({ script: null, status: 404 }));
    const before = renderMetrics(monitor, 0).split("\n").length;
    for (let i = 0; i < 10_000; i += 1) {
      monitor.record(record({ script: null, path: `/probe/${i}`, status: 404 }));
    }
    const text = renderMetrics(monitor, 0);
    assert.equal(text.split("\n").length, before);
    assert.doesNotMatch(text, /probe/);
    assert.match(text, /status_class="4xx"\} 10001/);
  });
});
