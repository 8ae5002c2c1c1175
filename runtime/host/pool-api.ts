import type { Adapter, ChildHandle, ServerSocket } from "../adapter/types.ts";
import type {
  Body,
  Bytes,
  ConsoleText,
  FetchInfo,
  Mode,
  RequestInfo,
  ResponseInfo,
  SharedPatch,
  Unit,
} from "../protocol/messages.ts";

/** The Worker pool's contract with the rest of the server (runtime/host/pool.ts implements it). */
export interface PoolOptions {
  adapter: Adapter;
  /** Module every Worker starts from (the bundled sandbox); the hosts boot while it is found. */
  workerUrl: Promise<string>;
  scriptsRoot: string;
  /** A worker-mode host process started already (main.ts): the pool's first host is this one. */
  firstHost?: ChildHandle;
  /** How many host processes share the Workers. */
  size: number;
  /** Ready Workers kept per host, so a serverless request never waits for a spawn while they last. */
  stock: number;
  /** A host condemned for a stuck Worker gets this long to finish its other requests before it is killed. */
  drainMs: number;
  /** A host whose resident memory passes this is killed and replaced (0 = no limit). */
  memoryMb: number;
  /** Worker-mode Workers alive at once; the one idle longest is stopped to make room. */
  maxWorkers: number;
  /** Serverless requests that may wait for a Worker at once; more answer 503 at once. */
  queueLimit: number;
  /** How long a serverless request waits for a Worker before it answers 503 with Retry-After. */
  waitMs: number;
  /** Where the scripts found heavy are kept across starts (heavy-scripts.ts); none: this run only. */
  heavyScriptsFile?: string;
  onPatch(patch: SharedPatch): void;
  /** A script's console lines (`unit`: its Worker's). */
  onConsole(unit: Unit, text: ConsoleText): void;
  snapshot(instance: string): unknown;
  /** Runs a script's relative fetch through the server's own pipeline. */
  onFetch(request: FetchInfo, body: Body | null): Promise<RunOutcome>;
  log(line: string): void;
}

export interface RunOutcome {
  response: ResponseInfo;
  /** Text as the Worker sent it (messages.ts, Body): a Response takes either. */
  body: Body | null;
  /** A streamed body (the Worker sent a head; chunks follow as the client reads). */
  stream?: ReadableStream<Uint8Array>;
  /** An accepted upgrade (status 101): joins the server's socket to the script's Worker. */
  attach?: (socket: ServerSocket) => SocketLink;
}

/**
 * What the server tells the Worker about a client's socket; the Worker acts on it through the
 * adapter's `ServerSocket`, handed over at `attach`.
 */
export interface SocketLink {
  open(): void;
  message(data: Body): void;
  closed(code: number, reason: string): void;
}

/** A Worker going away closes its sockets with this code ("service restart": clients reconnect). */
export const RESTART_CLOSE_CODE = 1012;

export interface WorkerPool {
  /** `upgrade`: the request asks for a WebSocket, with this connection id if the script accepts. */
  run(
    unit: Unit,
    request: RequestInfo,
    body: Bytes | null,
    timeoutMs: number,
    upgrade?: string,
  ): Promise<RunOutcome>;
  broadcast(patch: SharedPatch): void;
  /**
   * Retires the worker-mode Workers of `instance` (every instance's when null): each script gets a
   * fresh Worker, with fresh globals, on its next request; `shared` lives in the server and stays.
   * Returns how many were retired.
   */
  recycle(instance: string | null): number;
  /** Worker-mode Workers alive now. */
  readonly workerModeCount: number;
  /** The host processes alive now (monitoring). */
  hosts(): { pid: number; mode: Mode }[];
  /** Replaces every host process; resolves when the new ones are connected. */
  restart(): Promise<void>;
  close(): Promise<void>;
}
