/**
 * Issue 13's schedules on a real server: `@schedule` scripts fire through the pipeline (a clock
 * moved by hand, and once the real one at a minute boundary), and the schedules API lists, reads
 * the history, reloads and triggers them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadManagement } from "../../management/load.ts";
import { type RunningHoodyExec, serve } from "../../runtime/serve.ts";
import { type ManualClock, manualClock } from "../lib/manual-clock.ts";
import type { Body } from "../lib/management-calls.ts";
import { runCli } from "../lib/processes.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { eventually, managementCall, request, withServer } from "../lib/server.ts";
import { createTestLog, type TestLog } from "../lib/server-log.ts";

const START = "2026-01-01T00:00:30.000Z";
/** How long a fire or a watcher event may take on a busy machine: a bound, not an expectation. */
const SLOW = 30_000;

interface ScheduledServer extends AsyncDisposable {
  port: number;
  url: string;
  dir: ScriptsDir;
  log: TestLog;
  clock: ManualClock;
  running: RunningHoodyExec;
}

/** A server whose scheduler runs on a clock the test moves; `dir` is kept when given. */
async function scheduledServer(
  files: Record<string, string>,
  clock = manualClock(START),
  dir = tmpScripts(files),
): Promise<ScheduledServer> {
  const log = createTestLog();
  const running = await serve({ root: dir.root, port: 0, quiet: true }, {
    management: loadManagement,
    log,
    scheduleClock: clock,
  });
  return {
    port: running.port,
    url: running.url,
    dir,
    log,
    clock,
    running,
    async [Symbol.asyncDispose]() {
      try {
        await running.stop();
      } finally {
        await dir[Symbol.asyncDispose]();
      }
    },
  };
}

const call = async (server: { port: number }, method: string, path: string, body?: unknown) => {
  const answer = await managementCall(server, method, path, body);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
};
const list = async (server: { port: number }) =>
  (await call(server, "GET", "/schedules/list")).schedules as Body[];
const history = async (server: { port: number }, query = "") =>
  (await call(server, "GET", `/schedules/history${query}`)).entries as Body[];

const TICK = `// @schedule '* * * * *'
console.log("tick", req.headers["x-hoody-schedule-run"]);
return { run: req.headers["x-hoody-schedule-run"], executionId: metadata.executionId };`;

