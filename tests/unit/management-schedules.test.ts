/** schedules/reload in-process (no watcher here: only a reload re-reads the disk), and its dry run. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createInProcessManagement } from "../lib/management-app.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";

test("reload arms what changed on disk; dry_run only reports it", async () => {
  await using dir = tmpScripts({
    "1/a.ts": "// @schedule @hourly\nreturn 1;",
    "1/users/[id].ts": "// @schedule @hourly\nreturn 1;",
    "1/bad.ts": "// @schedule 99 * * * *\nreturn 1;",
    "2/b.ts": "// @schedule @daily\nreturn 1;",
  });
  using server = await createInProcessManagement(dir.root);
  const call = async (method: string, path: string, body?: unknown) => {
    const answer = await server.call(method, path, body);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };
  const armed = async () =>
    Object.fromEntries(
      (await call("GET", "/schedules/list")).schedules.map((
        s: { scriptPath: string; expression: string },
      ) => [s.scriptPath, s.expression]),
    );
  assert.deepEqual(await armed(), { "1/a.ts": "@hourly", "2/b.ts": "@daily" });

  dir.remove("2/b.ts");
  dir.write("1/a.ts", "// @schedule @daily\nreturn 1;");
  dir.write("1/c.ts", "// @schedule 0 6 * * 1-5\nreturn 1;");
  const dry = await call("POST", "/schedules/reload", { dry_run: true });
  assert.deepEqual({ ...dry, failed: dry.failed.map((f: { path: string }) => f.path) }, {
    dry_run: true,
    added: ["1/a.ts", "1/c.ts"],
    kept: [],
    removed: ["2/b.ts"],
    failed: ["1/bad.ts", "1/users/[id].ts"],
  });
  assert.match(dry.failed[0].reason, /@schedule/);
  assert.match(dry.failed[1].reason, /has parameters/);
  assert.deepEqual(await armed(), { "1/a.ts": "@hourly", "2/b.ts": "@daily" });

  const applied = await call("POST", "/schedules/reload", {});
  assert.deepEqual({ ...applied, failed: undefined }, {
    ...dry,
    dry_run: false,
    failed: undefined,
  });
  assert.deepEqual(await armed(), { "1/a.ts": "@daily", "1/c.ts": "0 6 * * 1-5" });
  const again = await call("POST", "/schedules/reload", {});
  assert.deepEqual([again.added, again.kept, again.removed], [[], ["1/a.ts", "1/c.ts"], []]);
});

test("schedules inputs: bad values are refused with the field", async () => {
  await using dir = tmpScripts({ "1/a.ts": "return 1;" });
  using server = await createInProcessManagement(dir.root);
  const rows: [string, string, unknown, string][] = [
    ["GET", "/schedules/history?limit=1001", undefined, "limit"],
    ["GET", "/schedules/history?since=soon", undefined, "since"],
    ["GET", "/schedules/history?scriptPath=../x.ts", undefined, "scriptPath"],
    ["POST", "/schedules/trigger", {}, "scriptPath"],
    ["POST", "/schedules/trigger", { scriptPath: "1/a.ts", force: "yes" }, "force"],
    ["POST", "/schedules/reload", { dry_run: 1 }, "dry_run"],
  ];
  for (const [method, path, body, field] of rows) {
    const answer = await server.call(method, path, body);
    assert.equal(answer.status, 400, `${method} ${path}`);
    assert.equal(answer.body.code, "VALIDATION_ERROR");
    assert.equal(answer.body.field, field);
  }
});
