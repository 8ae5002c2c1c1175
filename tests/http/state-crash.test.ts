/**
 * Durable `shared` against kill -9 (docs/state.md): `hoody-exec serve --state kv` under its
 * supervisor, its server killed with SIGKILL once at rest and once at a random moment of a write
 * burst; then the root opened by a server on the other runtime.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { alive, type Cli, runCli, RUNTIME, within } from "../lib/processes.ts";
import { CLEAN_ENV, poll, type Supervised, superviseServe } from "../lib/supervised.ts";
const OTHER = RUNTIME === "bun" ? "deno" : "bun";
const PAD = 100_000;

// Each write changes two keys in one patch: `big` (chunked: over KV's 64 KiB) must always match
// `n`, or a batch was torn or not a prefix.
const FILES = {
  "1/write.ts": `// @mode worker
const n = ((shared.n as number | undefined) ?? 0) + 1;
shared.n = n;
shared.big = n + ":" + "x".repeat(${PAD});
return { n };`,
  "1/read.ts": `// @mode worker
const n = (shared.n as number | undefined) ?? 0;
return { n, whole: n === 0 ? shared.big === undefined : shared.big === n + ":" + "x".repeat(${PAD}) };`,
};

interface Read {
  n: number;
  whole: boolean;
}

describe(`shared in KV survives kill -9 (${RUNTIME})`, () => {
  let server: Supervised;
  let launcher: Cli;
  let base = "";

  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${base}${path}`);
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return await response.json() as T;
  };
  /** Waits for the supervisor's next server after `pid` was killed with SIGKILL. */
  const nextServer = async (pid: number) => {
    const next = await poll(async () => {
      const now = await server.serverPid();
      return now !== pid ? now : undefined;
    });
    assert.ok(next, `the server did not come back:\n${launcher.stderr}`);
    assert.equal(alive(pid), false);
  };

  before(async () => {
    server = await superviseServe(FILES, ["--state", "kv"]);
    launcher = server.launcher;
    base = server.base;
  });
  after(() => server[Symbol.asyncDispose]());

  test("writes on disk before the kill are all there after the supervisor's restart", async () => {
    const pid = await poll(server.serverPid);
    assert.ok(pid, launcher.stderr);
    for (let i = 1; i <= 3; i++) assert.deepEqual(await get("/write"), { n: i });
    const synced = await poll(async () => {
      const stats = await get<{ sharedStore: { pendingKeys: number } }>(
        "/api/v1/exec/monitor/stats",
      );
      return stats.sharedStore.pendingKeys === 0 ? true : undefined;
    });
    assert.ok(synced, "the store never caught up");
    process.kill(pid, "SIGKILL");
    await nextServer(pid);
    assert.deepEqual(await get<Read>("/read"), { n: 3, whole: true });
  });

  test("a kill at a random moment of a burst leaves a prefix of the writes, never a torn value", async () => {
    const pid = await poll(server.serverPid);
    assert.ok(pid, launcher.stderr);
    const before = (await get<Read>("/read")).n;
    const killAfter = 20 + Math.floor(Math.random() * 60);
    let sent = 0;
    let acked = 0;
    let killed = false;
    const client = async () => {
      while (!killed && sent < 10_000) {
        sent += 1;
        try {
          await get("/write");
          acked += 1;
        } catch {
          return;
        }
        if (acked >= killAfter && !killed) {
          killed = true;
          process.kill(pid, "SIGKILL");
        }
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    assert.ok(killed, `no kill after ${acked} acknowledged writes`);
    await nextServer(pid);
    const after = await get<Read>("/read");
    assert.equal(after.whole, true, `big does not match n=${after.n}: a torn or mixed batch`);
    assert.ok(after.n >= before, `lost writes made before the burst: ${after.n} < ${before}`);
    assert.ok(after.n <= before + sent, `more writes than were sent: ${after.n}`);
  });

  test(`a root written on ${RUNTIME} opens on ${OTHER} with the same shared`, async () => {
    const last = await get<Read>("/read");
    // process.kill, not child.kill: Deno's ChildProcess then reports the kill signal, not the exit.
    process.kill(launcher.child.pid!, "SIGTERM");
    assert.deepEqual(await within(launcher.exited, 40_000), { code: 0, signal: null });

    await using other = runCli(
      ["serve", "--root", server.dir.root, "--port", "0", "--state", "kv"],
      CLEAN_ENV,
      OTHER,
    );
    base = await other.address();
    assert.deepEqual(await get<Read>("/read"), last);
    assert.deepEqual(await get("/write"), { n: last.n + 1 });
  });
});
