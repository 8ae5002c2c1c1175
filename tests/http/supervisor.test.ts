import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { alive, type Cli, runCli, RUNTIME, within } from "../lib/processes.ts";

/** A clean environment, as a user's would be: no token, no runtime, no port, no host. */
const CLEAN = {
  HOODY_EXEC_ADMIN_TOKEN: undefined,
  HOODY_EXEC_RUNTIME: undefined,
  PORT: undefined,
  HOST: undefined,
};

/** A port nothing listens on now: the server must get the same one back after a restart. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value (not undefined), for at most `ms`. */
async function poll<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 20_000,
): Promise<T | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

describe(`hoody-exec serve under its supervisor (${RUNTIME})`, () => {
  let dir: ScriptsDir;
  let port: number;
  let launcher: Cli;
  const seen = new Set<number>();

  /** The server's pid from the health endpoint, or undefined while nothing answers. */
  const serverPid = async (): Promise<number | undefined> => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/exec/health`);
      const body = await response.json() as { pid?: number };
      if (typeof body.pid === "number") seen.add(body.pid);
      return body.pid;
    } catch {
      return undefined;
    }
  };

  before(async () => {
    dir = tmpScripts({ "1/hello.ts": `return { hello: "supervised" };` });
    port = await freePort();
    launcher = runCli(["serve", "--root", dir.root, "--port", String(port)], CLEAN);
  });
  after(async () => {
    // Whatever a failed test left running, end it: the launcher, then any server pid we saw.
    await launcher[Symbol.asyncDispose]();
    for (const pid of seen) if (alive(pid)) process.kill(pid, "SIGKILL");
    await dir[Symbol.asyncDispose]();
  });

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

    const response = await fetch(`http://127.0.0.1:${port}/hello`);
    assert.deepEqual(await response.json(), { hello: "supervised" });
  });

  test("SIGTERM to the launcher stops the server and exits 0, without a restart", async () => {
    const pid = await poll(serverPid);
    assert.ok(pid, `the server is not answering:\n${launcher.stderr}`);
    const restartsBefore = launcher.stderr.match(/restarting/g)?.length ?? 0;
    // process.kill, not child.kill: Deno's ChildProcess then reports the kill signal, not the exit.
    process.kill(launcher.child.pid!, "SIGTERM");

    const result = await within(launcher.exited, 40_000);
    assert.deepEqual(result, { code: 0, signal: null }, launcher.stderr);
    assert.equal(alive(pid), false, `server pid ${pid} outlived the launcher`);
    assert.equal(launcher.stderr.match(/restarting/g)?.length ?? 0, restartsBefore);
  });

  test("a configuration error exits non-zero with its message, without a restart", async () => {
    await using run = runCli(
      ["serve", "--root", dir.root, "--port", "0", "--host", "0.0.0.0"],
      CLEAN,
    );
    const result = await within(run.exited, 20_000);
    if (result === "timeout") assert.fail(`still running (looping?):\n${run.stderr}`);
    assert.equal(result.code, 1, run.stderr);
    assert.match(run.stderr, /--admin-token/);
    assert.doesNotMatch(run.stderr, /supervisor/);
  });

  test("a CLI command is not supervised: it runs once and exits with its code", async () => {
    const closed = await freePort();
    await using run = runCli(["--url", `http://127.0.0.1:${closed}`, "system", "health"], CLEAN);
    const result = await within(run.exited, 20_000);
    if (result === "timeout") assert.fail(`still running:\n${run.stderr}`);
    assert.equal(result.code, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /supervisor/);
  });
});
