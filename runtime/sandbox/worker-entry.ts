/**
 * The Web Worker that runs user scripts. It imports nothing from the server side: it speaks only
 * the plain-data messages of protocol/messages.ts with its host.
 */
import type {
  Bytes,
  Envelope,
  FromWorker,
  ModuleRef,
  ToWorker,
  Unit,
} from "../protocol/messages.ts";
import { toErrorInfo } from "./error-info.ts";
import { execution, type FetchRelay, installGlobals } from "./globals.ts";
import { loadScript } from "./invoke.ts";
import { type LoadedUnit, runRequest } from "./run.ts";
import { createSharedReplica, type SharedReplica } from "./shared.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<Envelope<ToWorker>>) => void) | null;
  postMessage(message: Envelope<FromWorker>, transfer?: Transferable[]): void;
  addEventListener(
    type: string,
    listener: (event: Event & { reason?: unknown; error?: unknown }) => void,
  ): void;
};

function post(message: FromWorker, body: Bytes | null = null): void {
  // Transfer only a buffer the body owns whole: a view into a script's own buffer is copied.
  const owned = body && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength &&
    body.buffer instanceof ArrayBuffer;
  scope.postMessage({ message, body }, owned ? [body.buffer as ArrayBuffer] : []);
}

let unit: Unit | null = null;
const relayed = new Map<number, (response: Response) => void>();
let relayCount = 0;

const relay: FetchRelay = (request, body) => {
  relayCount += 1;
  const id = relayCount;
  post({ t: "fetch", id, request }, body);
  return new Promise((resolve) => relayed.set(id, resolve));
};
let loaded: Promise<LoadedUnit> | null = null;
let replica: SharedReplica | null = null;

scope.onmessage = ({ data }) => {
  const { message, body } = data;
  switch (message.t) {
    case "init":
      unit = message.unit;
      installGlobals(unit, relay);
      if (unit.mode === "worker") {
        replica = createSharedReplica(
          unit.instance,
          message.workerId,
          message.shared,
          (patch) => post({ t: "shared-patch", patch }),
        );
      }
      loaded = load(unit);
      loaded.catch(() => {}); // reported per request below
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

async function handle(
  id: number,
  request: Extract<ToWorker, { t: "run" }>["request"],
  body: Bytes | null,
) {
  if (!unit || !loaded) return;
  const context = {
    executionId: request.executionId,
    scriptPath: request.scriptPath,
    host: hostOf(request),
  };
  try {
    const ready = await loaded;
    const shared = replica?.proxy ?? {};
    const reply = await execution.run(context, () => runRequest(ready, request, body, shared));
    replica?.flush();
    post({ t: "result", id, response: reply.response }, reply.body);
  } catch (error) {
    replica?.flush();
    post({
      t: "error",
      id,
      error: toErrorInfo(error, [unit.main, unit.pre, unit.post].filter((r) => r !== null)),
    });
  }
}

function hostOf(request: { headers: [string, string][] }): string {
  return request.headers.find(([name]) => name === "host")?.[1] ?? "localhost";
}

// Deno ends a Worker that calls process.exit() without telling anyone: announce it first, so the
// host answers this Worker's requests and gives the script a new one.
type Exit = (code?: number) => void;
const announceExit = (exit: Exit): Exit => (code) => {
  post({ t: "exit", code: typeof code === "number" ? code : 0 });
  exit(code);
};
const runtimeGlobals = globalThis as unknown as { Deno?: { exit: Exit }; close?: Exit };
process.exit = announceExit(process.exit.bind(process)) as typeof process.exit;
if (runtimeGlobals.Deno) {
  runtimeGlobals.Deno.exit = announceExit(runtimeGlobals.Deno.exit.bind(runtimeGlobals.Deno));
}
if (runtimeGlobals.close) {
  runtimeGlobals.close = announceExit(runtimeGlobals.close.bind(globalThis));
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
