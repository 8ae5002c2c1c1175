import assert from "node:assert/strict";
import { test } from "node:test";
import type { ServerError } from "../../runtime/errors.ts";
import type { Host } from "../../runtime/host/hosts.ts";
import { createServerless } from "../../runtime/host/serverless.ts";
import type { Job, WorkerRecord } from "../../runtime/host/worker-record.ts";
import type { ToWorker, Unit } from "../../runtime/protocol/messages.ts";
import { eventually } from "../lib/eventually.ts";

/** The serverless scheduler against a fake host: what it spawns and which Worker serves what. */
function setup(shrinkMs?: number, hostStarted = true, dialingSpares = false) {
  const host = { pid: 1, mode: "serverless", condemned: false } as Host;
  /** The live hosts: without one, the first request starts it (as pool.ts does, filling its stock). */
  const hosts = hostStarted ? [host] : [];
  const workers = new Set<WorkerRecord>();
  const started: [WorkerRecord, Job][] = [];
  /** Workers given a script: every one but those in the stock. */
  const handed = new Set<WorkerRecord>();
  const served = new Map<string, string>();
  const shed: ServerError[] = [];
  /** Each init's `rehearse`, in order. */
  const rehearsals: boolean[] = [];
  /** Workers spawned to open their own socket to the server. */
  const dialing = new Set<WorkerRecord>();
  let spawned = 0;
  let mostBooting = 0;
  const booting = () => [...workers].filter((w) => !w.booted).length;
  const serverless = createServerless({
    stock: 1,
    shrinkMs,
    queueLimit: 100,
    waitMs: 1000,
    deadlines: { add: () => () => {} },
    closing: () => false,
    live: () => hosts,
    liveOrNew() {
      if (hosts.length === 0) {
        hosts.push(host);
        serverless.fill(host);
      }
      return hosts;
    },
    dialingSpares,
    spawn(h, direct = false) {
      spawned += 1;
      const worker = { id: `w${spawned}`, host: h, booted: false } as WorkerRecord;
      workers.add(worker);
      if (direct) dialing.add(worker);
      mostBooting = Math.max(mostBooting, booting());
      return worker;
    },
    load: () => workers.size,
    booting,
    deliver(worker, message: ToWorker) {
      if (message.t !== "init") return;
      rehearsals.push(message.rehearse === true);
      handed.add(worker);
    },
    terminate(worker) {
      workers.delete(worker);
      serverless.forget(worker);
    },
    start(worker, job) {
      served.set(job.request.executionId, worker.id);
      started.push([worker, job]);
    },
  });
  const unit = { key: "hello" } as Unit;
  const request = (n: number) =>
    ({
      unit,
      request: { scriptPath: "hello.ts", executionId: `e${n}` },
      reject: (error: ServerError) => void shed.push(error),
      stopWaiting: () => {},
    }) as unknown as Job;
  /** Every Worker booting now says it is ready. */
  const bootAll = () => {
    for (const worker of workers) {
      if (worker.booted) continue;
      worker.booted = true;
      serverless.booted(worker);
    }
  };
  /** Every Worker serving a request answers it, all in one turn. */
  const answerAll = () => {
    for (const [worker] of started.splice(0)) serverless.answered(worker);
  };
  /** The host's Workers in the stock: spawned, not terminated, given no script yet. */
  const ready = () => [...workers].filter((w) => !handed.has(w));
  return {
    serverless,
    host,
    ready,
    served,
    shed,
    rehearsals,
    dialing,
    request,
    bootAll,
    answerAll,
    most: () => mostBooting,
  };
}

test("a burst of requests and answers never boots more than two Workers on a host at once", () => {
  const { serverless, host, served, shed, request, bootAll, answerAll, most } = setup();
  serverless.fill(host);
  bootAll();
  for (let n = 0; n < 20; n++) serverless.run(request(n));
  // The ready Worker serves the first; the rest wait for the Workers the stock gets next.
  assert.equal(served.size, 1);
  for (let round = 0; round < 50 && served.size < 20; round++) {
    bootAll();
    answerAll(); // answers of one turn arrive together (a host relays them in one frame)
  }
  assert.equal(served.size, 20, "every request got a Worker");
  assert.equal(new Set(served.values()).size, 20, "each its own fresh Worker");
  assert.equal(shed.length, 0);
  assert.equal(most(), 2, "never more than two Workers booting on the host");
});

