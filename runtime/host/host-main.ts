/**
 * A Worker host process: the unit the server can kill. The server spawns it with a scrubbed
 * environment and writes its setup to stdin (nothing of the server's reaches a script through
 * `process.env` or `process.argv`); it connects back over a unix socket and starts or stops Web
 * Workers when told.
 * Each Worker opens its own connection to the server, so requests never pass through this thread.
 */
import { getAdapter } from "../adapter/index.ts";
import { connectUnix } from "../adapter/unix-socket.ts";
import { createFrameReader, createFrameWriter } from "../protocol/frames.ts";
import type {
  Body,
  Envelope,
  FromHost,
  FromWorker,
  HostSetup,
  ToHost,
  ToWorker,
  WorkerBoot,
} from "../protocol/messages.ts";

/**
 * Deno's own calls where it has them: its global `process` loads the Node compatibility layer on
 * first use, 12-17 ms of a host's start, all of it before its first Worker and the first response.
 */
interface DenoCalls {
  readonly ppid: number;
  exit(code: number): never;
  stdin: { readable: ReadableStream<Uint8Array> };
}
const deno = (globalThis as { Deno?: DenoCalls }).Deno;
const parentPid = (): number => deno ? deno.ppid : process.ppid;
const exit = (code: number): never => deno ? deno.exit(code) : process.exit(code);
const parent = parentPid();

const { socketPath, token, workerUrl, scriptsRoot, mode, spawns } = await readSetup();
const adapter = await getAdapter();
const workers = new Map<string, Worker>();

// The Workers asked for before this host started boot while it connects; what they say meanwhile
// waits here.
const early: [FromHost, Body | null][] = [];
let send = (message: FromHost, body: Body | null = null): void => {
  early.push([message, body]);
};
for (const message of spawns) onServer(message, null);

// A host whose server died is an orphan and goes, even where its socket never says so (Deno does
// not when the server dies with this connection still unaccepted). Armed once the first Workers
// boot: Deno's first timer costs ~4 ms, and an orphan still awaiting its setup sees its stdin end.
setInterval(() => parentPid() !== parent && exit(0), 1000);

const socket = await connectUnix(socketPath, {
  data: createFrameReader<ToHost>(({ message, body }) => onServer(message, body)),
  // Without its server a host has nothing to do.
  close: () => exit(0),
}).catch(() => exit(1));
const write = createFrameWriter(socket);
write({ t: "hello", token } satisfies FromHost);
for (const [message, body] of early.splice(0)) write(message, body);
send = write;

function onServer(message: ToHost, body: Body | null): void {
  switch (message.t) {
    case "spawn":
      return spawnWorker(message.workerId, message.token, message.direct);
    case "to-worker": {
      const envelope: Envelope<ToWorker> = { message: message.message, body };
      workers.get(message.workerId)?.postMessage(
        envelope,
        body instanceof Uint8Array ? [body.buffer] : [],
      );
      return;
    }
    case "terminate":
      workers.get(message.workerId)?.terminate();
      workers.delete(message.workerId);
      return;
    default:
      return message satisfies never;
  }
}

/** A direct Worker connects to the server itself; any other speaks through this host. */
function spawnWorker(workerId: string, workerToken: string, direct: boolean): void {
  const worker = new Worker(workerUrl, adapter.workerOptions(mode, scriptsRoot));
  // A crash surfaces as the Worker's socket closing or its exit; keep the host alive.
  worker.onerror = (event) => event.preventDefault?.();
  // Also for a direct Worker: one that ends before its socket is up has no socket to close.
  // Not for one the server stopped: it knows, and under load that is one frame fewer per request.
  worker.addEventListener("close", () => {
    if (workers.delete(workerId)) send({ t: "worker-exit", workerId } satisfies FromHost);
  });
  if (!direct) {
    worker.onmessage = ({ data }: MessageEvent<Envelope<FromWorker>>) =>
      send({ t: "from-worker", workerId, message: data.message } satisfies FromHost, data.body);
  }
  const boot: WorkerBoot = {
    socketPath: direct ? socketPath : null,
    workerId,
    token: workerToken,
    env: adapter.workerEnv(mode),
  };
  worker.postMessage(boot);
  workers.set(workerId, worker);
}

/**
 * The one JSON line the server writes to stdin (see HostSetup), read up to its newline with the
 * runtime's own stdin stream: `process.stdin` took ~30 ms to set up on both runtimes, and on Deno
 * `new Response(stdin).text()` 2-3 ms more than a reader, all of it before the first response.
 */
async function readSetup(): Promise<HostSetup> {
  const bun = (globalThis as { Bun?: { stdin: { stream(): ReadableStream<Uint8Array> } } }).Bun;
  const reader = (deno ? deno.stdin.readable : bun!.stdin.stream()).getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  void reader.cancel().catch(() => {});
  // No setup: the server ended before it sent one (it could not listen, say): nothing to host.
  if (text.trim() === "") exit(0);
  return JSON.parse(text) as HostSetup;
}
