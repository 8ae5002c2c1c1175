/** monitor/* in-process: shapes, sorting, limits, unknown scripts, the exposition's content type. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RequestRecord } from "../../runtime/server/exchange.ts";
import { createInProcessManagement } from "../lib/management-app.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";

const record = (script: string, status: number, durationMs: number, at: number): RequestRecord => ({
  executionId: `x-${script}-${at}`,
  logLevel: null,
  headerNames: null,
  requestBody: null,
  instance: "1",
  script,
  method: "GET",
  path: `/${script}`,
  status,
  durationMs,
  clientIp: "127.0.0.1",
  startedAt: 1_700_000_000_000 + at,
  error: status >= 500 ? "SCRIPT_ERROR: boom" : null,
});

test("monitor/stats, scripts and script-performance answer the client's shapes", async () => {
  await using dir = tmpScripts({ "1/a.ts": "return 1;" });
  using app = await createInProcessManagement(dir.root);
  const { monitor } = app.control;
  monitor.record(record("a.ts", 200, 5, 1));
  monitor.record(record("a.ts", 500, 50, 2));
  monitor.record(record("b.ts", 200, 1, 100));
  monitor.record(record("b.ts", 200, 1, 101));
  monitor.record(record("b.ts", 404, 1, 102));

  const stats = (await app.call("GET", "/monitor/stats")).body as Record<string, unknown>;
  assert.deepEqual(
    Object.keys(stats).sort(),
    [
      "cache",
      "cron",
      "droppedScripts",
      "hosts",
      "memory",
      "queues",
      "requests",
      "restarts",
      "sharedStore",
      "sinceMs",
      "uptime",
      "websocket",
    ],
  );
  const requests = stats.requests as Record<string, number>;
  assert.deepEqual([requests.total, requests.success, requests.errors, requests.clientErrors], [
    5,
    3,
    1,
    1,
  ]);
  for (const field of ["activeHttp", "perSecond", "per1m", "per5m", "per15m"]) {
    assert.equal(typeof requests[field], "number", field);
  }

  const bySort = async (sort: string, limit = 100) =>
    (await app.call("GET", `/monitor/scripts?sort=${sort}&limit=${limit}`)).body as {
      count: number;
      total: number;
      scripts: { scriptPath: string; http: Record<string, number>; recentErrors: unknown[] }[];
    };
  assert.deepEqual((await bySort("requests")).scripts.map((s) => s.scriptPath), ["b.ts", "a.ts"]);
  assert.deepEqual((await bySort("errors")).scripts.map((s) => s.scriptPath), ["a.ts", "b.ts"]);
  assert.deepEqual((await bySort("p95")).scripts.map((s) => s.scriptPath), ["a.ts", "b.ts"]);
  assert.deepEqual((await bySort("lastActivity")).scripts.map((s) => s.scriptPath), [
    "b.ts",
    "a.ts",
  ]);
  const limited = await bySort("requests", 1);
  assert.deepEqual([limited.count, limited.total], [1, 2]);
  const a = (await bySort("errors")).scripts[0]!;
  assert.deepEqual(a.http, {
    total: 2,
    success: 1,
    clientErrors: 0,
    errors: 1,
    meanDurationMs: 27.5,
    p50DurationMs: 5,
    p95DurationMs: 50,
    maxDurationMs: 50,
  });
  assert.deepEqual(a.recentErrors, [{
    timestamp: new Date(1_700_000_000_000 + 52).toISOString(),
    statusCode: 500,
    message: "SCRIPT_ERROR: boom",
    executionId: "x-a.ts-2",
  }]);
  for (const bad of ["limit=0", "limit=501", "sort=nope"]) {
    assert.equal((await app.call("GET", `/monitor/scripts?${bad}`)).status, 400, bad);
  }

  const perf = (await app.call("POST", "/monitor/script-performance", { scriptPath: "a.ts" }))
    .body as { metrics: { period: string; http: { recentDurationsMs: number[] } } };
  assert.equal(perf.metrics.period, "lifetime");
  assert.deepEqual(perf.metrics.http.recentDurationsMs, [5, 50]);
  const unknown = await app.call("POST", "/monitor/script-performance", { scriptPath: "zz.ts" });
  assert.deepEqual(unknown.body, { metrics: {} });

  const metrics = await app.fetch("/api/v1/exec/monitor/metrics");
  assert.equal(metrics.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  assert.match(await metrics.text(), /# TYPE hoody_exec_requests_total counter/);
});
