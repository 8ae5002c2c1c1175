import { existsSync, mkdtempSync, renameSync, rmSync, watch } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type Adapter,
  lastResortResponse,
  notStarted,
  type RunningServer,
  type ServeOptions,
  type ServerSocket,
  type SocketHandlers,
  type Upgrade,
} from "./types.ts";

interface BunServer {
  port: number;
  stop(closeActive?: boolean): Promise<void>;
  requestIP(request: Request): { address: string } | null;
  upgrade(request: Request, options: { data: SocketHandlers }): boolean;
}
interface BunSocket {
  data: SocketHandlers;
  send(data: string | Uint8Array): number;
  close(code?: number, reason?: string): void;
}
interface BunGlobal {
  /** The commit Bun was built from: bytecode is only valid for the build that wrote it. */
  revision: string;
  build(options: {
    entrypoints: string[];
    outdir: string;
    naming: string;
    format: "cjs";
    target: "bun";
    bytecode: true;
    external: string[];
  }): Promise<{ success: boolean; logs: unknown[] }>;
  serve(options: {
    hostname: string;
    port: number;
    maxRequestBodySize: number;
    idleTimeout: number;
    fetch(request: Request, server: BunServer): Response | Promise<Response>;
    error(error: unknown): Response;
    websocket: {
      maxPayloadLength: number;
      idleTimeout: number;
      backpressureLimit: number;
      closeOnBackpressureLimit: boolean;
      sendPings: boolean;
      perMessageDeflate: boolean;
      open(ws: BunSocket): void;
      message(ws: BunSocket, message: string | Uint8Array): void;
      close(ws: BunSocket, code: number, reason: string): void;
    };
  }): BunServer;
  spawn(
    command: string[],
    options: {
      env: Record<string, string>;
      stdin: "pipe";
      stdout: "inherit";
      stderr: "inherit";
    },
  ): {
    pid: number;
    /** Bun's FileSink. */
    stdin: { write(text: string): void; end(): void };
    exited: Promise<number>;
    signalCode: string | null;
    kill(signal: string): void;
  };
}

/** Returned from fetch after a successful upgrade: Bun has answered 101 already and ignores it. */
const UPGRADED = new Response(null, { status: 200 });

const Bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;

/**
 * A serverless host's Workers live for one request each, so three defaults that pay off
 * over a long life are set off there (CPU per Worker, a tiny Worker spawned and ended two at
 * a time on one core: 4.7 ms with Bun's defaults, 3.3 ms with these; a paced serverless
 * hello, server and hosts, 12.3 -> 10.3 ms with the last two added):
 * - mimalloc hands freed pages back 10 ms after they are freed; with threads coming and
 *   going per request, each hand-back is a TLB shootdown across threads (a serverless hello
 *   at 50 connections: 72 req/s with 10 ms, 124 with never, -1). Never would keep each
 *   idle worker-mode Worker's boot pages (1,000 of them: 2.1 against 1.1 GiB), so
 *   worker-mode hosts keep mimalloc's default.
 * - JSC "warms up" heap blocks for each new VM on a thread of its own (JSCWarmUp): 0.6 ms
 *   of CPU per Worker, for allocations a one-request Worker never makes.
 * - Bun's GC timer collects in every idle VM about once a second: 0.3 ms of CPU a second
 *   for each Worker waiting in the stock. A Worker that is about to end needs none of it.
 */
const SERVERLESS_HOST_TUNING = {
  MIMALLOC_PURGE_DELAY: "-1",
  BUN_JSC_useWarmUpMarkedBlocks: "0",
  BUN_GC_TIMER_DISABLE: "1",
};

/**
 * JSC without its JIT (interpreter only): a VM then starts and ends with ~0.8 ms less CPU (a
 * Worker importing the sandbox's bytecode, spawned and ended in a loop on one core: 2.0-2.4 ->
 * 1.2-1.6 ms; a serverless hello at 50 connections, alternated: 217 -> 254 served a second). Hot
 * loops run ~2.5x slower and WebAssembly ~30x, so the pool moves a script whose request took
 * more CPU than a hello ever does to hosts with the JIT (pool.ts, HEAVY_CPU_MS).
 */
