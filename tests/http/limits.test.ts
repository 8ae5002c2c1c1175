import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { request, suiteServer, withServer } from "../lib/server.ts";

describe("hard limits", () => {
  before(() => void (process.env.SECRET_IN_SERVER = "should-not-leak"));
  after(() => void delete process.env.SECRET_IN_SERVER);
  const server = suiteServer({
    "1/hog.ts":
      `// @timeout 20000\nconst keep = [];\nfor (;;) { keep.push(new Array(1 << 20).fill(keep.length)); await null; }`,
    "1/fine.ts": `return "fine";`,
    "1/env.ts":
      `let seen = "none";\ntry { seen = String(process.env.HOODY_EXEC_ADMIN_TOKEN ?? process.env.SECRET_IN_SERVER ?? "none"); } catch { seen = "denied"; }\nreturn seen;`,
  }, { memoryMb: 400, adminToken: "admin-secret" });

  test("a script that eats memory costs only its host: 502, and the server keeps answering", async () => {
    const response = await request(server, "/hog");
    assert.equal(response.status, 502);
    const body = await response.json();
    assert.equal(body.code, "SCRIPT_CRASHED");
    assert.match(body.error, /--memory-mb 400/, body.error);
    assert.equal(await (await request(server, "/fine")).text(), "fine");
    assert.equal((await request(server, "/api/v1/exec/health")).status, 200);
  });

  test("scripts never see the server's environment or the admin token", async () => {
    assert.equal(await (await request(server, "/env")).text(), "none");
  });
});

describe("worker-mode Workers are capped", () => {
  const script = `// @mode worker
let hits = 0;
export default (_req: unknown, _res: unknown, _metadata: unknown, shared: { total?: number }) => {
  shared.total = (shared.total ?? 0) + 1;
  return { hits: ++hits, total: shared.total };
};`;
  const server = suiteServer({ "1/a.ts": script, "1/b.ts": script, "1/c.ts": script }, {
    maxWorkers: 2,
  });

  test("the Worker idle longest makes room: its module state starts over, shared survives (worker mode only)", async () => {
    const hit = async (path: string) => await (await request(server, path)).json();
    assert.equal((await hit("/a")).hits, 1);
    assert.equal((await hit("/a")).hits, 2);
    assert.equal((await hit("/b")).hits, 1);
    assert.equal((await hit("/c")).hits, 1); // a was idle longest: stopped
    assert.equal((await hit("/b")).hits, 2);
    const again = await hit("/a");
    assert.equal(again.hits, 1);
    assert.ok(again.total >= 6, `shared.total ${again.total}`);
  });
});

test("serverless requests that find no Worker wait in a bounded queue: past the limit they answer 503 with Retry-After at once, the waiting ones are served", async () => {
  await using server = await withServer({
    "1/slow.ts": `await new Promise((r) => setTimeout(r, 400));\nreturn "done";`,
  }, { hosts: 1, stock: 1, queueLimit: 1 });
  await request(server, "/slow"); // compiled, and a Worker warm with the script
  // Eight at once: the ready Workers take one or two (the warm one may still be on its way when a
  // loaded machine lets the burst in first), one waits (the queue holds one) and gets the next
  // Worker the host boots, and the ones past the limit are refused now, for the full queue: none
  // is shed after waiting, so the one that waited was served.
  const answers = await Promise.all(Array.from({ length: 8 }, () => request(server, "/slow")));
  const refused = answers.filter((answer) => answer.status === 503);
  const served = answers.filter((answer) => answer.status === 200);
  assert.ok(refused.length >= 1, "some are past the queue's limit");
  assert.ok(served.length >= 2, `${served.length} served`);
  assert.equal(refused.length + served.length, answers.length);
  for (const answer of refused) {
    assert.equal(answer.headers.get("retry-after"), "1");
    const body = await answer.json();
    assert.equal(body.code, "UNAVAILABLE");
    assert.match(body.error, /already wait/);
  }
  for (const answer of served) assert.equal(await answer.text(), "done");
});