describe("a schedule fires through the pipeline", () => {
  test("every minute on the clock: history, list and logs by runId", async () => {
    await using server = await scheduledServer({ "1/tick.ts": TICK, "1/plain.ts": "return 1;" });
    const [armed, ...others] = await list(server);
    assert.equal(others.length, 0);
    assert.deepEqual(
      { ...armed, registeredAt: undefined },
      {
        scriptPath: "1/tick.ts",
        scriptRel: "tick.ts",
        subdomain: "default",
        execId: "1",
        vmCacheKey: "1:tick.ts",
        expression: "* * * * *",
        timeoutMs: 3_600_000,
        registeredAt: undefined,
        nextFire: "2026-01-01T00:01:00.000Z",
        lastFireAt: null,
        lastFireStatus: null,
        lastFireRunId: null,
      },
    );

    // One minute at a time: a fire still running when the next is due would skip it.
    server.clock.advance("2026-01-01T00:01:10.000Z");
    assert.ok(await eventually(async () => (await history(server)).length === 1, SLOW));
    server.clock.advance("2026-01-01T00:02:10.000Z");
    assert.ok(await eventually(async () => (await history(server)).length === 2, SLOW));
    const fires = await history(server);
    assert.deepEqual(fires.map((f) => [f.ts, f.status, f.scriptPath, f.expression]), [
      ["2026-01-01T00:02:00.000Z", "ok", "1/tick.ts", "* * * * *"],
      ["2026-01-01T00:01:00.000Z", "ok", "1/tick.ts", "* * * * *"],
    ]);
    const newest = fires[0]!;
    // The script saw the marker header, and its executionId is the fire's runId.
    assert.deepEqual(JSON.parse(newest.returnPreview), {
      run: newest.runId,
      executionId: newest.runId,
    });
    const stats = await call(server, "GET", "/monitor/stats");
    assert.deepEqual(stats.cron, { fires: 2, errors: 0, active: 1, wrapperActive: 0 });
    const [after] = await list(server);
    assert.equal(after!.nextFire, "2026-01-01T00:03:00.000Z");
    assert.equal(after!.lastFireStatus, "ok");
    assert.equal(after!.lastFireRunId, newest.runId);

    // Its console lines are the execution log's lines of that runId.
    const lines = async () =>
      (await call(server, "POST", "/logs/read", { executionId: newest.runId })).lines as string[];
    assert.ok(await eventually(async () => (await lines()).length === 1, SLOW));
    assert.match((await lines())[0]!, new RegExp(`tick ${newest.runId}$`));

    // The history is NDJSON under _hoody/schedules/.
    const file = readFileSync(join(server.dir.root, "_hoody/schedules/fires.log"), "utf8");
    assert.equal(file.trim().split("\n").length, 2);
  });

  test("a client cannot pass for a schedule run", async () => {
    await using server = await scheduledServer({ "1/tick.ts": TICK });
    const forged = await request(server, "/tick", { headers: { "x-hoody-schedule-run": "mine" } });
    assert.equal(forged.status, 400);
    assert.equal((await forged.json()).code, "BAD_REQUEST");
    assert.equal((await request(server, "/tick")).status, 200);
  });

  test("@enabled false records disabled; a timeout records timeout", async () => {
    await using server = await scheduledServer({
      "1/off.ts": "// @schedule * * * * *\n// @enabled false\nreturn 1;",
      "1/slow.ts": "// @schedule * * * * *\n// @timeout 300\nawait new Promise(() => {});",
    });
    assert.equal((await list(server)).length, 2);
    server.log.expectError(/slow\.ts/);
    server.clock.advance("2026-01-01T00:01:00.000Z");
    assert.ok(await eventually(async () => (await history(server)).length === 2, SLOW));
    const byScript = Object.fromEntries((await history(server)).map((f) => [f.scriptPath, f]));
    assert.equal(byScript["1/off.ts"]!.status, "disabled");
    assert.match(byScript["1/off.ts"]!.error, /disabled/);
    assert.equal(byScript["1/slow.ts"]!.status, "timeout");
    const stats = await call(server, "GET", "/monitor/stats");
    assert.deepEqual(stats.cron, { fires: 2, errors: 1, active: 2, wrapperActive: 0 });
    assert.match(byScript["1/slow.ts"]!.error, /^504: /);
  });

  test("no overlapping fires of one script: skipped_overload", async () => {
    await using server = await scheduledServer({
      "1/held.ts": `// @mode worker
// @schedule * * * * *
shared.started = (shared.started ?? 0) + 1;
while (!shared.release) await new Promise((resolve) => setTimeout(resolve, 10));
return "done";`,
    });
    await list(server);
    server.clock.advance("2026-01-01T00:01:00.000Z");
    const state = async () => (await call(server, "POST", "/shared-state/get")).state as Body;
    assert.ok(await eventually(async () => (await state()).started === 1, SLOW));

    // A cron fire and a trigger while the first still runs: both skipped, nothing started.
    server.clock.advance("2026-01-01T00:02:00.000Z");
    const trigger = await call(server, "POST", "/schedules/trigger", { scriptPath: "1/held.ts" });
    assert.equal(trigger.triggered, false);
    assert.equal(trigger.status, "skipped_overload");
    assert.equal((await state()).started, 1);

    await call(server, "POST", "/shared-state/set", { path: "release", value: true });
    assert.ok(await eventually(async () => (await history(server)).length === 3, SLOW));
    assert.deepEqual((await history(server)).map((f) => [f.ts, f.status]), [
      ["2026-01-01T00:02:00.000Z", "skipped_overload"],
      ["2026-01-01T00:02:00.000Z", "skipped_overload"],
      ["2026-01-01T00:01:00.000Z", "ok"],
    ]);
  });
});

