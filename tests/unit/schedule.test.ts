import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseDirectives } from "../../runtime/directives/parse.ts";
import { parseCron } from "../../runtime/schedule/cron.ts";
import { createFireHistory, type FireRecord, parseRecord } from "../../runtime/schedule/history.ts";
import { outcomeOf, PREVIEW_CHARS, readPreview } from "../../runtime/schedule/outcome.ts";
import { firePathOf, parseScriptPath } from "../../runtime/schedule/paths.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();

describe("parseCron: the next fire strictly after a moment, in UTC", () => {
  const rows: [string, string, string | null][] = [
    ["* * * * *", "2026-01-01T00:00:30.000Z", "2026-01-01T00:01:00.000Z"],
    ["* * * * *", "2026-01-01T00:01:00.000Z", "2026-01-01T00:02:00.000Z"],
    ["*/5 * * * *", "2026-01-01T00:07:00.000Z", "2026-01-01T00:10:00.000Z"],
    ["0 * * * *", "2026-01-01T00:59:59.999Z", "2026-01-01T01:00:00.000Z"],
    ["30 2 * * 1", "2026-01-01T00:00:00.000Z", "2026-01-05T02:30:00.000Z"], // a Monday
    ["@hourly", "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z"],
    ["@daily", "2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"],
    ["@midnight", "2026-03-01T12:00:00.000Z", "2026-03-02T00:00:00.000Z"],
    ["@weekly", "2026-01-01T00:00:00.000Z", "2026-01-04T00:00:00.000Z"], // Sunday
    ["@monthly", "2026-01-15T00:00:00.000Z", "2026-02-01T00:00:00.000Z"],
    ["@yearly", "2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["0 0 29 2 *", "2026-01-01T00:00:00.000Z", "2028-02-29T00:00:00.000Z"],
    ["0 0 31 2 *", "2026-01-01T00:00:00.000Z", null], // never
  ];
  for (const [expression, from, next] of rows) {
    test(`${expression} after ${from} -> ${next}`, () => {
      assert.equal(iso(parseCron(expression).nextAfter(at(from))), next);
    });
  }
  test("an invalid expression throws croner's message", () => {
    assert.throws(() => parseCron("99 * * * *"), /minute/);
  });
});

describe("@schedule directive: croner decides what is valid", () => {
  const rows: [string, string | null][] = [
    ["'*/5 * * * *'", "*/5 * * * *"],
    ["@HOURLY", "@hourly"],
    ["0  3 * * *", "0 3 * * *"],
    ["99 * * * *", null],
    ["* * * *", null],
    ["0 0 * * 8", null],
    ["@sometimes", null],
  ];
  for (const [value, expected] of rows) {
    test(`${value} -> ${expected}`, () => {
      const { directives, warnings } = parseDirectives(`// @schedule ${value}\nreturn 1;`);
      assert.equal(directives.schedule, expected);
      assert.equal(warnings.length, expected === null ? 1 : 0);
    });
  }
});

describe("parseScriptPath: {execId}/{file} or an absolute path inside the root", () => {
  const root = "/srv/scripts";
  const rows: [string, string | null][] = [
    ["1/tick.ts", "1/tick.ts"],
    ["./1/jobs/tick.ts", "1/jobs/tick.ts"],
    ["/srv/scripts/2/a/b.ts", "2/a/b.ts"],
    ["/srv/other/1/tick.ts", null],
    ["tick.ts", null],
    ["1", null],
    ["1/../2/tick.ts", null],
    ["1/_lib/x.ts", null],
    ["_hoody/x.ts", null],
    ["1//tick.ts", null],
  ];
  for (const [input, expected] of rows) {
    test(`${input} -> ${expected}`, () => {
      const ref = parseScriptPath(root, input);
      assert.equal(ref && `${ref.execId}/${ref.file}`, expected);
    });
  }
});

describe("firePathOf: the fixed URL a fire requests", () => {
  const rows: [string, string | null][] = [
    ["tick.ts", "/tick"],
    ["index.ts", "/"],
    ["jobs/index.js", "/jobs"],
    ["jobs/nightly report.ts", "/jobs/nightly%20report"],
    ["users/[id].ts", null],
    ["docs/[...slug].ts", null],
    ["pre.ts", null],
  ];
  for (const [file, expected] of rows) {
    test(`${file} -> ${expected}`, () => assert.equal(firePathOf(file), expected));
  }
});

describe("outcomeOf: the pipeline's answer -> a fire status", () => {
  const error = (code: string, message: string) => JSON.stringify({ error: message, code });
  const rows: [number, string, string, string | undefined][] = [
    [200, '{"ok":true}', "ok", undefined],
    [204, "", "ok", undefined],
    [302, "", "ok", undefined],
    [
      504,
      error("SCRIPT_TIMEOUT", "timed out after 200 ms"),
      "timeout",
      "504: timed out after 200 ms",
    ],
    [503, error("SCRIPT_DISABLED", "off"), "disabled", "503: off"],
    [500, error("COMPILE_ERROR", "a.ts:1:2: bad"), "load_error", "500: a.ts:1:2: bad"],
    [404, error("NOT_FOUND", "No script answers /x"), "load_error", "404: No script answers /x"],
    [500, error("SCRIPT_ERROR", "boom"), "error", "500: boom"],
    [502, error("SCRIPT_CRASHED", "gone"), "error", "502: gone"],
    [400, "bad input", "error", "400: bad input"],
    [500, "", "error", "500: HTTP 500"],
  ];
  for (const [status, body, expected, message] of rows) {
    test(`${status} ${body || "(empty)"} -> ${expected}`, () => {
      const outcome = outcomeOf(status, body);
      assert.equal(outcome.status, expected);
      assert.equal(outcome.error, message);
    });
  }
});

describe("readPreview", () => {
  test("keeps the first characters of a long stream and cancels the rest", async () => {
    let cancelled = false;
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        controller.enqueue(new TextEncoder().encode("x".repeat(300)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const text = await readPreview(new Response(endless));
    assert.equal(text, "x".repeat(PREVIEW_CHARS));
    assert.ok(cancelled);
    assert.ok(sent < 10);
  });
  test("a short body whole, an empty one empty", async () => {
    assert.equal(await readPreview(new Response("héllo")), "héllo");
    assert.equal(await readPreview(new Response(null, { status: 204 })), "");
  });
});

describe("fire history: NDJSON, rotated, newest first", () => {
  const record = (n: number, scriptPath = "1/tick.ts"): FireRecord => ({
    ts: new Date(at("2026-01-01T00:00:00Z") + n * 60_000).toISOString(),
    scriptPath,
    expression: "* * * * *",
    runId: `run-${n}`,
    status: "ok",
    durationMs: n,
  });

  test("filters by script and since; limit; total counts every match", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hoody-exec-history-"));
    try {
      const history = createFireHistory({ dir, maxFileBytes: 1 << 20, keep: 2, warn: () => {} });
      for (let n = 0; n < 6; n++) await history.append(record(n, n % 2 ? "1/b.ts" : "1/a.ts"));
      const all = await history.read({ limit: 100, includeRotated: false });
      assert.deepEqual(all.entries.map((e) => e.runId), [5, 4, 3, 2, 1, 0].map((n) => `run-${n}`));
      const a = await history.read({ scriptPath: "1/a.ts", limit: 2, includeRotated: false });
      assert.equal(a.total, 3);
      assert.deepEqual(a.entries.map((e) => e.runId), ["run-4", "run-2"]);
      const since = await history.read({
        since: at("2026-01-01T00:03:00Z"),
        limit: 100,
        includeRotated: false,
      });
      assert.deepEqual(since.entries.map((e) => e.runId), ["run-5", "run-4", "run-3"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("rotates past the size, keeps `keep` old files, reads them only when asked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hoody-exec-history-"));
    try {
      const size = JSON.stringify(record(10)).length + 1;
      // Two records per file, two rotated files kept: at most six records survive.
      const history = createFireHistory({ dir, maxFileBytes: size * 2, keep: 2, warn: () => {} });
      for (let n = 10; n < 19; n++) await history.append(record(n));
      assert.deepEqual(readdirSync(dir).sort(), ["fires.log", "fires.log.1", "fires.log.2"]);
      const current = await history.read({ limit: 100, includeRotated: false });
      assert.deepEqual(current.entries.map((e) => e.runId), ["run-18"]);
      const all = await history.read({ limit: 100, includeRotated: true });
      assert.deepEqual(
        all.entries.map((e) => e.runId),
        [18, 17, 16, 15, 14].map((n) => `run-${n}`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a damaged line (a crash mid-write) is skipped, the rest read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hoody-exec-history-"));
    try {
      writeFileSync(
        join(dir, "fires.log"),
        `${JSON.stringify(record(1))}\n{"ts":"2026-01-0\n${JSON.stringify(record(2))}\n`,
      );
      const history = createFireHistory({ dir, maxFileBytes: 1 << 20, keep: 2, warn: () => {} });
      const read = await history.read({ limit: 100, includeRotated: false });
      assert.deepEqual(read.entries.map((e) => e.runId), ["run-2", "run-1"]);
      assert.equal(parseRecord('{"ts":"x","scriptPath":"1/a.ts","runId":"r","status":"?"}'), null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
