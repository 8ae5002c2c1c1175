/**
 * The Web Worker that runs user scripts. It imports nothing from the server side: after one boot
 * message from its host it speaks only the plain-data messages of protocol/messages.ts, over its
 * own socket (worker mode) or through its host (serverless; see channel.ts).
 */
import type {
  Body,
  Bytes,
  FromWorker,
  ModuleRef,
  RequestInfo,
  ToWorker,
  Unit,
  WorkerBoot,
} from "../protocol/messages.ts";
import { bytesOf, NULL_BODY_STATUSES } from "../protocol/bytes.ts";
import { headerOf } from "../protocol/header-pairs.ts";
import { fromWire } from "../protocol/request-wire.ts";
import { type Channel, openChannel } from "./channel.ts";
import { type ConsoleOutbox, createConsoleOutbox, redact, secretsOf } from "./console.ts";
import { addEnv, limitEnv } from "./env.ts";
import { toErrorInfo } from "./error-info.ts";
import {
  createExecution,
  type Execution,
  type ExecutionContext,
  type FetchRelay,
  installGlobals,
} from "./globals.ts";
import { loadScript } from "./invoke.ts";
import { onProcess } from "./lazy-process.ts";
import type { ScriptMetadata } from "./request.ts";
import { markUpgrade, type Reply } from "./reply.ts";
import { toBytes } from "./response.ts";
import { type LoadedUnit, REHEARSAL, runRequest } from "./run.ts";
import type { SharedReplica } from "./shared.ts";
import { createOutbound, type Outbound, sendBody } from "./stream.ts";
import { catchStrays } from "./strays.ts";
import type { Sockets } from "./websocket.ts";

interface Loaded {
  execution: Execution;
  scripts: LoadedUnit;
  replica: SharedReplica | null;
  sockets: Sockets | null;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerBoot>) => void) | null;
};

let channel: Channel;
let outbox: ConsoleOutbox;
let workerId = "";
let loaded: Promise<Loaded> | null = null;
/** A serverless Worker: it serves one request. */
let servesOne = false;
/** A serverless Worker on Bun: it serves one request, then ends itself (see `answered`). */
let endsItself = false;
/** Its request waited for it in the queue: it ends at once, not a millisecond later. */
let endsAtOnce = false;
/** What `loaded` gave, once it has: a request then runs without awaiting it. */
let loadedValue: Loaded | null = null;
let unitModules: ModuleRef[] = [];
const relayed = new Map<number, (response: Response) => void>();
let relayCount = 0;
/** Responses streaming now, by request id (acknowledgements and cancels find them here). */
const streams = new Map<number, Outbound>();
let sockets: Sockets | null = null;
/** The AI key of a `@ai true` script: redacted from its console lines and errors. */
let aiSecrets: string[] = [];
const send = (message: FromWorker, body: Body | null = null) => channel.post(message, body);
/**
 * A request's last message (its result or its error): a serverless Worker then ends (`answered`).
 * Its one answer leaves at once rather than at the end of the turn: a paced hello on Bun, its
 * Worker dialling the server itself, ~25 µs sooner (alternated in the same runs).
 */
const sendLast = (message: FromWorker, body: Body | null = null) => {
  send(message, body);
  if (servesOne) channel.flush();
  answered();
};

scope.onmessage = async ({ data: boot }) => {
  scope.onmessage = null;
  workerId = boot.workerId;
  outbox = createConsoleOutbox(await openChannel(boot, onServer));
  channel = outbox.channel;
  channel.post({ t: "ready" });
  const env = boot.env;
  onProcess((proc) => {
    if (env) limitEnv(proc, env);
    // A script may answer and then exit: what it already sent must leave first (Deno ends the
    // Worker at once, dropping unsent writes, and tells nobody: so say it).
    const exit = proc.exit.bind(proc);
    proc.exit = ((code?: number) => {
      channel.post({ t: "exit", code: typeof code === "number" ? code : 0 });
      channel.drain(() => exit(code));
    }) as typeof process.exit;
  });
};

