/**
 * A Worker host process: the unit the server can kill. The server spawns it with a scrubbed
 * environment; it connects back over a unix socket and starts or stops Web Workers when told.
 * Each Worker opens its own connection to the server, so requests never pass through this thread.
 */
import { connect } from "node:net";
import { createFrameReader, createFrameWriter } from "../protocol/frames.ts";
import type { FromHost, ToHost, WorkerBoot } from "../protocol/messages.ts";

const socketPath = process.env.HOODY_EXEC_SOCKET ?? "";
const token = process.env.HOODY_EXEC_HOST_TOKEN ?? "";
delete process.env.HOODY_EXEC_HOST_TOKEN;

const WORKER_URL = new URL("../sandbox/worker-entry.ts", import.meta.url);
const workers = new Map<string, Worker>();

const socket = connect(socketPath);
const send = createFrameWriter(socket);
socket.on("connect", () => send({ t: "hello", token } satisfies FromHost));
socket.on("data", createFrameReader<ToHost>(({ message }) => onServer(message)));
// Without its server a host has nothing to do.
socket.on("close", () => process.exit(0));
socket.on("error", () => process.exit(1));

function onServer(message: ToHost): void {
  switch (message.t) {
    case "spawn": {
      const worker = new Worker(WORKER_URL, { type: "module" });
      // A crash surfaces to the server as the Worker's socket closing; keep the host alive.
      worker.onerror = (event) => event.preventDefault?.();
      worker.postMessage(
        { socketPath, workerId: message.workerId, token: message.token } satisfies WorkerBoot,
      );
      workers.set(message.workerId, worker);
      return;
    }
    case "terminate":
      workers.get(message.workerId)?.terminate();
      workers.delete(message.workerId);
      return;
  }
}
