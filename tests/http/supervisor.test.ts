import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { alive } from "../lib/processes.ts";

const BIN = fileURLToPath(new URL("../../bin/hoody-exec.mjs", import.meta.url));
const RUNTIME = "Bun" in globalThis ? "bun" : "deno";

interface Launcher {
  child: ChildProcess;
  /** stderr so far: the server's log and the supervisor's lines. */
  output(): string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts the launcher as a user would, with a clean environment (no token, no port, no host). */
function launch(...args: string[]): Launcher {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
  for (const name of ["HOODY_EXEC_ADMIN_TOKEN", "HOODY_EXEC_RUNTIME", "PORT", "HOST"]) {
    delete env[name];
  }
  const child = spawn("node", [BIN, ...args, "--runtime", RUNTIME], {
    stdio: ["ignore", "ignore", "pipe"],
    env,
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // "exit", not "close": the server and its Worker hosts share the launcher's stderr pipe, and
  // "close" would also wait for the last of them.
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal }))
  );
  return { child, output: () => stderr, exited };
}

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

/** Resolves to `promise`'s value, or to "timeout" after `ms` (a bound, not a timing assertion). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe(`hoody-exec serve under its supervisor (${RUNTIME})`, () => {
  let dir: ScriptsDir;
  let port: number;
  let launcher: Launcher;
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
    launcher = launch("serve", "--root", dir.root, "--port", String(port));
  });
  after(async () => {
    // Whatever a failed test left running, end it: the launcher, then any server pid we saw.
    if (launcher.child.exitCode === null && launcher.child.signalCode === null) {
      launcher.child.kill("SIGKILL");
      await launcher.exited;
    }
    for (const pid of seen) if (alive(pid)) process.kill(pid, "SIGKILL");
    await dir[Symbol.asyncDispose]();
  });

  test("a server killed by SIGKILL is logged and restarted on the same port", async () => {
    const first = await poll(serverPid);
    assert.ok(first, `the server never answered:\n${launcher.output()}`);
    process.kill(first, "SIGKILL");

    const logged = await poll(() =>
      new RegExp(`server \\(pid ${first}\\) was killed by SIGKILL after [\\d.]+ s.*; restarting`)
        .test(launcher.output()) || undefined
    );
    assert.ok(logged, `no restart line:\n${launcher.output()}`);
    const second = await poll(async () => {
      const pid = await serverPid();
      return pid !== undefined && pid !== first ? pid : undefined;
    });
    assert.ok(second, `the server did not come back:\n${launcher.output()}`);
    assert.notEqual(second, first);
    assert.equal(alive(first), false);

    const response = await fetch(`http://127.0.0.1:${port}/hello`);
    assert.deepEqual(await response.json(), { hello: "supervised" });
  });

  test("SIGTERM to the launcher stops the server and exits 0, without a restart", async () => {
    const pid = await poll(serverPid);
    assert.ok(pid, `the server is not answering:\n${launcher.output()}`);
    const restartsBefore = launcher.output().match(/restarting/g)?.length ?? 0;
    // process.kill, not child.kill: Deno's ChildProcess then reports the kill signal, not the exit.
    process.kill(launcher.child.pid!, "SIGTERM");

    const result = await within(launcher.exited, 40_000);
    assert.deepEqual(result, { code: 0, signal: null }, launcher.output());
    assert.equal(alive(pid), false, `server pid ${pid} outlived the launcher`);
    assert.equal(launcher.output().match(/restarting/g)?.length ?? 0, restartsBefore);
  });

  test("a configuration error exits non-zero with its message, without a restart", async () => {
    const run = launch("serve", "--root", dir.root, "--port", "0", "--host", "0.0.0.0");
    const result = await within(run.exited, 20_000);
    if (result === "timeout") {
      run.child.kill("SIGKILL");
      assert.fail(`still running (looping?):\n${run.output()}`);
    }
    assert.equal(result.code, 1, run.output());
    assert.match(run.output(), /--admin-token/);
    assert.doesNotMatch(run.output(), /supervisor/);
  });

  test("a CLI command is not supervised: it runs once and exits with its code", async () => {
    const closed = await freePort();
    const run = launch("--url", `http://127.0.0.1:${closed}`, "system", "health");
    const result = await within(run.exited, 20_000);
    if (result === "timeout") {
      run.child.kill("SIGKILL");
      assert.fail(`still running:\n${run.output()}`);
    }
    assert.equal(result.code, 1, run.output());
    assert.doesNotMatch(run.output(), /supervisor/);
  });
});
