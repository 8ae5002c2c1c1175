import type { Bytes, Envelope, FromWorker, ToWorker, WorkerBoot } from "../protocol/messages.ts";

/**
 * How a Worker talks to the server: its own socket, or through its host (Deno's serverless Workers:
 * adapter `serverlessOwnSocket`).
 */
export interface Channel {
  post(message: FromWorker, body?: Bytes | null): void;
  /** Sends what is queued and calls `then` once it has left (before a script's exit ends the Worker). */
  drain(then: () => void): void;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<Envelope<ToWorker>>) => void) | null;
  postMessage(message: Envelope<FromWorker>, transfer?: Transferable[]): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;

export async function openChannel(
  boot: WorkerBoot,
  receive: (message: ToWorker, body: Bytes | null) => void,
): Promise<Channel> {
  if (boot.socketPath === null) {
    scope.onmessage = ({ data }) => receive(data.message, data.body);
    // The first transfer loads the runtime's transfer code: 1.5 ms in a Deno Worker, on the one
    // reply a serverless Worker sends. Done now, while it waits in the stock.
    const warm = new Uint8Array(1);
    structuredClone(warm, { transfer: [warm.buffer] });
    return {
      post(message, body = null) {
        scope.postMessage({ message, body }, body && owns(body) ? [body.buffer] : []);
      },
      drain: (then) => then(),
    };
  }
  // Loaded only here: a Worker that speaks through its host never opens a socket.
  const { connectUnix } = await import("../adapter/unix-socket.ts");
  const { createFrameReader, createFrameWriter } = await import("../protocol/frames.ts");
  const socket = await connectUnix(boot.socketPath, {
    data: createFrameReader<ToWorker>(({ message, body }) => receive(message, body)),
    // The server is gone or dropped this Worker: nothing left to do.
    close: () => scope.close(),
  });
  const writer = createFrameWriter(socket);
  writer({ t: "hello", workerId: boot.workerId, token: boot.token } satisfies FromWorker);
  return {
    post: (message, body = null) => writer(message, body),
    drain(then) {
      writer.flush();
      socket.end(then);
    },
  };
}

/** Transfer only a buffer the body owns whole: a view into a script's own buffer is copied. */
function owns(body: Bytes): boolean {
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
}
