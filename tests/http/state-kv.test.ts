/**
 * Durable `shared` (`--state kv`, docs/state.md): the store on a real KV file, then a real server
 * whose scripts and management calls change `shared` and that stops and starts on the same root.
 * The kill -9 and cross-runtime cases run the CLI: tests/http/state-crash.test.ts.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { SharedPatch } from "../../runtime/protocol/messages.ts";
import type { SharedStore, SharedStoreStatus } from "../../runtime/server/shared-state.ts";
import { openDurableSharedStore } from "../../runtime/state/durable-store.ts";
import { CHUNKS, SHARED } from "../../runtime/state/entries.ts";
import { commitAtomic, openKvDatabase } from "../../runtime/state/kv.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";
import { createTestLog } from "../lib/server-log.ts";
import { eventually, managementCall, request, startServer } from "../lib/server.ts";

type KvStatus = Extract<SharedStoreStatus, { mode: "kv" }>;

const kvStatus = (store: SharedStore): KvStatus => {
  const status = store.status();
  assert.equal(status.mode, "kv");
  return status as KvStatus;
};

const patch = (instance: string, ops: SharedPatch["ops"]): SharedPatch => ({
  instance,
  origin: "",
  seq: 0,
  ops,
});

const BIG = "b".repeat(200_000);

describe("the KV store behind --state kv", () => {
  test("10,000 increments in a burst are one commit, and all of it is there after a reopen", async () => {
    await using dir = tmpScripts({});
    const path = join(dir.root, "_hoody", "kv", "state.sqlite3");
    const warnings: string[] = [];
    const store = await openDurableSharedStore({ path, warn: (line) => warnings.push(line) });
    for (let i = 0; i < 10_000; i++) {
      const x = (store.get("1").x as number | undefined ?? 0) + 1;
      store.apply(patch("1", [{ op: "set", path: ["x"], value: x }]));
    }
    store.apply(patch("1", [{ op: "set", path: ["big"], value: BIG }]));
    store.apply(patch("2", [{ op: "set", path: ["nested", "deep"], value: { a: [1, "é"] } }]));
    store.apply(patch("2", [{ op: "set", path: ["gone"], value: 1 }]));
    store.apply(patch("2", [{ op: "delete", path: ["gone"] }]));
    assert.ok(await eventually(() => Promise.resolve(kvStatus(store).pendingKeys === 0)));
    assert.equal(kvStatus(store).commits, 1);
    assert.equal(kvStatus(store).lastError, null);
    await store.close();

    const again = await openDurableSharedStore({ path, warn: (line) => warnings.push(line) });
    assert.deepEqual(again.list().sort(), ["1", "2"]);
    assert.deepEqual(again.get("1"), { x: 10_000, big: BIG });
    assert.deepEqual(again.get("2"), { nested: { deep: { a: [1, "é"] } } });

    // A chunked value rewritten smaller, and an instance emptied: the store follows.
    again.apply(patch("1", [{ op: "set", path: ["big"], value: "small" }]));
    again.apply(patch("2", [{ op: "delete", path: ["nested"] }]));
    await again.close();
    const kv = await openKvDatabase(path);
    const keys: unknown[] = [];
    for await (const entry of kv.list({ prefix: [] })) keys.push(entry.key);
    kv.close();
    assert.deepEqual(keys, [[SHARED, "1", "big"], [SHARED, "1", "x"]], "old chunks are deleted");
    assert.deepEqual(warnings, []);
  });

  test("chunks a crash left without a header are not read, and are deleted at start", async () => {
    await using dir = tmpScripts({});
    const path = join(dir.root, "state.sqlite3");
    const store = await openDurableSharedStore({ path, warn: assert.fail });
    store.apply(patch("1", [{ op: "set", path: ["big"], value: BIG }]));
    await store.close();
    // What a kill between a batch's chunks and its header leaves: a newer chunk set, half written.
    const kv = await openKvDatabase(path);
    await commitAtomic(kv, [{ key: [CHUNKS, "1", "big", "newer", 0], value: new Uint8Array(9) }]);
    kv.close();

    const again = await openDurableSharedStore({ path, warn: assert.fail });
    assert.equal(again.get("1").big, BIG);
    await again.close();
    const check = await openKvDatabase(path);
    const generations = new Set<unknown>();
    for await (const entry of check.list({ prefix: [CHUNKS] })) generations.add(entry.key[3]);
    check.close();
    assert.equal(generations.size, 1);
    assert.ok(!generations.has("newer"));
  });

  test("an entry that cannot be read is skipped with a warning; the rest loads", async () => {
    await using dir = tmpScripts({});
    const path = join(dir.root, "state.sqlite3");
    const kv = await openKvDatabase(path);
    const bytes = (text: string) => new TextEncoder().encode(text);
    await commitAtomic(kv, [
      { key: [SHARED, "1", "good"], value: bytes(`{"v":1}`) },
      { key: [SHARED, "1", "bad"], value: bytes("not json") },
      { key: [SHARED, "1", "torn"], value: bytes(`{"n":2,"bytes":9,"g":"x"}`) },
    ]);
    kv.close();
    const warnings: string[] = [];
    const store = await openDurableSharedStore({ path, warn: (line) => warnings.push(line) });
    assert.deepEqual(store.get("1"), { good: 1 });
    await store.close();
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings.join("\n"), /skipped the entry shared,1,bad: .*JSON/);
    assert.match(warnings.join("\n"), /skipped the entry shared,1,torn: .*expected 2 chunks/);
  });

  test("a store that cannot be opened names its path", async () => {
    await using dir = tmpScripts({ "not-a-folder": "" });
    await assert.rejects(
      openDurableSharedStore({
        path: join(dir.root, "not-a-folder", "state.sqlite3"),
        warn: assert.fail,
      }),
      /shared-state store/,
    );
  });
});

const COUNTER = `// @mode worker
const n = ((shared.n as number | undefined) ?? 0) + 1;
shared.n = n;
return { n };`;
const BURST = `// @mode worker
for (let i = 0; i < 10_000; i++) shared.x = ((shared.x as number | undefined) ?? 0) + 1;
return { x: shared.x };`;
const READ = `// @mode worker
return { n: shared.n ?? null, x: shared.x ?? null, doc: shared.doc ?? null };`;

describe("a server with --state kv, stopped and started on the same root", () => {
  test("scripts and management calls change shared; a new server starts from it", async () => {
    await using dir = tmpScripts({ "1/count.ts": COUNTER, "1/burst.ts": BURST, "1/read.ts": READ });
    const first = await startServer(dir.root, { state: "kv" });
    try {
      for (let i = 0; i < 5; i++) await request(first, "/count");
      const burst = await (await request(first, "/burst")).json() as { x: number };
      assert.equal(burst.x, 10_000);
      const set = await managementCall(first, "POST", "/shared-state/set", {
        hostname: "1",
        path: "doc",
        value: { text: BIG },
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const stats = await managementCall(first, "GET", "/monitor/stats");
      assert.equal(stats.body.sharedStore.mode, "kv");
      assert.equal(stats.body.sharedStore.path, join(dir.root, "_hoody", "kv", "state.sqlite3"));
    } finally {
      await first.stop();
    }
    assert.ok(existsSync(join(dir.root, "_hoody", "kv", "state.sqlite3")));

    const second = await startServer(dir.root, { state: "kv" });
    try {
      const read = await (await request(second, "/read")).json();
      assert.deepEqual(read, { n: 5, x: 10_000, doc: { text: BIG } });
      const cleared = await managementCall(second, "POST", "/shared-state/clear", {
        hostname: "1",
        path: "doc",
      });
      assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    } finally {
      await second.stop();
    }

    const third = await startServer(dir.root, { state: "kv" });
    try {
      assert.deepEqual(await (await request(third, "/read")).json(), {
        n: 5,
        x: 10_000,
        doc: null,
      });
      const cache = await managementCall(third, "POST", "/cache/clear", { clearState: true });
      assert.equal(cache.status, 200, JSON.stringify(cache.body));
    } finally {
      await third.stop();
    }

    const fourth = await startServer(dir.root, { state: "kv" });
    try {
      assert.deepEqual(await (await request(fourth, "/read")).json(), {
        n: null,
        x: null,
        doc: null,
      });
    } finally {
      await fourth.stop();
    }
  });

  test("--state memory (the default) keeps nothing on disk", async () => {
    await using dir = tmpScripts({ "1/count.ts": COUNTER });
    const log = createTestLog();
    const server = await startServer(dir.root, {}, log);
    try {
      assert.deepEqual(await (await request(server, "/count")).json(), { n: 1 });
      const stats = await managementCall(server, "GET", "/monitor/stats");
      assert.deepEqual(stats.body.sharedStore, { mode: "memory" });
    } finally {
      await server.stop();
    }
    assert.ok(!existsSync(join(dir.root, "_hoody", "kv")));
  });

  test("an unknown --state is refused with what to use", async () => {
    await using dir = tmpScripts({});
    await assert.rejects(
      startServer(dir.root, { state: "disk" as "kv" }),
      /--state must be memory or kv \(got "disk"\)/,
    );
  });
});
