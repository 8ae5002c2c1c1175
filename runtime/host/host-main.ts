/**
 * A Worker host process. The server spawns it with a scrubbed environment; it connects back over
 * a unix socket and runs every script in Web Workers: a long-lived one per worker-mode script, an
 * ephemeral one per serverless request (taken from a small stock spawned ahead). It never runs
 * script code on its own thread, so it always hears the server even when a Worker spins.
 */
import { connect } from "node:net";
import { createFrameReader, createFrameWriter } from "../protocol/frames.ts";
import type {
  Bytes,
  Envelope,
  FromHost,
  FromWorker,
  RequestInfo,
  ToHost,
  ToWorker,
  Unit,
} from "../protocol/messages.ts";
import { applyOps } from "../protocol/shared-ops.ts";

const socketPath = process.env.HOODY_EXEC_SOCKET ?? "";
const token = process.env.HOODY_EXEC_HOST_TOKEN ?? "";
const stockSize = Number(process.env.HOODY_EXEC_STOCK ?? "2");
// Deno's terminate() cannot stop a Worker busy in a loop (DESIGN.md): then the whole host must go.
const terminateStopsLoops = process.env.HOODY_EXEC_TERMINATE_STOPS_LOOPS === "1";
delete process.env.HOODY_EXEC_HOST_TOKEN;

const WORKER_URL = new URL("../sandbox/worker-entry.ts", import.meta.url);
const PING_GRACE_MS = 250;

interface Slot {
  id: string;
  worker: Worker;
  unit: Unit | null;
  inflight: Set<number>;
  ephemeral: boolean;
  pongs: Map<number, () => void>;
}

const socket = connect(socketPath);
const send = createFrameWriter(socket);
const longLived = new Map<string, Slot>(); // by instance + script file
const byRequest = new Map<number, Slot>();
const replicas = new Map<string, Record<string, unknown>>();
const units = new Map<string, Unit>();
const fetches = new Map<number, { slot: Slot; id: number }>();
let fetchCount = 0;
const stock: Slot[] = [];
let workerCount = 0;
let nonce = 0;

socket.on("connect", () => {
  send({ t: "hello", token } satisfies FromHost);
  refillStock();
});
socket.on("data", createFrameReader<ToHost>(({ message, body }) => onServer(message, body)));
socket.on("close", () => process.exit(0));
socket.on("error", () => process.exit(1));

function onServer(message: ToHost, body: Bytes | null): void {
  switch (message.t) {
    case "run": {
      if (message.unit) units.set(message.key, message.unit);
      const unit = units.get(message.key);
      if (!unit) throw new Error(`unknown unit ${message.key}`);
      return run(message.id, unit, message.request, body);
    }
    case "cancel":
      return void cancel(message.id);
    case "fetch-result": {
      const origin = fetches.get(message.id);
      fetches.delete(message.id);
      if (origin) {
        toWorker(
          origin.slot,
          { t: "fetch-result", id: origin.id, response: message.response },
          body,
        );
      }
      return;
    }
    case "shared-snapshot":
      replicas.set(message.instance, message.value as Record<string, unknown>);
      return;
    case "shared-patch": {
      const replica = replicas.get(message.patch.instance);
      if (replica) applyOps(replica, message.patch.ops);
      for (const slot of longLived.values()) {
        if (slot.unit?.instance === message.patch.instance) toWorker(slot, message);
      }
      return;
    }
  }
}

function run(id: number, unit: Unit, request: RequestInfo, body: Bytes | null): void {
  const slot = unit.mode === "worker" ? longLivedSlot(unit) : ephemeralSlot(unit);
  slot.inflight.add(id);
  byRequest.set(id, slot);
  toWorker(slot, { t: "run", id, request }, body);
}

function longLivedSlot(unit: Unit): Slot {
  const name = `${unit.instance}:${unit.main.file}`;
  const current = longLived.get(name);
  if (current?.unit?.key === unit.key) return current;
  // An edit replaces the Worker: new requests go to the new one, the old one finishes what it has.
  if (current) retire(current);
  const slot = takeWorker();
  init(slot, unit, replicas.get(unit.instance) ?? {});
  longLived.set(name, slot);
  return slot;
}

function ephemeralSlot(unit: Unit): Slot {
  const slot = takeWorker();
  slot.ephemeral = true;
  init(slot, unit, {});
  refillStock();
  return slot;
}

