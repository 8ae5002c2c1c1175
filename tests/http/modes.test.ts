import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { describe, test } from "node:test";
import { RUNTIME } from "../lib/processes.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";
import { request, startServer, suiteServer, withServer } from "../lib/server.ts";

const json = async (server: { readonly port: number }, path: string, host?: string) =>
  await (await request(server, path, { host })).json();

describe("execution modes", () => {
  const server = suiteServer({
    "1/inc.ts":
      `// @mode worker\nshared.visits = (shared.visits ?? 0) + 1;\nshared.log = [...(shared.log ?? []), "inc"];\nreturn { visits: shared.visits };`,
    "1/peek.ts":
      `// @mode worker\nreturn { visits: shared.visits ?? null, log: shared.log ?? null };`,
    "1/module-state.ts": `// @mode worker\nlet hits = 0;\nexport default () => ({ hits: ++hits });`,
    "1/fresh.ts":
      `// @mode serverless\nconst g = globalThis as Record<string, number>;\ng.leak = (g.leak ?? 0) + 1;\nshared.n = (shared.n ?? 0) + 1;\nreturn { leak: g.leak, shared: shared.n };`,
    "1/spin.ts": `// @mode worker\n// @timeout 300\nwhile (true) {}`,
    "1/stray.ts":
      `// @mode worker\nlet count = 0;\nexport default async () => {\n  const mine = ++count;\n  Promise.reject(new Error("stray"));\n  setTimeout(() => { throw new Error("late"); }, 0);\n  await new Promise((r) => setTimeout(r, 20));\n  return { count: mine };\n};`,
    "2/inc.ts":
      `// @mode worker\nshared.visits = (shared.visits ?? 0) + 100;\nreturn { visits: shared.visits };`,
    // Tens of ms of CPU even with a JIT; the host's pid says which host served it.
    "1/heavy.ts":
      `let s = 0;\nfor (let i = 0; i < 10_000_000; i++) s = (s + i * 7) % 1000003;\nreturn { s, host: process.pid };`,
    "1/light.ts": `return { host: process.pid };`,
    "1/heavy-edited.ts":
      `let s = 0;\nfor (let i = 0; i < 10_000_000; i++) s = (s + i * 7) % 1000003;\nreturn { s, edited: false, host: process.pid };`,
    "1/lingers.ts":
      `// @mode serverless\nsetInterval(() => fetch(\`http://127.0.0.1:\${req.query.port}/\`).catch(() => {}), 2);\nreturn "answered";`,
    "1/sometimes-spins.ts":
      `// @timeout 300\nif (req.query.spin) while (true) {}\nreturn { host: process.pid };`,
  });

  /** Whether the host process runs its runtime without a JIT (Bun's light serverless hosts). */
  const jitless = (pid: number) =>
    readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes("BUN_JSC_useJIT=0");

  test("a serverless script whose request computes for long moves to hosts with a JIT; a light one stays on hosts without (Bun; Deno's hosts all have one)", async () => {
    const first = await json(server, "/heavy");
    const next = await json(server, "/heavy");
    const light = await json(server, "/light");
    assert.equal(next.s, first.s);
    assert.deepEqual(
      [jitless(first.host), jitless(next.host), jitless(light.host)],
      RUNTIME === "bun" ? [true, false, true] : [false, false, false],
    );
  });

  test("a heavy serverless script stays on hosts with a JIT after an edit: its first request after it does not compute without one (Bun; Deno's hosts all have one)", async () => {
    const first = await json(server, "/heavy-edited");
    const moved = await json(server, "/heavy-edited");
    server.dir.write(
      "1/heavy-edited.ts",
      `let s = 0;\nfor (let i = 0; i < 10_000_000; i++) s = (s + i * 5) % 1000003;\nreturn { s, edited: true, host: process.pid };`,
    );
    let edited = await json(server, "/heavy-edited");
    for (let i = 0; i < 50 && !edited.edited; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      edited = await json(server, "/heavy-edited");
    }
    assert.equal(edited.edited, true);
    assert.deepEqual(
      [jitless(first.host), jitless(moved.host), jitless(edited.host)],
      RUNTIME === "bun" ? [true, false, false] : [false, false, false],
    );
  });

  test("a heavy serverless script starts on hosts with a JIT after a restart too: the pool keeps them in _hoody/heavy-scripts.json (Bun; Deno's hosts all have one)", async () => {
    await using dir = tmpScripts({
      "1/heavy.ts":
        `let s = 0;\nfor (let i = 0; i < 10_000_000; i++) s = (s + i * 7) % 1000003;\nreturn { host: process.pid };`,
    });
    // Whether each request ran without a JIT, read while its host is alive.
    const withoutJit: boolean[] = [];
    const before = await startServer(dir.root);
    try {
      withoutJit.push(jitless((await json(before, "/heavy")).host));
      withoutJit.push(jitless((await json(before, "/heavy")).host));
    } finally {
      await before.stop();
    }
    const after = await startServer(dir.root);
    try {
      withoutJit.push(jitless((await json(after, "/heavy")).host));
    } finally {
      await after.stop();
    }
    assert.deepEqual(
      withoutJit,
      RUNTIME === "bun" ? [true, false, false] : [false, false, false],
    );
  });

  test("a serverless script whose request ran out of its @timeout computing moves to hosts with a JIT (Bun; Deno's hosts all have one)", async () => {
    const before = await json(server, "/sometimes-spins");
    assert.equal((await request(server, "/sometimes-spins?spin=1")).status, 504);
    // The pool tells a Worker computing from one waiting by a ping after the 504 (250 ms of grace).
    let after = await json(server, "/sometimes-spins");
    for (let i = 0; i < 20 && jitless(after.host); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await json(server, "/sometimes-spins");
    }
    assert.deepEqual(
      [jitless(before.host), jitless(after.host)],
      RUNTIME === "bun" ? [true, false] : [false, false],
    );
  });

  test("a stray rejection or a callback's throw keeps the Worker and its module state (worker mode only: a serverless Worker ends anyway)", async () => {
    const [a, b] = await Promise.all([json(server, "/stray"), json(server, "/stray")]);
    assert.deepEqual([a.count, b.count].sort(), [1, 2]);
    assert.deepEqual(await json(server, "/stray"), { count: 3 });
  });

  test("a worker-mode write to shared is visible to the next request of any worker-mode script of the instance (worker mode only)", async () => {
    assert.deepEqual(await json(server, "/inc"), { visits: 1 });
    assert.deepEqual(await json(server, "/inc"), { visits: 2 });
    assert.deepEqual(await json(server, "/peek"), { visits: 2, log: ["inc", "inc"] });
    assert.deepEqual(await json(server, "/inc", "exec-2.localhost"), { visits: 100 });
    assert.deepEqual(await json(server, "/peek"), { visits: 2, log: ["inc", "inc"] });
  });

  test("concurrent worker-mode writes all count (worker mode only)", async () => {
    const before = (await json(server, "/peek")).visits as number;
    await Promise.all(
      Array.from({ length: 20 }, () => request(server, "/inc").then((r) => r.text())),
    );
    assert.equal((await json(server, "/peek")).visits, before + 20);
  });

  test("a worker-mode script keeps module state between requests (worker mode only)", async () => {
    assert.deepEqual(await json(server, "/module-state"), { hits: 1 });
    assert.deepEqual(await json(server, "/module-state"), { hits: 2 });
  });

  test("a timer a serverless script leaves running ends with its Worker (serverless only)", async () => {
    let hits = 0;
    await using counter = await listen(() => (hits += 1));
    const response = await request(server, `/lingers?port=${counter.port}`);
    assert.equal(response.status, 200);
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = hits;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(hits, after);
  });

  test("a serverless request starts from fresh globals and a fresh shared (serverless only)", async () => {
    assert.deepEqual(await json(server, "/fresh"), { leak: 1, shared: 1 });
    assert.deepEqual(await json(server, "/fresh"), { leak: 1, shared: 1 });
  });

  test("shared survives a worker-mode Worker stopped by a timeout (worker mode only)", async () => {
    const visits = (await json(server, "/peek")).visits as number;
    assert.equal((await request(server, "/spin")).status, 504);
    assert.deepEqual(await json(server, "/peek"), {
      visits,
      log: (await json(server, "/peek")).log,
    });
    assert.deepEqual(await json(server, "/inc"), { visits: visits + 1 });
  });
});