const NO_JIT = { BUN_JSC_useJIT: "0" };

export const bunAdapter: Adapter = {
  name: "bun",
  terminateStopsLoops: true,
  jitlessServerless: true,
  dialingSpares: true,
  serve(options: ServeOptions): Promise<RunningServer> {
    // One for the server's life (its `srv` is this server): not a closure per request.
    let upgrade: Upgrade | undefined;
    const server = Bun.serve({
      hostname: options.hostname,
      port: options.port,
      // Slack above our own limit, so the front's counted read answers a JSON 413 before Bun cuts in.
      maxRequestBodySize: options.maxRequestBodySize + 65_536,
      idleTimeout: 0,
      fetch: (request, srv) => {
        upgrade ??= (req, handlers) => srv.upgrade(req, { data: handlers }) ? UPGRADED : null;
        return options.fetch(request, srv.requestIP(request)?.address ?? "", upgrade);
      },
      error: (error) => {
        console.error("hoody-exec: unhandled error in the request handler:", error);
        return lastResortResponse();
      },
      websocket: {
        maxPayloadLength: options.websocket.maxMessageBytes,
        idleTimeout: options.websocket.idleTimeoutSeconds,
        backpressureLimit: options.websocket.backpressureBytes,
        closeOnBackpressureLimit: true,
        sendPings: true,
        perMessageDeflate: false,
        open: (ws) => ws.data.open(wrap(ws)),
        message: (ws, message) =>
          ws.data.message(typeof message === "string" ? message : new Uint8Array(message)),
        close: (ws, code, reason) => ws.data.close(code, reason),
      },
    });
    return Promise.resolve({ port: server.port, stop: () => server.stop(true) });
  },
  workerOptions() {
    // The host's environment is already scrubbed; Bun has nothing finer to offer.
    return { type: "module" };
  },
  workerEnv: () => null,
  async workerModule(bundleUrl) {
    const bundle = fileURLToPath(bundleUrl);
    const target = bundle.replace(/\.mjs$/, `.bun-${Bun.revision.slice(0, 12)}.js`);
    if (existsSync(target)) return pathToFileURL(target).href;
    // Built aside and moved in bytecode first: a `.js` that exists always has its `.jsc`.
    const aside = mkdtempSync(join(dirname(bundle), ".bytecode-"));
    try {
      const result = await Bun.build({
        entrypoints: [bundle],
        outdir: aside,
        naming: basename(target),
        format: "cjs",
        target: "bun",
        bytecode: true,
        external: ["*"],
      });
      if (!result.success) throw new AggregateError(result.logs, "Bun.build failed");
      renameSync(join(aside, `${basename(target)}.jsc`), `${target}.jsc`);
      renameSync(join(aside, basename(target)), target);
      return pathToFileURL(target).href;
    } catch (error) {
      // Slower to boot, never broken: the Workers load the bundle itself.
      console.error("hoody-exec: could not precompile the Worker sandbox to bytecode:", error);
      return bundleUrl;
    } finally {
      rmSync(aside, { recursive: true, force: true });
    }
  },
  spawnHost(entry, kind, env, jit) {
    const tuning = kind === "worker" ? {} : { ...SERVERLESS_HOST_TUNING, ...(jit ? {} : NO_JIT) };
    try {
      const child = Bun.spawn([process.execPath, entry], {
        env: { ...env, ...tuning },
        stdin: "pipe",
        stdout: "inherit",
        stderr: "inherit",
      });
      return {
        pid: child.pid,
        setup(text) {
          try {
            child.stdin.write(text);
            child.stdin.end();
          } catch {
            // it has exited already: its exit says why
          }
        },
        kill: () => child.kill("SIGKILL"),
        exited: child.exited.then((code) => child.signalCode ?? String(code)),
      };
    } catch (error) {
      return notStarted(error);
    }
  },
  watch(dir, recursive, onChange) {
    const watcher = watch(dir, { recursive }, (_event, file) => onChange(String(file ?? "")));
    return () => watcher.close();
  },
};

function wrap(ws: BunSocket): ServerSocket {
  return {
    send: (data) => void ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
}