function init(slot: Slot, unit: Unit, shared: unknown): void {
  slot.unit = unit;
  toWorker(slot, { t: "init", workerId: slot.id, unit, shared });
}

function takeWorker(): Slot {
  return stock.shift() ?? spawnWorker();
}

function refillStock(): void {
  // Spawned on the next turn so a request never waits for the spawns that replace its Worker.
  setImmediate(() => {
    while (stock.length < stockSize) stock.push(spawnWorker());
  });
}

function spawnWorker(): Slot {
  workerCount += 1;
  const worker = new Worker(WORKER_URL, { type: "module" });
  const slot: Slot = {
    id: `${process.pid}:${workerCount}`,
    worker,
    unit: null,
    inflight: new Set(),
    ephemeral: false,
    pongs: new Map(),
  };
  worker.onmessage = ({ data }: MessageEvent<Envelope<FromWorker>>) =>
    onWorker(slot, data.message, data.body);
  worker.onerror = (event) => {
    event.preventDefault?.();
    fail(slot, `the Worker crashed: ${event.message ?? "unknown error"}`);
  };
  worker.addEventListener("close", () => fail(slot, "the Worker exited"));
  return slot;
}

function onWorker(slot: Slot, message: FromWorker, body: Bytes | null): void {
  switch (message.t) {
    case "result":
    case "error":
      if (!slot.inflight.delete(message.id)) return; // answered already (timed out)
      byRequest.delete(message.id);
      send(message satisfies FromHost, body);
      if (slot.ephemeral) slot.worker.terminate();
      else if (!isCurrent(slot) && slot.inflight.size === 0) slot.worker.terminate();
      return;
    case "shared-patch":
      send(message satisfies FromHost);
      return;
    case "fetch":
      fetchCount += 1;
      fetches.set(fetchCount, { slot, id: message.id });
      send({ t: "fetch", id: fetchCount, request: message.request } satisfies FromHost, body);
      return;
    case "exit":
      stop(slot, `the script ended its Worker (exit code ${message.code})`);
      return;
    case "pong":
      slot.pongs.get(message.nonce)?.();
      return;
    case "ready":
      return;
  }
}

/** The server gave up on a request (its deadline passed). A Worker that still answers pings keeps running. */
async function cancel(id: number): Promise<void> {
  const slot = byRequest.get(id);
  if (!slot) return;
  slot.inflight.delete(id);
  byRequest.delete(id);
  const alive = await ping(slot);
  if (slot.ephemeral || !alive) {
    stop(slot, `request ${id} passed its deadline while the Worker was busy`);
    if (!alive && !terminateStopsLoops) {
      send(
        {
          t: "condemned",
          reason: `a Worker of ${slot.unit?.main.file} is stuck in a loop`,
        } satisfies FromHost,
      );
    }
  }
}

function ping(slot: Slot): Promise<boolean> {
  nonce += 1;
  const n = nonce;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      slot.pongs.delete(n);
      resolve(false);
    }, PING_GRACE_MS);
    slot.pongs.set(n, () => {
      clearTimeout(timer);
      slot.pongs.delete(n);
      resolve(true);
    });
    toWorker(slot, { t: "ping", nonce: n });
  });
}

function isCurrent(slot: Slot): boolean {
  return slot.unit !== null &&
    longLived.get(`${slot.unit.instance}:${slot.unit.main.file}`) === slot;
}

function retire(slot: Slot): void {
  if (slot.inflight.size === 0) slot.worker.terminate();
}

function stop(slot: Slot, reason: string): void {
  slot.worker.terminate();
  fail(slot, reason);
}

/** A Worker is gone: its requests answer 502 and a worker-mode script gets a new Worker on its next request. */
function fail(slot: Slot, reason: string): void {
  if (slot.unit && isCurrent(slot)) {
    longLived.delete(`${slot.unit.instance}:${slot.unit.main.file}`);
  }
  const index = stock.indexOf(slot);
  if (index >= 0) stock.splice(index, 1);
  for (const id of slot.inflight) {
    byRequest.delete(id);
    send({ t: "error", id, error: { code: "SCRIPT_CRASHED", message: reason } } satisfies FromHost);
  }
  slot.inflight.clear();
}

function toWorker(slot: Slot, message: ToWorker, body: Bytes | null = null): void {
  const envelope: Envelope<ToWorker> = { message, body };
  slot.worker.postMessage(envelope, body ? [body.buffer as ArrayBuffer] : []);
}
