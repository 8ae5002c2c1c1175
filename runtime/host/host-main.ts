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
  Bytes,
  Envelope,
  FromHost,
  FromWorker,
  HostSetup,
  ToHost,
  ToWorker,
  WorkerBoot,
} from "../protocol/messages.ts";

// A host whose server died is an orphan and goes, even where its socket never says so (Deno does
// not when the server dies with this connection still unaccepted) or while it awaits its setup.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && process.exit(0), 1000);

const { socketPath, token, workerUrl, scriptsRoot, mode, spawns } = await readSetup();
const adapter = await getAdapter();
const workers = new Map<string, Worker>();

// The Workers asked for before this host started boot while it connects; what they say meanwhile
// waits here.
const early: [FromHost, Uint8Array | null][] = [];
let send = (message: FromHost, body: Uint8Array | null = null): void => {
  early.push([message, body]);
};
for (const message of spawns) onServer(message, null);

const socket = await connectUnix(socketPath, {
  data: createFrameReader<ToHost>(({ message, body }) => onServer(message, body)),
  // Without its server a host has nothing to do.
  close: () => process.exit(0),
}).catch(() => process.exit(1));
const write = createFrameWriter(socket);
write({ t: "hello", token } satisfies FromHost);
for (const [message, body] of early.splice(0)) write(message, body);
send = write;

function onServer(message: ToHost, body: Bytes | null): void {
  switch (message.t) {
    case "spawn":
      return spawnWorker(message.workerId, message.token, message.direct);
    case "to-worker": {
      const envelope: Envelope<ToWorker> = { message: message.message, body };
      workers.get(message.workerId)?.postMessage(envelope, body ? [body.buffer] : []);
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
  worker.addEventListener("close", () => send({ t: "worker-exit", workerId } satisfies FromHost));
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
 * The one JSON line the server writes to stdin (see HostSetup), read to its end with the runtime's
 * own stdin: `process.stdin` took ~30 ms to set up on both runtimes, all of it before the first
 * response.
 */
async function readSetup(): Promise<HostSetup> {
  const runtime = globalThis as unknown as {
    Bun?: { stdin: { text(): Promise<string> } };
    Deno?: { stdin: { readable: ReadableStream<Uint8Array> } };
  };
  const text = runtime.Bun
    ? await runtime.Bun.stdin.text()
    : await new Response(runtime.Deno!.stdin.readable).text();
  // No setup: the server ended before it sent one (it could not listen, say): nothing to host.
  if (text.trim() === "") process.exit(0);
  return JSON.parse(text) as HostSetup;
}
