/**
 * Every message that crosses a boundary: server <-> host process (frames over a unix socket) and
 * host <-> Worker (postMessage). Plain data only; a request or response body travels beside it.
 */
import type { HookInfo } from "./forwarding.ts";
import type { RequestWire } from "./request-wire.ts";
export type Mode = "worker" | "serverless";
export type ScriptShape = "return" | "commonjs" | "esm" | "edge";

/** One compiled module a Worker imports. */
export interface ModuleRef {
  url: string;
  shape: ScriptShape;
  /** Script path relative to the instance folder, for logs and errors. */
  file: string;
  /** Absolute path of the user's file: relative `require`s resolve from it. */
  source: string;
  /** The module calls `require`: the Worker loads node:module for it before running the script. */
  usesRequire: boolean;
  /** The module loads `process` (`node:process`): a worker-mode Worker hooks it before running. */
  importsProcess: boolean;
  /**
   * None of its code can run once its call has returned (compile/analyse.ts): a worker-mode Worker
   * whose modules all say so needs no AsyncLocalStorage to tell its requests apart.
   */
  runsWithinCall: boolean;
  /**
   * The module as a classic script (compile/classic-script.ts), which a Bun Worker evaluates
   * instead of loading `url` (the loader's work, ~0.25 ms of a fresh one); null when it must be
   * loaded. Deno always imports `url` (sandbox/invoke.ts says why).
   */
  classic: string | null;
}

/** Everything a Worker needs to run one script: the main module and its middleware. */
export interface Unit {
  /** Changes whenever any module or setting below changes: a worker-mode Worker is replaced then. */
  key: string;
  instance: string;
  mode: Mode;
  main: ModuleRef;
  pre: ModuleRef | null;
  post: ModuleRef | null;
  awaitPromises: boolean;
  /** `@websocket true` (worker mode only): the script gets the `ws` hub and may accept upgrades. */
  websocket: boolean;
  /** The scripts root: `require` resolves packages from its node_modules only. */
  scriptsRoot: string;
  /** `@log-level`: which of its console lines and access lines reach the log files. */
  logLevel: "none" | "minimal" | "standard" | "verbose" | "debug";
  /** Console lines are also printed on the server's own stdout/stderr (false under `--quiet`). */
  echo: boolean;
  /** Origin a relative `fetch("/x")` goes to: the server itself. */
  selfOrigin: string;
  /** `@ai true`: the AI helpers' settings (the Worker then loads them); null otherwise. */
  ai: AiSettings | null;
  /** The `.env` variables of the script's folder and those above it, added to `process.env`. */
  env: Readonly<Record<string, string>> | null;
}

/** What a `// @ai true` script's helpers call: the server's gateway with the script's settings. */
export interface AiSettings {
  baseUrl: string | null;
  /** `@ai-key`, else the server's key: sent to the gateway only, redacted from what leaves the Worker. */
  key: string | null;
  /** `@ai-model`, else the server's model. */
  model: string | null;
  temperature: number | null;
  maxTokens: number | null;
}

/** The request as a script sees it; the body travels beside the message. */
export interface RequestInfo {
  executionId: string;
  method: string;
  url: string;
  headers: [string, string][];
  clientIp: string;
  hostname: string;
  execId: string;
  scriptPath: string;
  parameters: Record<string, string | string[]>;
  startedAt: number;
  /** A proxy hook's run (runtime/proxy/): the hook and the service it sits in front of. */
  hook?: HookInfo;
}

export type ConsoleLevel = "debug" | "log" | "info" | "warn" | "error";

/**
 * The `console.*` lines of one Worker turn, made in the Worker (protocol/log-line.ts): the server
 * only appends them, and parses no line's fields.
 */
export interface ConsoleText {
  /**
   * The lines the script's `@log-level` keeps, as the execution log stores them: the `console`
   * message's text body, never escaped into the frame's JSON (on Bun that round trip was 6% of a
   * hello's CPU). Text rather than bytes: the frame encodes it with the rest of its text, and the
   * log writer into its pending bytes, where bytes cost the Worker an encode and the server a
   * copy out of the frame: a worker-mode hello that logs a line, 50 connections, alternated runs,
   * Bun 24.84 -> 23.52 and 26.47 -> 24.30 µs of CPU a request; Deno the same within its noise.
   */
  file: string | null;
  /** The server's human log (only when the unit echoes): the lines for stdout, and for stderr. */
  out: string;
  err: string;
}

/** A script's relative `fetch("/path")`, sent to the server to run through its own pipeline. */
export interface FetchInfo {
  method: string;
  url: string;
  headers: [string, string][];
}

export interface ResponseInfo {
  status: number;
  headers: [string, string][];
}

/** An error crossing the boundary, rebuilt on the server side. */
export interface ErrorInfo {
  code: "SCRIPT_ERROR" | "SCRIPT_CRASHED" | "COMPILE_ERROR";
  message: string;
  stack?: string;
  file?: string;
  line?: number;
  column?: number;
}

/** A change to an instance's `shared`, recorded in a Worker and applied in order by the server. */
export type SharedOp =
  | { op: "set"; path: string[]; value: unknown }
  | { op: "delete"; path: string[] };

export interface SharedPatch {
  instance: string;
  /** Worker that made it ("" for the server): that Worker already applied it. */
  origin: string;
  seq: number;
  ops: SharedOp[];
}

