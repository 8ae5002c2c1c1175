import assert from "node:assert/strict";
import { test } from "node:test";
import type { Adapter, ChildHandle } from "../../runtime/adapter/types.ts";
import { createHosts } from "../../runtime/host/hosts.ts";

/** A host that never connects and exits when killed: what it is asked is what these tests read. */
function child(pid: number) {
  const events: string[] = [];
  let exit = (_reason: string) => {};
  const handle: ChildHandle = {
    pid,
    setup: (text) => void events.push(`setup ${JSON.parse(text).mode}`),
    kill: () => {
      events.push("kill");
      exit("SIGKILL");
    },
    exited: new Promise((resolve) => (exit = resolve)),
  };
  return { handle, events };
}

function hostsWith(firstHost?: ChildHandle) {
  const spawned: string[] = [];
  let pid = 100;
  const adapter = {
    spawnHost(_entry: string, mode: string, _env: unknown, jit: boolean): ChildHandle {
      spawned.push(`${mode} ${jit ? "jit" : "jitless"}`);
      return child(++pid).handle;
    },
  } as unknown as Adapter;
  const hosts = createHosts({
    adapter,
    workerUrl: Promise.resolve("file:///sandbox.mjs"),
    scriptsRoot: "/scripts",
    firstHost,
    onHostExit() {},
    onHostMessage() {},
    onWorker: () => null,
    onWorkerClosed() {},
  });
  return { hosts, spawned };
}

test("the first worker-mode host with a JIT is the one started already; others are spawned", async () => {
  const first = child(7);
  const { hosts, spawned } = hostsWith(first.handle);
  assert.equal(hosts.spawn("serverless", false).pid, 101, "a serverless host never takes it");
  assert.equal(hosts.spawn("worker", true).pid, 7);
  assert.equal(hosts.spawn("worker", true).pid, 102, "it is taken once");
  assert.deepEqual(spawned, ["serverless jitless", "worker jit"]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(first.events, ["setup worker"], "it gets its setup like any other host");
  await hosts.close();
  assert.deepEqual(first.events, ["setup worker", "kill"]);
});

test("a started host the pool never took ends with the hosts", async () => {
  const first = child(7);
  const { hosts, spawned } = hostsWith(first.handle);
  await hosts.close();
  assert.deepEqual(first.events, ["kill"]);
  assert.deepEqual(spawned, []);
});
