/** `PipelineHooks.onRequest`: one record per script request, what the access log and metrics read. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RequestRecord } from "../../runtime/server/exchange.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";
import { request, startServer } from "../lib/server.ts";
import { createTestLog } from "../lib/server-log.ts";

test("every script request is recorded once answered, with its script and execution id; management calls are not", async () => {
  await using dir = tmpScripts({
    "1/hello.ts": "return { hi: 1 };",
    "1/locked.ts": "// @token t0ken\nreturn 'secret';",
  });
  const records: RequestRecord[] = [];
  const server = await startServer(dir.root, {}, createTestLog(), {
    onRequest: (record) => records.push(record),
  });
  try {
    assert.equal((await request(server, "/hello?x=1")).status, 200);
    assert.equal((await request(server, "/nothing-here")).status, 404);
    assert.equal((await request(server, "/locked")).status, 401);
    assert.equal((await request(server, "/api/v1/exec/health")).status, 200);
    assert.equal(records.length, 3);
    const [hello, missing, locked] = records;
    assert.equal(hello!.instance, "1");
    assert.equal(hello!.script, "hello.ts");
    assert.equal(hello!.method, "GET");
    assert.equal(hello!.path, "/hello");
    assert.equal(hello!.status, 200);
    assert.match(hello!.executionId ?? "", /^[0-9a-f-]{36}$/);
    assert.ok(hello!.durationMs >= 0 && hello!.startedAt > 0);
    assert.equal(hello!.clientIp, "127.0.0.1");
    assert.deepEqual(
      [missing!.script, missing!.executionId, missing!.status],
      [null, null, 404],
    );
    assert.deepEqual([locked!.script, locked!.executionId, locked!.status], [
      "locked.ts",
      null,
      401,
    ]);
  } finally {
    await server.stop();
  }
});
