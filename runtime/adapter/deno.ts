import {
  type Adapter,
  lastResortResponse,
  notStarted,
  type RunningServer,
  type ServeOptions,
  type SocketLimits,
  type Upgrade,
} from "./types.ts";

interface DenoServer {
  finished: Promise<void>;
  shutdown(): Promise<void>;
}
interface DenoGlobal {
  serve(
    options: {
      hostname: string;
      port: number;
      onListen(addr: { port: number }): void;
      onError(error: unknown): Response;
    },
    handler: (
      request: Request,
      info: { remoteAddr: { hostname: string } },
    ) => Response | Promise<Response>,
  ): DenoServer;
  watchFs(
    path: string,
    options: { recursive: boolean },
  ): AsyncIterable<{ paths: string[] }> & { close(): void };
  execPath(): string;
  Command: new (exec: string, options: {
    args: string[];
    env: Record<string, string>;
    clearEnv: true;
    stdin: "piped";
    stdout: "inherit";
    stderr: "inherit";
  }) => {
    spawn(): {
      pid: number;
      stdin: WritableStream<Uint8Array>;
      status: Promise<{ code: number; signal: string | null }>;
      kill(signal: string): void;
    };
  };
  upgradeWebSocket(
    request: Request,
    options: { idleTimeout: number },
  ): { socket: WebSocket; response: Response };
}

const Deno = (globalThis as unknown as { Deno: DenoGlobal }).Deno;

/** Packages commonly read these; a serverless Worker may read no other variable. */
const SERVERLESS_ENV = ["NODE_ENV", "NODE_DEBUG", "TZ", "LANG", "DEBUG"] as const;

/**
 * V8 flags of the serverless hosts' processes (worker-mode hosts keep V8's defaults):
 * - `--no-concurrent-recompilation`: V8 compiles hot functions' optimized code on background
 *   threads; a Worker that serves one request and ends mostly throws that work away, and on a busy
 *   core the threads cost more than they save: compiled on the Worker's own thread instead, 50 ->
 *   59-60 served a second at 50 connections on one core (median of 4 alternated runs;
 *   `--single-threaded`, all background tasks off, did no better).
 * - `--no-lazy`: every function is compiled with its module, so Deno's code cache holds all of the
 *   sandbox bundle and a fresh Worker compiles none of the request path itself: 61 -> 69 served a
 *   second at 50 connections (16.4 -> 14.6 ms of CPU each), paced p50 no worse; a script importing
 *   zod as before (44.7 / 43.7 ms each). Worker-mode hosts stay lazy: an eager Worker holds the
 *   bytecode of functions it never calls, for its whole life.
 */
const SERVERLESS_HOST_FLAGS = ["--v8-flags=--no-concurrent-recompilation,--no-lazy"];

export const denoAdapter: Adapter = {
  name: "deno",
  terminateStopsLoops: false,
  jitlessServerless: false,
  dialingSpares: false,
  serve(options: ServeOptions): Promise<RunningServer> {
    // One for every request: it holds nothing of any.
    const upgrade = upgradeWith(options.websocket);
    return new Promise((resolve) => {
      const server = Deno.serve(
        {
          hostname: options.hostname,
          port: options.port,
          // Graceful, but bounded: an endless response (SSE) would otherwise hold the stop forever.
          onListen: ({ port }) =>
            resolve({
              port,
              stop: () =>
                Promise.race([server.shutdown(), new Promise<void>((r) => setTimeout(r, 2000))]),
            }),
          onError: (error) => {
            console.error("hoody-exec: unhandled error in the request handler:", error);
            return lastResortResponse();
          },
        },
        (request, info) => options.fetch(request, info.remoteAddr.hostname, upgrade),
      );
    });
  },
  workerOptions(kind, scriptsRoot) {
    if (kind === "worker") return { type: "module" };
    const permissions = {
      env: [...SERVERLESS_ENV],
      read: true,
      write: [scriptsRoot],
      net: true,
      run: false,
      ffi: false,
      // The host name only: the AI SDK (`@ai true`) reads it when it loads, for a user agent.
      sys: ["hostname"],
    };
    return { type: "module", deno: { permissions } } as WorkerOptions;
  },
  workerEnv: (kind) => (kind === "worker" ? null : SERVERLESS_ENV),
  workerModule: (bundleUrl) => Promise.resolve(bundleUrl),
  spawnHost(entry, kind, env) {
    // The project's deno.json resolves npm packages from node_modules, whatever the cwd is.
    const config = new URL("../../deno.json", import.meta.url).pathname;
    const args = [
      "run",
      "-A",
      "--unstable-worker-options",
      ...(kind === "serverless" ? SERVERLESS_HOST_FLAGS : []),
      "--no-check",
      "--config",
      config,
      entry,
    ];
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args,
        env,
        clearEnv: true,
        stdin: "piped",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
      return {
        pid: child.pid,
        setup(text) {
          const writer = child.stdin.getWriter();
          // A host that died at once: its exit says why.
          writer.write(new TextEncoder().encode(text)).then(() => writer.close()).catch(() => {});
        },
        kill() {
          try {
            child.kill("SIGKILL");
          } catch {
            // it has exited already
          }
        },
        exited: child.status.then(({ code, signal }) => signal ?? String(code)),
      };
    } catch (error) {
      return notStarted(error);
    }
  },
  watch(dir, recursive, onChange) {
    const watcher = Deno.watchFs(dir, { recursive });
    (async () => {
      // Here, not at the top: node:path loads Deno's Node layer, ~12 ms of a host's start.
      const { relative } = await import("node:path");
      for await (const event of watcher) {
        for (const path of event.paths) onChange(relative(dir, path));
      }
    })().catch(() => {}); // the iterator ends with an error once closed
    return () => watcher.close();
  },
};

const encoder = new TextEncoder();

/** Deno.upgradeWebSocket, with the limits Bun.serve has built in (message size, backpressure). */
function upgradeWith(limits: SocketLimits): Upgrade {
  return (request, handlers) => {
    let upgraded: { socket: WebSocket; response: Response };
    try {
      upgraded = Deno.upgradeWebSocket(request, { idleTimeout: limits.idleTimeoutSeconds });
    } catch {
      return null; // not a valid upgrade request: the caller answers 400
    }
    const { socket, response } = upgraded;
    socket.binaryType = "arraybuffer";
    const close = (code?: number, reason?: string) => {
      if (socket.readyState <= WebSocket.OPEN) socket.close(code, reason);
    };
    socket.onopen = () =>
      handlers.open({
        send(data) {
          if (socket.readyState !== WebSocket.OPEN) return;
          socket.send(data);
          if (socket.bufferedAmount > limits.backpressureBytes) {
            close(1013, "the client reads too slowly");
          }
        },
        close,
      });
    socket.onmessage = ({ data }: MessageEvent<string | ArrayBuffer>) => {
      const size = typeof data === "string"
        ? (data.length * 3 > limits.maxMessageBytes ? encoder.encode(data).byteLength : 0)
        : data.byteLength;
      if (size > limits.maxMessageBytes) return close(1009, "message too big");
      handlers.message(typeof data === "string" ? data : new Uint8Array(data));
    };
    socket.onclose = ({ code, reason }: CloseEvent) => handlers.close(code, reason);
    return response;
  };
}