describe("armed from disk, re-armed on every change", () => {
  test("created, edited, moved and deleted files while armed", async () => {
    await using server = await scheduledServer({
      "1/job.ts": "// @schedule */5 * * * *\nreturn 1;",
    });
    const armed = async () =>
      Object.fromEntries((await list(server)).map((s) => [s.scriptPath, s.expression]));
    assert.deepEqual(await armed(), { "1/job.ts": "*/5 * * * *" });

    server.dir.write("1/job.ts", "// @schedule @hourly\nreturn 2;");
    server.dir.write("1/new/one.ts", "// @schedule 0 0 * * *\nreturn 3;");
    const expected = { "1/job.ts": "@hourly", "1/new/one.ts": "0 0 * * *" };
    assert.ok(
      await eventually(
        async () => JSON.stringify(await armed()) === JSON.stringify(expected),
        SLOW,
      ),
    );
    const job = (await list(server)).find((s) => s.scriptPath === "1/job.ts")!;
    assert.equal(job.nextFire, "2026-01-01T01:00:00.000Z");

    server.dir.remove("1/new");
    server.dir.write("1/moved.ts", "// @schedule @hourly\nreturn 2;");
    server.dir.remove("1/job.ts");
    assert.ok(
      await eventually(
        async () => JSON.stringify(await armed()) === '{"1/moved.ts":"@hourly"}',
        SLOW,
      ),
    );
    server.dir.write("1/moved.ts", "return 'no schedule any more';");
    assert.ok(await eventually(async () => (await list(server)).length === 0, SLOW));
    // Nothing left to wake: no fire can come.
    assert.deepEqual(server.clock.pending(), []);
  });

  test("reload reports kept and refused; trigger says why a script is not armed", async () => {
    await using server = await scheduledServer({
      "1/a.ts": "// @schedule @hourly\nreturn 1;",
      "1/users/[id].ts": "// @schedule @hourly\nreturn 1;",
      "2/b.ts": "// @schedule @daily\nreturn 1;",
    });
    const refused = {
      path: "1/users/[id].ts",
      reason: /route \/users\/:id has parameters/,
    };
    const first = await call(server, "POST", "/schedules/reload", {});
    assert.deepEqual(first.added, []);
    assert.deepEqual(first.kept.toSorted(), ["1/a.ts", "2/b.ts"]);
    assert.equal(first.failed[0].path, refused.path);
    assert.match(first.failed[0].reason, refused.reason);
    assert.ok(server.log.warnings.some((w) => w.includes("schedule not armed: 1/users/[id].ts")));

    const trigger = await call(server, "POST", "/schedules/trigger", {
      scriptPath: "1/users/[id].ts",
    });
    assert.equal(trigger.status, "incompatible");
    assert.match(trigger.error, refused.reason);
  });

  test("a restart keeps the history; the scheduler stops with the server", async () => {
    const dir = tmpScripts({ "1/tick.ts": TICK });
    try {
      const first = await scheduledServer({}, manualClock(START), dir);
      await list(first);
      first.clock.advance("2026-01-01T00:01:00.000Z");
      assert.ok(await eventually(async () => (await history(first)).length === 1, SLOW));
      const [fire] = await history(first);
      await first.running.stop();
      assert.deepEqual(first.clock.pending(), []);
      first.clock.advance("2026-01-01T00:05:00.000Z");

      // Missed fires while down are not replayed: the next one is the next minute after start.
      const second = await scheduledServer({}, manualClock("2026-01-01T00:09:30.000Z"), dir);
      try {
        assert.deepEqual(await history(second), [fire]);
        const [armed] = await list(second);
        assert.equal(armed!.lastFireRunId, fire!.runId);
        assert.equal(armed!.lastFireStatus, "ok");
        assert.equal(armed!.nextFire, "2026-01-01T00:10:00.000Z");
        const filtered = await call(
          second,
          "GET",
          `/schedules/history?scriptPath=tick.ts&execId=1&since=2026-01-01T00:01:00Z&limit=5`,
        );
        assert.deepEqual(
          { ...filtered, entries: filtered.entries.length },
          { total: 1, limit: 5, includeRotated: false, entries: 1 },
        );
      } finally {
        await second.running.stop();
      }
    } finally {
      await dir[Symbol.asyncDispose]();
    }
  });
});

