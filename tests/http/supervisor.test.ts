import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { alive, childrenOf, type Cli, runCli, RUNTIME, within } from "../lib/processes.ts";
import { CLEAN_ENV, freePort, poll, type Supervised, superviseServe } from "../lib/supervised.ts";

describe(`hoody-exec serve under its supervisor (${RUNTIME})`, () => {
  let server: Supervised;
  let launcher: Cli;
  const serverPid = () => server.serverPid();

  before(async () => {
    server = await superviseServe({
      "1/hello.ts": `return { hello: "supervised" };`,
      "1/slow.ts": `await new Promise((r) => setTimeout(r, 500));\nreturn "finished";`,
    });
    launcher = server.launcher;
  });
  // Whatever a failed test left running, end it: the launcher, then any server pid seen.
  after(() => server[Symbol.asyncDispose]());

  test("a server killed by SIGKILL is logged and restarted on the same port", async () => {
    const first = await poll(serverPid);
    assert.ok(first, `the server never answered:\n${launcher.stderr}`);
    process.kill(first, "SIGKILL");

    const logged = await poll(() =>
      new RegExp(`server \\(pid ${first}\\) was killed by SIGKILL after [\\d.]+ s.*; restarting`)
        .test(launcher.stderr) || undefined
    );
    assert.ok(logged, `no restart line:\n${launcher.stderr}`);
    const second = await poll(async () => {
      const pid = await serverPid();
      return pid !== undefined && pid !== first ? pid : undefined;
    });
    assert.ok(second, `the server did not come back:\n${launcher.stderr}`);
    assert.notEqual(second, first);
    assert.equal(alive(first), false);

    const response = await fetch(`${server.base}/hello`);
    assert.deepEqual(await response.json(), { hello: "supervised" });
  });

  test("the launcher starts the server with JavaScriptCore's lower JIT thresholds on Bun (nothing on Deno); its hosts get none of them", async () => {
    const pid = await poll(serverPid);
    assert.ok(pid, `the server is not answering:\n${launcher.stderr}`);
    await fetch(`${server.base}/hello`).then((r) => r.arrayBuffer());
    const thresholds = (of: number) =>
      readFileSync(`/proc/${of}/environ`, "utf8").split("\0")
        .filter((v) => v.startsWith("BUN_JSC_threshold")).sort();
    assert.deepEqual(
      thresholds(pid),
      RUNTIME === "bun"
        ? [
          "BUN_JSC_thresholdForJITAfterWarmUp=50",
          "BUN_JSC_thresholdForJITSoon=50",
          "BUN_JSC_thresholdForOptimizeAfterLongWarmUp=200",
          "BUN_JSC_thresholdForOptimizeAfterWarmUp=200",
          "BUN_JSC_thresholdForOptimizeSoon=200",
        ]
        : [],
    );
    const hosts = childrenOf(pid);
    assert.ok(hosts.length > 0, "the server has no host processes");
    for (const host of hosts) assert.deepEqual(thresholds(host), [], `host ${host}`);
  });

  test("SIGTERM to the launcher lets running requests finish, stops the server and exits 0, without a restart", async () => {
    const pid = await poll(serverPid);
    assert.ok(pid, `the server is not answering:\n${launcher.stderr}`);
    const restartsBefore = launcher.stderr.match(/restarting/g)?.length ?? 0;
    const slow = fetch(`${server.base}/slow`);
    const running = await poll(async () => {
      const active = await fetch(`${server.base}/api/v1/exec/monitor/active-requests`);
      return (await active.json() as { count: number }).count > 0 || undefined;
    });
    assert.ok(running, `the slow request never started:\n${launcher.stderr}`);
    // process.kill, not child.kill: Deno's ChildProcess then reports the kill signal, not the exit.
    process.kill(launcher.child.pid!, "SIGTERM");

    const finished = await slow;
    assert.equal(`${finished.status} ${await finished.text()}`, "200 finished");
    const result = await within(launcher.exited, 40_000);
    assert.deepEqual(result, { code: 0, signal: null }, launcher.stderr);
    assert.equal(alive(pid), false, `server pid ${pid} outlived the launcher`);
    assert.equal(launcher.stderr.match(/restarting/g)?.length ?? 0, restartsBefore);
  });

  test("a configuration error exits non-zero with its message, without a restart", async () => {
    await using run = runCli(
      ["serve", "--root", server.dir.root, "--port", "0", "--host", "0.0.0.0"],
      CLEAN_ENV,
    );
    const result = await within(run.exited, 20_000);
    if (result === "timeout") assert.fail(`still running (looping?):\n${run.stderr}`);
    assert.equal(result.code, 1, run.stderr);
    assert.match(run.stderr, /--admin-token/);
    assert.doesNotMatch(run.stderr, /supervisor/);
  });

  test("a CLI command is not supervised: it runs once and exits with its code", async () => {
    const closed = await freePort();
    await using run = runCli(
      ["--url", `http://127.0.0.1:${closed}`, "system", "health"],
      CLEAN_ENV,
    );
    const result = await within(run.exited, 20_000);
    if (result === "timeout") assert.fail(`still running:\n${run.stderr}`);
    assert.equal(result.code, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /supervisor/);
  });
});
