import assert from "node:assert/strict";
import { test } from "node:test";
import type { Host } from "../../runtime/host/hosts.ts";
import { createWorkerMode } from "../../runtime/host/worker-mode.ts";
import type { WorkerRecord } from "../../runtime/host/worker-record.ts";
import type { ToWorker, Unit } from "../../runtime/protocol/messages.ts";
import { createSlots } from "../../runtime/slots.ts";

/** Worker mode against fake hosts: what it spawns, and which Worker each script gets. */
function setup() {
  const live: Host[] = [{ pid: 1, mode: "worker", condemned: false } as Host];
  const spawned: WorkerRecord[] = [];
  const delivered: [WorkerRecord, ToWorker][] = [];
  const workerMode = createWorkerMode({
    maxWorkers: 10,
    snapshot: () => ({}),
    liveOrNew: () => live,
    live: () => live,
    spawn(host) {
      const worker = {
        id: `w${spawned.length + 1}`,
        host,
        unit: null,
        name: "",
        gone: false,
        pending: createSlots(),
        sockets: new Map(),
      } as unknown as WorkerRecord;
      spawned.push(worker);
      return worker;
    },
    deliver: (worker, message) => void delivered.push([worker, message]),
    terminate(worker) {
      worker.gone = true;
      workerMode.forget(worker);
    },
    closeSockets() {},
    spareAfterMs: 20,
  });
  const unit = (file: string, key = file) =>
    ({ key, instance: "1", main: { file } }) as unknown as Unit;
  return { workerMode, live, spawned, delivered, unit };
}

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a new host boots a spare Worker, and a script's first request takes it", async () => {
  const { workerMode, live, spawned, delivered, unit } = setup();
  workerMode.prime(live[0]!);
  assert.equal(spawned.length, 1, "the spare");
  const worker = workerMode.workerFor(unit("hello.ts"));
  assert.equal(worker, spawned[0], "the spare serves the script");
  assert.equal(spawned.length, 1, "no Worker spawned for the request itself");
  assert.deepEqual(delivered.map(([w, m]) => [w.id, m.t]), [["w1", "init"]]);
  // The next spare comes after the request, not beside it.
  await later(100);
  assert.equal(spawned.length, 2);
  assert.equal(workerMode.workerFor(unit("other.ts")), spawned[1]);
  assert.equal(workerMode.count, 2, "spares are not counted until they hold a script");
});

test("a spare that is gone is not handed out, and a host that left gets no new one", async () => {
  const { workerMode, live, spawned, unit } = setup();
  const host = live[0]!;
  workerMode.prime(host);
  workerMode.prime(host);
  assert.equal(spawned.length, 1, "one spare per host");
  spawned[0]!.gone = true;
  workerMode.forget(spawned[0]!);
  const worker = workerMode.workerFor(unit("hello.ts"));
  assert.equal(worker, spawned[1], "a fresh Worker instead");
  live.splice(0); // the host exited
  workerMode.prime(host);
  await later(100);
  assert.equal(spawned.length, 2, "no spare for a host that is not live");
});