describe("schedules/trigger", () => {
  test("fires now and answers the script's result; refuses @token without force", async () => {
    await using server = await scheduledServer({
      "1/report.ts": "// @schedule @daily\nconsole.log('report');\nreturn { rows: 3 };",
      "1/guarded.ts": "// @schedule @daily\n// @token s3cret\nreturn 'guarded ran';",
      "1/plain.ts": "return 1;",
    });
    const fired = await call(server, "POST", "/schedules/trigger", { scriptPath: "1/report.ts" });
    assert.deepEqual({ ...fired, runId: typeof fired.runId, durationMs: typeof fired.durationMs }, {
      triggered: true,
      scriptPath: "1/report.ts",
      runId: "string",
      status: "ok",
      durationMs: "number",
      data: { rows: 3 },
    });
    // An absolute path inside the scripts root names it too.
    const absolute = await call(server, "POST", "/schedules/trigger", {
      scriptPath: join(server.dir.root, "1/report.ts"),
    });
    assert.equal(absolute.status, "ok");
    const fires = await history(server, "?scriptPath=1/report.ts");
    assert.deepEqual(fires.map((f) => f.runId), [absolute.runId, fired.runId]);

    const refused = await managementCall(server, "POST", "/schedules/trigger", {
      scriptPath: "1/guarded.ts",
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "FORBIDDEN");
    assert.match(refused.body.error, /force: true/);
    const forced = await call(server, "POST", "/schedules/trigger", {
      scriptPath: "1/guarded.ts",
      force: true,
    });
    assert.equal(forced.status, "ok");
    assert.equal(forced.data, "guarded ran");
    // Clients still need the token.
    assert.equal((await request(server, "/guarded")).status, 401);

    const plain = await call(server, "POST", "/schedules/trigger", { scriptPath: "1/plain.ts" });
    assert.deepEqual([plain.triggered, plain.status], [false, "unregistered"]);
    assert.match(plain.error, /no armed schedule/);

    const missing = await managementCall(server, "POST", "/schedules/trigger", {
      scriptPath: "1/nope.ts",
    });
    assert.equal(missing.status, 404);
    const outside = await managementCall(server, "POST", "/schedules/trigger", {
      scriptPath: "/etc/passwd",
    });
    assert.equal(outside.status, 400);
    assert.equal(outside.body.field, "scriptPath");
    const since = await managementCall(server, "GET", "/schedules/history?since=yesterday");
    assert.equal(since.status, 400);
    assert.equal(since.body.field, "since");
  });

  test("the CLI: hoody-exec schedules list|trigger|history", async () => {
    await using server = await scheduledServer({ "1/report.ts": "// @schedule @daily\nreturn 7;" });
    const cli = async (...args: string[]) => {
      const result = await runCli(["--url", server.url, "schedules", ...args, "-o", "json"])
        .finished();
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout);
    };
    assert.equal((await cli("list")).schedules[0].scriptPath, "1/report.ts");
    const fired = await cli("trigger", "1/report.ts");
    assert.equal(fired.status, "ok");
    assert.equal((await cli("history", "1/report.ts")).entries[0].runId, fired.runId);
  });
});

test("a real minute boundary: the real clock fires the script", { timeout: 120_000 }, async () => {
  await using server = await withServer({ "1/tick.ts": TICK });
  const fired = async () => (await history(server)).length > 0;
  assert.ok(await eventually(fired, 75_000), "no fire within a minute and a quarter");
  const [fire] = await history(server);
  assert.equal(fire!.status, "ok");
  assert.match(fire!.ts, /:00\.\d{3}Z$/);
});
