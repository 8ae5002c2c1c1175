/**
 * A client unix socket with the runtime's own API (`Bun.connect`, `Deno.connect`), for the
 * Workers: `node:net` costs every Worker that loads it memory (Bun 1.3 -> 2.4 MiB per idle Worker,
 * Deno 7.3 -> 11 MiB) and boot time. Imports nothing, so the sandbox bundle can take it in.
 */
export interface UnixSocket {
  /** Queued in order; never blocks. */
  write(bytes: Uint8Array): void;
  /** Ends the connection once everything written has left, then calls `done`. */
  end(done: () => void): void;
}

export interface UnixSocketEvents {
  data(chunk: Uint8Array): void;
  /** Called once, however the connection ended. */
  close(): void;
}

interface BunSocket {
  write(bytes: Uint8Array): number;
  end(): void;
}
interface BunConnect {
  connect(options: {
    unix: string;
    socket: {
      data(socket: BunSocket, chunk: Uint8Array): void;
      drain(socket: BunSocket): void;
      close(socket: BunSocket): void;
      error(socket: BunSocket, error: Error): void;
    };
  }): Promise<BunSocket>;
}
interface DenoConn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
}
interface DenoConnect {
  connect(options: { transport: "unix"; path: string }): Promise<DenoConn>;
}

const runtime = globalThis as unknown as { Bun?: BunConnect; Deno?: DenoConnect };

export function connectUnix(path: string, events: UnixSocketEvents): Promise<UnixSocket> {
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    events.close();
  };
  return runtime.Bun
    ? connectBun(runtime.Bun, path, events, close)
    : connectDeno(runtime.Deno!, path, events, close);
}

/** Bun's socket writes what the kernel takes now; the rest waits, in order, for `drain`. */
async function connectBun(
  bun: BunConnect,
  path: string,
  events: UnixSocketEvents,
  close: () => void,
): Promise<UnixSocket> {
  const unsent: Uint8Array[] = [];
  let ending: (() => void) | null = null;
  const flush = () => {
    while (unsent.length > 0) {
      const bytes = unsent[0]!;
      const written = Math.max(socket.write(bytes), 0);
      if (written < bytes.byteLength) {
        unsent[0] = bytes.subarray(written);
        return;
      }
      unsent.shift();
    }
    const done = ending;
    if (!done) return;
    ending = null;
    socket.end();
    done();
  };
  const socket = await bun.connect({
    unix: path,
    socket: { data: (_socket, chunk) => events.data(chunk), drain: flush, close, error: close },
  });
  return {
    write(bytes) {
      if (unsent.push(bytes) === 1) flush();
    },
    end(done) {
      ending = done;
      flush();
    },
  };
}

/** Deno's writes are async and may be partial: chained, so frames stay whole and in order. */
async function connectDeno(
  deno: DenoConnect,
  path: string,
  events: UnixSocketEvents,
  close: () => void,
): Promise<UnixSocket> {
  const conn = await deno.connect({ transport: "unix", path });
  let writing = Promise.resolve();
  (async () => {
    // One reused buffer: the frame reader copies whatever it keeps past the call.
    const buffer = new Uint8Array(256 * 1024);
    try {
      for (let n; (n = await conn.read(buffer)) !== null;) events.data(buffer.subarray(0, n));
    } catch {
      // A reset ends the connection like an orderly close.
    }
    close();
  })();
  return {
    write(bytes) {
      writing = writing.then(async () => {
        for (let offset = 0; offset < bytes.byteLength;) {
          offset += await conn.write(bytes.subarray(offset));
        }
      }).catch(() => {});
    },
    end(done) {
      void writing.then(() => {
        try {
          conn.close();
        } catch {
          // Already closed by the other side.
        }
        done();
      });
    },
  };
}