// Its own server: a host condemned by another test's stuck Worker would replace this Worker too.
test("a Worker that exits is replaced: its request answers 502, the next one a new Worker (worker mode only)", async () => {
  await using server = await withServer({
    "1/exit.ts":
      `// @mode worker\nlet hits = 0;\nexport default (_req, _res, metadata) => {\n  if (metadata.query.exit) process.exit(3);\n  return { hits: ++hits };\n};`,
  });
  assert.deepEqual(await json(server, "/exit"), { hits: 1 });
  assert.deepEqual(await json(server, "/exit"), { hits: 2 });
  // The 502 comes once the server knows the Worker is gone: the next request cannot meet it.
  const exited = await request(server, "/exit?exit=1");
  assert.equal(exited.status, 502);
  assert.equal((await exited.json()).code, "SCRIPT_CRASHED");
  assert.deepEqual(await json(server, "/exit"), { hits: 1 });
});

// Its own server: the burst grows the serverless stock, which the other tests' scripts would share.
test("a hot serverless script is kept ready in a Worker again after a burst (serverless only)", async () => {
  await using server = await withServer({
    // `ahead`: the module was loaded before its request reached the server, i.e. by a Worker
    // made ready for this script in advance, not on the request's own path.
    "1/ready.ts":
      `// @mode serverless\nconst loadedAt = Date.now();\nexport default (_req, _res, metadata) => ({ ahead: loadedAt < metadata.startedAt });`,
  });
  const ahead = async () => (await json(server, "/ready")).ahead as boolean;
  await ahead();
  // More at once than Workers are ready: most of them wait, and miss the script's ready Worker.
  await Promise.all(Array.from({ length: 24 }, () => ahead()));
  const after: boolean[] = [];
  for (let i = 0; i < 10 && !after.includes(true); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after.push(await ahead());
  }
  assert.ok(after.includes(true), `no request found the script ready: ${after.join(" ")}`);
});

/** An HTTP server on a free port that calls `hit` for every request it gets. */
async function listen(hit: () => void) {
  const counter = createServer((_request, response) => {
    hit();
    response.end();
  });
  await new Promise<void>((resolve) => counter.listen(0, "127.0.0.1", resolve));
  return {
    port: (counter.address() as { port: number }).port,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => counter.close(() => resolve())),
  };
}
