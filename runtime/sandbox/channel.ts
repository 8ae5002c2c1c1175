import { connectUnix } from "../adapter/unix-socket.ts";
import type {
  Body,
  Bytes,
  Envelope,
  FromWorker,
  ToWorker,
  WorkerBoot,
} from "../protocol/messages.ts";
import { createFrameReader, createFrameWriter } from "../protocol/frames.ts";

/**
 * How a Worker talks to the server: its own socket (worker mode), or through its host (serverless).
 */
export interface Channel {
  post(message: FromWorker, body?: Body | null): void;
  /** Sends what is queued now rather than at the end of this turn. */
  flush(): void;
  /** Sends what is queued and calls `then` once it has left (before a script's exit ends the Worker). */
  drain(then: () => void): void;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<Envelope<ToWorker>>) => void) | null;
  postMessage(message: Envelope<FromWorker>, transfer?: Transferable[]): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
/** Bodies this large are moved to the host rather than copied. */
const TRANSFER_FROM = 256 * 1024;

export async function openChannel(
  boot: WorkerBoot,
  receive: (message: ToWorker, body: Body | null) => void,
): Promise<Channel> {
  if (boot.socketPath === null) {
    scope.onmessage = ({ data }) => receive(data.message, data.body);
    return {
      post(message, body = null) {
        // A transfer list, even an empty one, loads Deno's transfer code into the Worker: 1.1-1.5
        // ms of its thread on first use, where copying a small body costs microseconds.
        if (body instanceof Uint8Array && body.byteLength >= TRANSFER_FROM && owns(body)) {
          scope.postMessage({ message, body }, [body.buffer]);
        } else scope.postMessage({ message, body });
      },
      flush: () => {},
      drain: (then) => then(),
    };
  }
  // The socket's modules are in the bundle itself, not a part loaded on use (compile/bundle.ts):
  // every worker-mode Worker dials, and on Bun a part is not precompiled to bytecode.
  const socket = await connectUnix(boot.socketPath, {
    data: createFrameReader<ToWorker>(({ message, body }) => receive(message, body)),
    // The server is gone or dropped this Worker: nothing left to do.
    close: () => scope.close(),
  });
  const writer = createFrameWriter(socket);
  writer({ t: "hello", workerId: boot.workerId, token: boot.token } satisfies FromWorker);
  return {
    post: (message, body = null) => writer(message, body),
    flush: () => writer.flush(),
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