function onServer(message: ToWorker, body: Body | null): void {
  switch (message.t) {
    case "init":
      servesOne = message.unit.mode === "serverless";
      endsItself = servesOne && "Bun" in globalThis;
      unitModules = modulesOf(message.unit);
      loaded = load(message.unit, message.shared, message.rehearse === true);
      // A failure is reported per request, in handle().
      loaded.then((value) => (loadedValue = value), () => {});
      return;
    case "run":
      endsAtOnce = message.waited === true;
      void handle(
        message.id,
        fromWire(message.request),
        body === null ? null : bytesOf(body),
        message.upgrade,
      );
      return;
    case "ack":
      streams.get(message.id)?.ack(message.bytes);
      return;
    case "cancel":
      streams.get(message.id)?.cancel();
      return;
    case "ws-open":
      sockets?.opened(message.conn);
      return;
    case "ws-message":
      sockets?.received(message.conn, body);
      return;
    case "ws-closed":
      sockets?.closed(message.conn, message.code, message.reason);
      return;
    case "shared-patch":
      // In order with the runs around it: a run after it in a frame must read it.
      if (loadedValue) loadedValue.replica?.receive(message.patch);
      else void loaded?.then((l) => l.replica?.receive(message.patch));
      return;
    case "fetch-result": {
      const { status, headers } = message.response;
      relayed.get(message.id)?.(
        new Response(NULL_BODY_STATUSES.has(status) ? null : body, { status, headers }),
      );
      relayed.delete(message.id);
      return;
    }
    case "ping":
      channel.post({ t: "pong", nonce: message.nonce });
      return;
    default:
      return message satisfies never;
  }
}

const relay: FetchRelay = (request, body) => {
  relayCount += 1;
  const id = relayCount;
  channel.post({ t: "fetch", id, request }, body);
  return new Promise((resolve) => relayed.set(id, resolve));
};

async function load(unit: Unit, shared: unknown, rehearsal: boolean): Promise<Loaded> {
  // Requests interleave in a worker-mode Worker once its scripts can run code later, and always
  // with WebSockets or the AI helpers (their code runs when a message or a stream chunk comes).
  const tracked = unit.mode === "worker" &&
    (unit.websocket || unit.ai !== null || unitModules.some((ref) => !ref.runsWithinCall));
  const execution = await createExecution(tracked);
  await installGlobals(unit, execution, relay, outbox.push);
  const env = unit.env;
  if (env) onProcess((proc) => addEnv(proc, env));
  // A script that imports node:process may call exit() or read its env without touching the
  // global, which is what hooks it: hook it now. Only then: a Deno Worker's `process` costs 3.3
  // MiB of memory.
  if ((unit.mode === "worker" || env) && unitModules.some((ref) => ref.importsProcess)) {
    void globalThis.process;
  }
  // Evaluated only where used: a serverless Worker evaluates its sandbox once per request.
  const replica = unit.mode === "worker"
    ? (await import("./shared.ts")).createSharedReplica(
      unit.instance,
      workerId,
      shared,
      (patch) => channel.post({ t: "shared-patch", patch }),
    )
    : null;
  sockets = unit.websocket
    ? (await import("./websocket.ts")).createSockets(send, execution, unit.main.file, markUpgrade)
    : null;
  const upgrade = sockets?.upgrade ?? (() => {
    throw new TypeError(
      `upgradeWebSocket: ${unit.main.file} needs // @mode worker and // @websocket true`,
    );
  });
  (globalThis as Record<string, unknown>).upgradeWebSocket = upgrade;
  if (unit.ai) {
    aiSecrets = unit.ai.key ? [unit.ai.key] : [];
    await (await import("./ai.ts")).installAi(unit.ai, unit.main.source);
  }
  const optional = (ref: ModuleRef | null) => (ref ? loadScript(ref) : Promise.resolve(null));
  // A lone script skips Promise.all (see modulesOf).
  const [main, pre, post] = unit.pre || unit.post
    ? await Promise.all([loadScript(unit.main), optional(unit.pre), optional(unit.post)])
    : [await loadScript(unit.main), null, null];
  const ready: Loaded = {
    execution,
    replica,
    sockets,
    scripts: { mode: unit.mode, main, pre, post, awaitPromises: unit.awaitPromises },
  };
  if (rehearsal) await rehearse(ready);
  return ready;
}

/**
 * REHEARSAL's made-up GET through `handle` itself, with the stand-in for the script and the answer
 * dropped, so that every function a request passes has run once. Rehearsing only `runRequest` left
 * the rest on the real request: a warm serverless hello on Bun took its Worker ~330 µs from the
 * message to the answer, ~85 of them `handle`'s own first call; ~200 with this (paced p50 0.05-0.12
 * ms lower, alternated with the old in the same runs).
 */
function rehearse(ready: Loaded): Promise<void> {
  return handle(
    0,
    REHEARSAL.request,
    null,
    undefined,
    { ...ready, scripts: REHEARSAL.unit },
    () => {},
  );
}

const toError = async (error: unknown) => {
  const info = await toErrorInfo(error, unitModules);
  if (aiSecrets.length === 0) return info;
  const stack = info.stack === undefined ? {} : { stack: redact(info.stack, aiSecrets) };
  return { ...info, message: redact(info.message, aiSecrets), ...stack };
};

function openStream(id: number): Outbound {
  const out = createOutbound(id, send, () => {
    streams.delete(id);
    answered();
  });
  streams.set(id, out);
  return out;
}

