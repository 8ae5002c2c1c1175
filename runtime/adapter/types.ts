/** The only runtime-specific surface: everything else in hoody-exec is web-standard. */
export interface ServeOptions {
  hostname: string;
  port: number;
  maxRequestBodySize: number;
  /** `upgrade` turns this request into a WebSocket (see Upgrade); a wrapper that drops it serves plain HTTP. */
  fetch(request: Request, clientIp: string, upgrade?: Upgrade): Response | Promise<Response>;
  websocket: SocketLimits;
}

/**
 * The answer when the handler itself throws (a bug): our JSON error, never the runtime's own page.
 * Both adapters install it as the runtime's last-resort error handler.
 */
export function lastResortResponse(): Response {
  return Response.json({ error: "Internal Server Error", code: "INTERNAL" }, { status: 500 });
}

/** spawnHost's answer when the process could not start at all (a missing executable, no memory). */
export function notStarted(error: unknown): ChildHandle {
  const why = error instanceof Error ? error.message : String(error);
  return {
    pid: 0,
    setup: () => {},
    kill: () => {},
    exited: Promise.resolve(`it could not start: ${why}`),
  };
}

export interface SocketLimits {
  /** A message larger than this closes its socket with 1009. */
  maxMessageBytes: number;
  /** Pings go out on a quiet socket; one that stays silent this long is closed. */
  idleTimeoutSeconds: number;
  /** Bytes queued for one slow client before its socket is closed (memory stays bounded). */
  backpressureBytes: number;
}

/**
 * Upgrades `request` (the one `fetch` got) to a WebSocket driven by `handlers`. Returns the
 * Response `fetch` must return as is, or null when the request is not a valid upgrade.
 */
export type Upgrade = (request: Request, handlers: SocketHandlers) => Response | null;

/** One server-side WebSocket's events, called on the server thread. */
export interface SocketHandlers {
  open(socket: ServerSocket): void;
  message(data: string | Uint8Array<ArrayBuffer>): void;
  close(code: number, reason: string): void;
}

export interface ServerSocket {
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
}

export interface RunningServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** A process spawnHost started. */
export interface ChildHandle {
  /** 0 when it could not start. */
  readonly pid: number;
  /** Writes `text` to its standard input and closes it; nothing if it has exited. */
  setup(text: string): void;
  /** SIGKILL; nothing once it has exited. */
  kill(): void;
  /** Resolves once it has exited: the name of the signal that ended it, its exit code, or why it never started. */
  readonly exited: Promise<string>;
}

export interface Adapter {
  readonly name: "bun" | "deno";
  /** Whether `worker.terminate()` stops a Worker busy in a synchronous loop (Bun: yes; Deno: no). */
  readonly terminateStopsLoops: boolean;
  /**
   * Whether serverless hosts may run without a JIT (`spawnHost`'s `jit` false). Bun: a JSC VM
   * with its JIT on costs ~0.8 ms more CPU to start and end, and a serverless Worker is a VM
   * that serves one request; its script rarely runs long enough for the JIT to pay that back.
   * Deno: no (V8 without a JIT has no WebAssembly).
   */
  readonly jitlessServerless: boolean;
  /**
   * Whether a serverless Worker may open its own socket to the server (a warm spare readied in
   * idle time does, serverless.ts). Bun: yes. Deno: no, a serverless Worker would need write
   * permission on the socket's path, and a script could remove it.
   */
  readonly dialingSpares: boolean;
  serve(options: ServeOptions): Promise<RunningServer>;
  /**
   * Starts `entry` (a TypeScript file) in a new process of this runtime as a host of Workers of
   * this kind: exactly `env` as its environment (plus the runtime tuning such a host wants), its
   * output on ours, its standard input open for `ChildHandle.setup`. Never throws: a process that
   * cannot start is one that exited at once. The runtime's own spawn, not node:child_process,
   * which took 10-13 ms of the server's thread on Bun (Bun.spawn: 0.6 ms) and 12-25 ms on Deno
   * (Deno.Command: 4 ms), plus its import, all before the first response. `jit` false: a
   * serverless host without a JIT (only where `jitlessServerless`).
   */
  spawnHost(
    entry: string,
    kind: "worker" | "serverless",
    env: Record<string, string>,
    jit: boolean,
  ): ChildHandle;
  /**
   * Options for a new Worker. Serverless Workers get the least the runtime can grant: on Deno
   * no environment (but a few harmless names), writes only under the scripts root, no
   * subprocesses, FFI or system info; Bun has no per-Worker permissions.
   */
  workerOptions(kind: "worker" | "serverless", scriptsRoot: string): WorkerOptions;
  /** The environment names such a Worker may read, or null when it may read all of it. */
  workerEnv(kind: "worker" | "serverless"): readonly string[] | null;
  /**
   * The module every Worker starts from, made from the sandbox bundle (a `file:` URL). Bun gets
   * it precompiled to bytecode beside the bundle: a fresh Worker then skips parsing it, about a
   * quarter of a serverless request. Deno caches compiled code itself and gets the bundle as is.
   */
  workerModule(bundleUrl: string): Promise<string>;
  /**
   * Calls `onChange` with a path relative to `dir` whenever something below it changes (`recursive`:
   * at any depth, else only its own entries).
   */
  watch(dir: string, recursive: boolean, onChange: (relative: string) => void): () => void;
}
