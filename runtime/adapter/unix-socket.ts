/**
 * Unix sockets with the runtime's own API (`Bun.listen`/`Bun.connect`, `Deno.listen`/
 * `Deno.connect`), for the server, the hosts and the Workers. `node:net` costs every Worker that
 * loads it memory (Bun 1.3 -> 2.4 MiB per idle Worker, Deno 7.3 -> 11 MiB) and boot time, and on
 * the server its buffered write was 15% of a worker-mode request's CPU on Bun. Imports nothing, so
 * the sandbox bundle can take it in.
 */
export interface UnixSocket {
  /** Queued in order; never blocks. */
  write(bytes: Uint8Array): void;
  /** Ends the connection once everything written has left, then calls `done`. */
  end(done: () => void): void;
  /** Drops the connection now, unsent bytes and all. */
  destroy(): void;
}

export interface UnixSocketEvents {
  data(chunk: Uint8Array): void;
  /** Called once, however the connection ended. */
  close(): void;
}

export interface UnixListener {
  /** Stops accepting and drops every open connection. */
  close(): void;
}

export function connectUnix(path: string, events: UnixSocketEvents): Promise<UnixSocket> {
  return runtime.Bun
    ? connectBun(runtime.Bun, path, events)
    : connectDeno(runtime.Deno!, path, events);
}

/** Listens on `path`; `open` is called with each connection and returns what to do with it. */
export function listenUnix(
  path: string,
  open: (socket: UnixSocket) => UnixSocketEvents,
): UnixListener {
  const live = new Set<UnixSocket>();
  const track = (socket: UnixSocket): UnixSocketEvents => {
    live.add(socket);
    const events = open(socket);
    return { data: events.data, close: () => (live.delete(socket), events.close()) };
  };
  const stop = runtime.Bun
    ? listenBun(runtime.Bun, path, track)
    : listenDeno(runtime.Deno!, path, track);
  return {
    close() {
      stop();
      for (const socket of live) socket.destroy();
    },
  };
}

interface BunSocket {
  data: BunSocketState | undefined;
  write(bytes: Uint8Array): number;
  end(): void;
  terminate(): void;
}
interface BunSocketState {
  events: UnixSocketEvents;
  /** Writes what waits, after a `drain`. */
  flush(): void;
  closed: boolean;
}
interface BunHandlers {
  open(socket: BunSocket): void;
  data(socket: BunSocket, chunk: Uint8Array): void;
  drain(socket: BunSocket): void;
  close(socket: BunSocket): void;
  error(socket: BunSocket, error: Error): void;
}
interface BunApi {
  connect(options: { unix: string; socket: BunHandlers }): Promise<BunSocket>;
  listen(options: { unix: string; socket: BunHandlers }): { stop(closeActive?: boolean): void };
}
interface DenoConn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
}
interface DenoApi {
  connect(options: { transport: "unix"; path: string }): Promise<DenoConn>;
  listen(options: { transport: "unix"; path: string }): AsyncIterable<DenoConn> & { close(): void };
}

const runtime = globalThis as unknown as { Bun?: BunApi; Deno?: DenoApi };

// Bun calls one set of handlers for every socket; each socket's own state hangs on `socket.data`.
function bunHandlers(start: (socket: BunSocket) => BunSocketState): BunHandlers {
  const closed = (socket: BunSocket) => {
    const state = socket.data;
    if (!state || state.closed) return;
    state.closed = true;
    state.events.close();
  };
  return {
    open: (socket) => void (socket.data = start(socket)),
    data: (socket, chunk) => socket.data?.events.data(chunk),
    drain: (socket) => socket.data?.flush(),
    close: closed,
    error: closed,
  };
}

/** Bun's socket writes what the kernel takes now; the rest waits, in order, for `drain`. */
function bunSocket(socket: BunSocket): { socket: UnixSocket; flush(): void } {
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
  return {
    flush,
    socket: {
      write(bytes) {
        if (unsent.push(bytes) === 1) flush();
      },
      end(done) {
        ending = done;
        flush();
      },
      destroy: () => socket.terminate(),
    },
  };
}

async function connectBun(
  bun: BunApi,
  path: string,
  events: UnixSocketEvents,
): Promise<UnixSocket> {
  let wrapped: UnixSocket | null = null;
  await bun.connect({
    unix: path,
    socket: bunHandlers((raw) => {
      const { socket, flush } = bunSocket(raw);
      wrapped = socket;
      return { events, flush, closed: false };
    }),
  });
  return wrapped!;
}

function listenBun(bun: BunApi, path: string, open: (socket: UnixSocket) => UnixSocketEvents) {
  const listener = bun.listen({
    unix: path,
    socket: bunHandlers((raw) => {
      const { socket, flush } = bunSocket(raw);
      return { events: open(socket), flush, closed: false };
    }),
  });
  return () => listener.stop(true);
}

/** Deno's writes are async and may be partial: chained, so frames stay whole and in order. */
function denoSocket(conn: DenoConn): { socket: UnixSocket; read(events: UnixSocketEvents): void } {
  let writing = Promise.resolve();
  const close = () => {
    try {
      conn.close();
    } catch {
      // Already closed by the other side.
    }
  };
  return {
    socket: {
      write(bytes) {
        writing = writing.then(async () => {
          for (let offset = 0; offset < bytes.byteLength;) {
            offset += await conn.write(bytes.subarray(offset));
          }
        }).catch(() => {});
      },
      end(done) {
        void writing.then(() => {
          close();
          done();
        });
      },
      destroy: close,
    },
    async read(events) {
      // One reused buffer: the frame reader copies whatever it keeps past the call.
      const buffer = new Uint8Array(256 * 1024);
      try {
        for (let n; (n = await conn.read(buffer)) !== null;) events.data(buffer.subarray(0, n));
      } catch {
        // A reset ends the connection like an orderly close.
      }
      events.close();
    },
  };
}

async function connectDeno(
  deno: DenoApi,
  path: string,
  events: UnixSocketEvents,
): Promise<UnixSocket> {
  const { socket, read } = denoSocket(await deno.connect({ transport: "unix", path }));
  void read(events);
  return socket;
}

function listenDeno(deno: DenoApi, path: string, open: (socket: UnixSocket) => UnixSocketEvents) {
  const listener = deno.listen({ transport: "unix", path });
  (async () => {
    try {
      for await (const conn of listener) {
        const { socket, read } = denoSocket(conn);
        void read(open(socket));
      }
    } catch {
      // Closed.
    }
  })();
  return () => listener.close();
}
