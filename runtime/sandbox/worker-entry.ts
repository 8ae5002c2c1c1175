/**
 * The Web Worker that runs user scripts. It imports nothing from the server side: after one boot
 * message from its host it opens its own socket to the server and speaks only the plain-data
 * messages of protocol/messages.ts.
 */
import { connect } from "node:net";
import { createFrameReader, createFrameWriter } from "../protocol/frames.ts";
import type {
  Bytes,
  FromWorker,
  ModuleRef,
  RequestInfo,
  ToWorker,
  Unit,
  WorkerBoot,
} from "../protocol/messages.ts";
import { toErrorInfo } from "./error-info.ts";
import { execution, type FetchRelay, installGlobals } from "./globals.ts";
import { loadScript } from "./invoke.ts";
import { type LoadedUnit, runRequest } from "./run.ts";
import { createSharedReplica, type SharedReplica } from "./shared.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerBoot>) => void) | null;
  close(): void;
  addEventListener(
    type: string,
    listener: (event: Event & { reason?: unknown; error?: unknown }) => void,
  ): void;
};

let post: (message: FromWorker, body?: Bytes | null) => void = () => {};
let workerId = "";
let unit: Unit | null = null;
let modules: ModuleRef[] = [];
let loaded: Promise<LoadedUnit> | null = null;
let replica: SharedReplica | null = null;
const relayed = new Map<number, (response: Response) => void>();
let relayCount = 0;

scope.onmessage = ({ data: boot }) => {
  scope.onmessage = null;
  workerId = boot.workerId;
  const socket = connect(boot.socketPath);
  const writer = createFrameWriter(socket);
  post = writer;
  // A script may answer and then exit: what it already sent must reach the server first
  // (Deno ends the Worker at once, dropping unsent writes).
  const exit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    writer.flush();
    socket.end(() => exit(code));
  }) as typeof process.exit;
  post({ t: "hello", workerId: boot.workerId, token: boot.token });
  socket.on("data", createFrameReader<ToWorker>(({ message, body }) => onServer(message, body)));
  // The server is gone or dropped this Worker: nothing left to do.
  socket.on("close", () => scope.close());
  socket.on("error", () => scope.close());
};

function onServer(message: ToWorker, body: Bytes | null): void {
  switch (message.t) {
    case "init":
      unit = message.unit;
      modules = [unit.main, unit.pre, unit.post].filter((ref) => ref !== null);
      installGlobals(unit, relay);
      if (unit.mode === "worker") {
        replica = createSharedReplica(
          unit.instance,
          workerId,
          message.shared,
          (patch) => post({ t: "shared-patch", patch }),
        );
      }
      loaded = load(unit);
      loaded.catch(() => {}); // reported per request in handle()
      return;
    case "run":
      void handle(message.id, message.request, body);
      return;
    case "shared-patch":
      replica?.receive(message.patch);
      return;
    case "fetch-result": {
      const { status, headers } = message.response;
      relayed.get(message.id)?.(
        new Response([101, 204, 205, 304].includes(status) ? null : body, { status, headers }),
      );
      relayed.delete(message.id);
      return;
    }
    case "ping":
      post({ t: "pong", nonce: message.nonce });
      return;
  }
}

const relay: FetchRelay = (request, body) => {
  relayCount += 1;
  const id = relayCount;
  post({ t: "fetch", id, request }, body);
  return new Promise((resolve) => relayed.set(id, resolve));
};

async function load(u: Unit): Promise<LoadedUnit> {
  const optional = (ref: ModuleRef | null) => (ref ? loadScript(ref) : Promise.resolve(null));
  const [main, pre, post] = await Promise.all([
    loadScript(u.main),
    optional(u.pre),
    optional(u.post),
  ]);
  return { mode: u.mode, main, pre, post, awaitPromises: u.awaitPromises };
}

async function handle(id: number, request: RequestInfo, body: Bytes | null): Promise<void> {
  if (!loaded) return;
  const host = request.headers.find(([name]) => name === "host")?.[1] ?? "localhost";
  const context = { executionId: request.executionId, scriptPath: request.scriptPath, host };
  try {
    const ready = await loaded;
    const shared = replica?.proxy ?? {};
    const reply = await execution.run(context, () => runRequest(ready, request, body, shared));
    replica?.flush();
    post({ t: "result", id, response: reply.response }, reply.body);
  } catch (error) {
    replica?.flush();
    post({ t: "error", id, error: toErrorInfo(error, modules) });
  }
}

// A stray error in a timer or an unhandled rejection is logged and kept from closing the Worker.
for (const type of ["error", "unhandledrejection"]) {
  scope.addEventListener(type, (event) => {
    event.preventDefault();
    console.error(
      `uncaught ${type === "error" ? "error" : "rejection"}:`,
      event.reason ?? event.error ?? event,
    );
  });
}
