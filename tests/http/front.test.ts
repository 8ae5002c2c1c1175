import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { request, suiteServer } from "../lib/server.ts";

describe("the front: instances, limits and the gate", () => {
  const server = suiteServer({
    "1/who.ts": `return metadata.execId;`,
    "2/who.ts": `return metadata.execId;`,
    "test/who.ts": `return metadata.execId;`,
    "1/echo.ts": `return { size: req.body?.length ?? 0 };`,
    "1/serial.ts":
      `// @concurrent false\nconst start = Date.now();\nawait new Promise((r) => setTimeout(r, 30));\nreturn [start, Date.now()];`,
    "1/slow.ts": `// @concurrent 1\nawait new Promise((r) => setTimeout(r, 300));\nreturn "done";`,
  }, { maxBodyBytes: 1024, queueLimit: 2 });

  test("picks the instance from the Host header", async () => {
    for (
      const [host, id] of [["localhost", "1"], ["exec-2.localhost", "2"], [
        "p-c-exec-test.example.com",
        "test",
      ]]
    ) {
      const response = await request(server, "/who", { host });
      assert.equal(await response.text(), id, host);
    }
  });

  test("answers 404 UNKNOWN_INSTANCE for an instance with no folder, never another instance's scripts", async () => {
    const response = await request(server, "/who", { host: "exec-9.localhost" });
    assert.equal(response.status, 404);
    assert.equal((await response.json()).code, "UNKNOWN_INSTANCE");
  });

  test("answers 413 for a body over the limit before any script runs", async () => {
    const big = "x".repeat(2048);
    const response = await request(server, "/echo", {
      method: "POST",
      body: big,
      headers: { "content-type": "text/plain" },
    });
    assert.equal(response.status, 413);
    assert.equal((await response.json()).code, "PAYLOAD_TOO_LARGE");
    const small = await request(server, "/echo", {
      method: "POST",
      body: "hey",
      headers: { "content-type": "text/plain" },
    });
    assert.deepEqual(await small.json(), { size: 3 });
  });

  test("@concurrent false runs requests one at a time", async () => {
    const runs: [number, number][] = await Promise.all(Array.from({ length: 3 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 5));
      return await (await request(server, "/serial")).json();
    }));
    // One at a time: each run starts only once the one before it has ended.
    runs.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < runs.length; i++) {
      assert.ok(runs[i]![0] >= runs[i - 1]![1], `runs (start, end) ${JSON.stringify(runs)}`);
    }
  });

  test("a full queue answers 429 with Retry-After", async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => request(server, "/slow")));
    const statuses = responses.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const refused = responses.find((r) => r.status === 429)!;
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.equal((await refused.json()).code, "QUEUE_FULL");
  });

  test("the management API answers health and the instance list", async () => {
    const health = await (await request(server, "/api/v1/exec/health")).json();
    assert.equal(health.status, "ok");
    assert.equal(health.service, "hoody-exec");
    const list = await (await request(server, "/api/v1/exec/list")).json();
    assert.deepEqual(list.execIds.map((e: { id: string }) => e.id), ["1", "2", "test"]);
    const foreign = await request(server, "/api/v1/exec/list", {
      headers: { origin: "https://evil.example" },
    });
    assert.equal(foreign.status, 403);
  });
});

describe("the front: the client's address", () => {
  const files = { "1/ip.ts": `return metadata.clientIp;` };
  const direct = suiteServer(files);
  const behindProxy = suiteServer(files, { trustProxy: true });
  const forwarded = { "x-forwarded-for": "203.0.113.7, 10.0.0.1" };

  test("is the socket's peer, whatever X-Forwarded-For says", async () => {
    const response = await request(direct, "/ip", { headers: forwarded });
    assert.equal(await response.text(), "127.0.0.1");
  });

  test("with --trust-proxy, is the first X-Forwarded-For hop, else the peer", async () => {
    const response = await request(behindProxy, "/ip", { headers: forwarded });
    assert.equal(await response.text(), "203.0.113.7");
    assert.equal(await (await request(behindProxy, "/ip")).text(), "127.0.0.1");
  });
});
