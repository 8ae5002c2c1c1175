/**
 * The Web Worker that runs user scripts. It imports nothing from the server side: after one boot
 * message from its host it speaks only the plain-data messages of protocol/messages.ts, over its
 * own socket (worker mode) or through its host (serverless; see channel.ts).
 */
import type {
  Bytes,
  ModuleRef,
  RequestInfo,
  ToWorker,
  Unit,
  WorkerBoot,
} from "../protocol/messages.ts";
import { type Channel, openChannel } from "./channel.ts";
import { toErrorInfo } from "./error-info.ts";
import { createExecution, type Execution, type FetchRelay, installGlobals } from "./globals.ts";
import { loadScript } from "./invoke.ts";
import { type LoadedUnit, runRequest } from "./run.ts";
import { createSharedReplica, type SharedReplica } from "./shared.ts";

interface Loaded {
  execution: Execution;
  scripts: LoadedUnit;
  replica: SharedReplica | null;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerBoot>) => void) | null;
  addEventListener(
    type: string,
    listener: (event: Event & { reason?: unknown; error?: unknown }) => void,
  ): void;
};

let channel: Channel;
let workerId = "";
let loaded: Promise<Loaded> | null = null;
let unitModules: ModuleRef[] = [];
const relayed = new Map<number, (response: Response) => void>();
let relayCount = 0;

scope.onmessage = async ({ data: boot }) => {
  scope.onmessage = null;
  workerId = boot.workerId;
  channel = await openChannel(boot, onServer);
  // A script may answer and then exit: what it already sent must leave first (Deno ends the
  // Worker at once, dropping unsent writes, and tells nobody: so say it).
  const exit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    channel.post({ t: "exit", code: typeof code === "number" ? code : 0 });
    channel.drain(() => exit(code));
  }) as typeof process.exit;
};

function onServer(message: ToWorker, body: Bytes | null): void {
  switch (message.t) {
    case "init":
      unitModules = [message.unit.main, message.unit.pre, message.unit.post].filter((ref) =>
        ref !== null
      );
      loaded = load(message.unit, message.shared);
      loaded.catch(() => {}); // reported per request in handle()
      return;
    case "run":
      void handle(message.id, message.request, body);
      return;
    case "shared-patch":
      void loaded?.then((l) => l.replica?.receive(message.patch));
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
      channel.post({ t: "pong", nonce: message.nonce });
      return;
  }
}

const relay: FetchRelay = (request, body) => {
  relayCount += 1;
  const id = relayCount;
  channel.post({ t: "fetch", id, request }, body);
  return new Promise((resolve) => relayed.set(id, resolve));
};

async function load(unit: Unit, shared: unknown): Promise<Loaded> {
  const execution = await createExecution(unit.mode);
  await installGlobals(unit, execution, relay);
  const replica = unit.mode === "worker"
    ? createSharedReplica(
      unit.instance,
      workerId,
      shared,
      (patch) => channel.post({ t: "shared-patch", patch }),
    )
    : null;
  const optional = (ref: ModuleRef | null) => (ref ? loadScript(ref) : Promise.resolve(null));
  const [main, pre, post] = await Promise.all([
    loadScript(unit.main),
    optional(unit.pre),
    optional(unit.post),
  ]);
  return {
    execution,
    replica,
    scripts: { mode: unit.mode, main, pre, post, awaitPromises: unit.awaitPromises },
  };
}

async function handle(id: number, request: RequestInfo, body: Bytes | null): Promise<void> {
  try {
    const ready = await loaded!;
    const host = request.headers.find(([name]) => name === "host")?.[1] ?? "localhost";
    const context = { executionId: request.executionId, scriptPath: request.scriptPath, host };
    const reply = await ready.execution.run(
      context,
      () => runRequest(ready.scripts, request, body, ready.replica?.proxy ?? {}),
    );
    ready.replica?.flush();
    channel.post({ t: "result", id, response: reply.response }, reply.body);
  } catch (error) {
    void loaded?.then((l) => l.replica?.flush(), () => {});
    channel.post({ t: "error", id, error: await toErrorInfo(error, unitModules) });
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