test("only a Worker readied ahead of its request, while none waits, rehearses", async () => {
  const { serverless, host, rehearsals, request, bootAll, answerAll } = setup();
  serverless.fill(host);
  bootAll();
  serverless.run(request(0));
  assert.deepEqual(rehearsals, [false], "a stock Worker taken for a request runs it at once");
  answerAll();
  // Nobody waits: the warm spare is readied once the answer has left, and rehearses meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(rehearsals, [false, true]);
  for (let n = 1; n < 6; n++) serverless.run(request(n));
  bootAll();
  answerAll();
  // Requests wait: a rehearsal would only take CPU from them.
  assert.ok(rehearsals.length > 2, "the spares readied meanwhile were told whether to rehearse");
  assert.deepEqual(rehearsals.slice(2).filter((r) => r), []);
  serverless.close();
});

test("a warm spare readied while none waits dials the server, and is warm once booted", async () => {
  const { serverless, host, served, dialing, rehearsals, request, bootAll, answerAll } = setup(
    undefined,
    true,
    true,
  );
  serverless.fill(host);
  bootAll();
  serverless.run(request(0));
  answerAll();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(dialing.size, 1, "the spare is a new Worker that dials");
  const [spare] = [...dialing];
  assert.deepEqual(rehearsals, [false, true], "it gets the script and rehearses");
  serverless.run(request(1));
  assert.notEqual(served.get("e1"), spare!.id, "still booting: a request takes the stock's Worker");
  bootAll();
  answerAll();
  serverless.run(request(2));
  assert.equal(served.get("e2"), spare!.id, "booted: the script's next request takes it");
  answerAll();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(
    dialing.size,
    1,
    "its requests now come close together: the next spare is the stock's",
  );
  // Requests wait: their spares come from the stock, none dials.
  for (let n = 3; n < 8; n++) serverless.run(request(n));
  const before = dialing.size;
  for (let round = 0; round < 10; round++) {
    bootAll();
    answerAll();
  }
  assert.equal(dialing.size, before);
  serverless.close();
});

test("without the runtime's leave, no spare dials", async () => {
  const { serverless, host, dialing, request, bootAll, answerAll } = setup();
  serverless.fill(host);
  bootAll();
  serverless.run(request(0));
  answerAll();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(dialing.size, 0);
  serverless.close();
});

/**
 * Lets the stock fill: each Worker boots once spawned (a replacement waits a millisecond for its
 * answer to leave), until the stock holds `size`; then a few rounds more, in which it must not grow.
 */
async function fillStock(ready: () => unknown[], bootAll: () => void, size: number) {
  for (let round = 0; round < 50 && ready().length < size; round++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    bootAll();
  }
  for (let round = 0; round < 3; round++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    bootAll();
  }
}

test("the stock grows by a Worker for each request that found none, up to eight", async () => {
  const { serverless, host, served, request, bootAll, answerAll, ready } = setup();
  serverless.fill(host);
  bootAll();
  for (let n = 0; n < 5; n++) serverless.run(request(n));
  assert.equal(served.size, 1, "one ready Worker, four requests wait");
  for (let round = 0; round < 20 && served.size < 5; round++) {
    bootAll();
    answerAll();
  }
  assert.equal(served.size, 5);
  // Nobody waits now: the stock fills to its new size, a Worker per waiter more (and no further).
  await fillStock(ready, bootAll, 5);
  assert.equal(
    ready().length,
    5,
    "the stock holds one Worker plus one for each request that waited",
  );
  for (let n = 5; n < 10; n++) serverless.run(request(n));
  assert.equal(served.size, 10, "the next burst of five finds a Worker each, none waits");

  for (let n = 10; n < 40; n++) serverless.run(request(n));
  for (let round = 0; round < 100 && served.size < 40; round++) {
    bootAll();
    answerAll();
  }
  await fillStock(ready, bootAll, 8);
  assert.equal(ready().length, 8, "never more than eight ready Workers on a host");
  serverless.close();
});

test("a quiet stock steps back to --stock, a Worker at a time", async () => {
  const { serverless, host, served, request, bootAll, answerAll, ready } = setup(100);
  serverless.fill(host);
  bootAll();
  for (let n = 0; n < 4; n++) serverless.run(request(n));
  for (let round = 0; round < 20 && served.size < 4; round++) {
    bootAll();
    answerAll();
  }
  await fillStock(ready, bootAll, 4);
  // (A slow machine may see a quiet interval pass while it fills.)
  assert.ok(ready().length > 1, "the stock grew");
  assert.ok(await eventually(() => Promise.resolve(ready().length === 1)), "back to one");
  // And stays there: the floor is --stock.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(ready().length, 1);
  serverless.close();
});

test("a request that waits for the first host to start does not grow the stock", async () => {
  const { serverless, served, request, bootAll, answerAll, ready } = setup(undefined, false);
  serverless.run(request(0));
  bootAll();
  assert.equal(served.size, 1);
  answerAll();
  await fillStock(ready, bootAll, 2);
  assert.equal(ready().length, 1, "the stock is --stock: no burst was seen");
  serverless.close();
});