/**
 * What a new host process needs, written to its stdin as one JSON line: never in its environment
 * or argv, where a script could read it (`process.env`, `process.argv`, /proc/self/environ).
 */
export interface HostSetup {
  socketPath: string;
  /** Proves the host to the server once; forgotten after the hello. */
  token: string;
  /** Module every Worker starts from. */
  workerUrl: string;
  scriptsRoot: string;
  /** The mode of all its Workers (each mode has hosts of its own). */
  mode: Mode;
  /**
   * The Workers asked of the host before its setup left (a worker-mode host's spare, a serverless
   * host's stock): it starts them at once, while it connects, not after its hello.
   */
  spawns: SpawnWorker[];
}

export type SpawnWorker = Extract<ToHost, { t: "spawn" }>;

// server -> host (control: a host only starts and stops Workers)
export type ToHost =
  /** `direct`: the Worker opens its own socket (worker mode); else it speaks through the host. */
  | { t: "spawn"; workerId: string; token: string; direct: boolean }
  | { t: "terminate"; workerId: string }
  | { t: "to-worker"; workerId: string; message: ToWorker };

// host -> server
export type FromHost =
  | { t: "hello"; token: string }
  | { t: "from-worker"; workerId: string; message: FromWorker }
  /** A Worker speaking through the host ended (Bun tells; on Deno only its `exit` message does). */
  | { t: "worker-exit"; workerId: string };

/**
 * The one message a host gives a new Worker. With a socket path the Worker connects on its own and
 * proves itself with the token; without one it speaks to its host by postMessage, which keeps
 * node:net (9-18 ms per Worker) out of a serverless Worker's boot.
 */
export interface WorkerBoot {
  socketPath: string | null;
  workerId: string;
  token: string;
  /**
   * The environment names this Worker may read, where the runtime enforces such a list (Deno's
   * serverless Workers): `process.env` then lists just these, as on a runtime without the limit.
   */
  env: readonly string[] | null;
}

// server -> Worker (frames over the Worker's own socket)
export type ToWorker =
  /** `rehearse`: a serverless Worker readied ahead of its request runs the request path once first. */
  | { t: "init"; unit: Unit; shared: unknown; rehearse?: boolean }
  /**
   * `upgrade`: the request asks for a WebSocket, which gets this connection id if accepted.
   * `waited`: the request waited in the queue for its serverless Worker, so requests are coming
   * faster than Workers: the Worker ends as soon as it has answered (sandbox/worker-entry.ts).
   */
  | { t: "run"; id: number; request: RequestWire; upgrade?: string; waited?: true }
  | { t: "shared-patch"; patch: SharedPatch }
  | { t: "fetch-result"; id: number; response: ResponseInfo }
  | { t: "ping"; nonce: number }
  /** The client read `bytes` more of a streamed response: the Worker may send that much again. */
  | { t: "ack"; id: number; bytes: number }
  /** The client went away: stop producing the streamed response. */
  | { t: "cancel"; id: number }
  | { t: "ws-open"; conn: string }
  /** A client's message, the body: a string for a text frame, bytes for a binary one. */
  | { t: "ws-message"; conn: string }
  | { t: "ws-closed"; conn: string; code: number; reason: string };

// Worker -> server
export type FromWorker =
  | { t: "hello"; workerId: string; token: string }
  /** Its channel is open (once): a serverless Worker no longer counts against its host's boots. */
  | { t: "ready" }
  /** `cpuMs`: what the request took of a serverless Worker's thread, where the runtime says (Bun). */
  | { t: "result"; id: number; response: ResponseInfo; cpuMs?: number }
  | { t: "error"; id: number; error: ErrorInfo; cpuMs?: number }
  | { t: "shared-patch"; patch: SharedPatch }
  | { t: "fetch"; id: number; request: FetchInfo }
  /** The script called process.exit: the Worker ends once this has left (its requests fail). */
  | { t: "exit"; code: number }
  | { t: "pong"; nonce: number }
  /** A streamed response begins: chunks follow (the body of each), then `end`. */
  | { t: "head"; id: number; response: ResponseInfo }
  | { t: "chunk"; id: number }
  /** The stream is over; with `error` it broke off (the client sees a truncated body). */
  | { t: "end"; id: number; error?: ErrorInfo }
  /** One message to these connections, the body: a string sends a text frame, bytes a binary one. */
  | { t: "ws-send"; conns: string[] }
  | { t: "ws-close"; conn: string; code: number; reason: string }
  /**
   * The console lines of one turn, sent before the Worker's next other message: the execution
   * log's lines are the body, as text (`ConsoleText.file`), the human log's lines ride here.
   */
  | { t: "console"; out: string; err: string };

/** A message and the body beside it, as Worker and host pass them by postMessage. */
export interface Envelope<T> {
  message: T;
  body: Body | null;
}

/** Body bytes as they cross every boundary: always backed by a plain ArrayBuffer. */
export type Bytes = Uint8Array<ArrayBuffer>;

/**
 * A message's body: bytes, or text. Text stays a string from end to end (a script's JSON or string
 * answer into the server's Response, a WebSocket text message either way): the frames carry it as
 * UTF-8 and read it back as a string, so neither side makes a Uint8Array of it (on Deno each costs
 * ~0.3 µs, and its Response copies bytes, ~0.8 µs, where it takes a string for ~0.3).
 */
export type Body = Bytes | string;