/**
 * A serverless Worker on Bun has sent its one answer: it stops listening, so that, with nothing of
 * its script still pending, its thread ends by itself. Such an exit costs the Worker one collection
 * of its heap where `terminate()` costs two (a bare Worker loop: ~0.4 of ~2.5 ms; a hello at 50
 * connections: 3.18 -> 2.71 ms of CPU per request). At once when requests are queued; else a
 * millisecond later, as the server's own `terminate` is, so that the answer's relay does not share
 * the core with the Worker's teardown (paced p50 1.7 against 2.7 ms). The server terminates it all
 * the same, which ends one whose script left a timer or a socket behind.
 */
function answered(): void {
  if (!endsItself) return;
  if (endsAtOnce) scope.onmessage = null;
  else setTimeout(() => (scope.onmessage = null), 1);
}

/**
 * The unit's modules, main first, by plain pushes. What a serverless Worker runs once per request
 * avoids the array and promise builtins JavaScriptCore implements in JavaScript (filter, find,
 * some, sort, Promise.all…): each costs a fresh VM ~50 µs of CPU on its first call, compiled
 * from source (a bare Worker loop without the JIT: 1.56 -> 1.80 ms a Worker for four of them).
 */
function modulesOf(unit: Unit): ModuleRef[] {
  const refs = [unit.main];
  if (unit.pre) refs.push(unit.pre);
  if (unit.post) refs.push(unit.post);
  return refs;
}

/** What the sandbox's globals see of the request running now (the console's redaction among it). */
function contextOf(request: RequestInfo): ExecutionContext {
  return {
    executionId: request.executionId,
    scriptPath: request.scriptPath,
    host: headerOf(request.headers, "host") ?? "localhost",
    metadata: null,
    secrets: aiSecrets.length === 0
      ? secretsOf(request.headers, request.url)
      : [...secretsOf(request.headers, request.url), ...aiSecrets],
  };
}

/**
 * This thread's CPU time in ms, where the runtime tells it cheaply: Bun. Never asked on Deno,
 * whose node `process` costs 12-15 ms to build in a fresh Worker (lazy-process.ts).
 */
const threadCpuMs = (() => {
  if (!(globalThis as { Bun?: unknown }).Bun) return null;
  const usage = (process as { threadCpuUsage?: () => { user: number; system: number } })
    .threadCpuUsage?.bind(process);
  if (!usage) return null;
  return () => {
    const { user, system } = usage();
    return (user + system) / 1000;
  };
})();

/**
 * One request: its result or its error goes to `finish`. `given`: what to run it with (the
 * rehearsal's), else this Worker's unit once loaded.
 */
async function handle(
  id: number,
  request: RequestInfo,
  body: Bytes | null,
  upgrade: string | undefined,
  given: Loaded | null = null,
  finish: typeof sendLast = sendLast,
): Promise<void> {
  /** A serverless run's CPU goes with its answer: the server moves heavy scripts (pool.ts). */
  let cpuFrom: number | null = null;
  const spent = () => (cpuFrom === null ? {} : { cpuMs: threadCpuMs!() - cpuFrom });
  try {
    const ready = given ?? loadedValue ?? await loaded!;
    if (threadCpuMs && ready.scripts.mode === "serverless") cpuFrom = threadCpuMs();
    const context = contextOf(request);
    if (upgrade) ready.sockets?.expect(request.executionId, upgrade);
    let reply = await runRequest(ready.scripts, request, body, ready.replica?.proxy ?? {}, {
      within: (call) => ready.execution.run(context, call),
      ws: ready.sockets?.hub ?? null,
      open: () => openStream(id),
      onMetadata: (m) => (context.metadata = m),
    });
    ready.replica?.flush();
    if (upgrade) reply = decideUpgrade(ready, request.executionId, context.metadata, reply);
    if (reply.streaming) return;
    if (!reply.source) {
      return finish({ t: "result", id, response: reply.response, ...spent() }, reply.body);
    }
    await sendBody(
      reply.response,
      reply.source,
      (bytes) => finish({ t: "result", id, response: reply.response, ...spent() }, bytes),
      () => openStream(id),
      toBytes,
      toError,
    );
  } catch (error) {
    void loaded?.then((l) => l.replica?.flush(), () => {});
    const out = streams.get(id);
    if (out) out.end(await toError(error));
    else finish({ t: "error", id, error: await toError(error), ...spent() });
  }
}

/** An accepted upgrade answers 101 (the server then opens the socket); a refused one answers as is. */
function decideUpgrade(
  ready: Loaded,
  executionId: string,
  metadata: ScriptMetadata | null,
  reply: Reply,
): Reply {
  if (!ready.sockets || reply.streaming) return reply;
  if (!ready.sockets.decide(executionId, metadata, reply.response.status)) return reply;
  void reply.source?.cancel();
  return { response: { status: 101, headers: [] }, body: null };
}

catchStrays();
