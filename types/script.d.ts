/**
 * The script surface: what a script's `req`, `res`, `metadata`, `ws`, `sse`… are. One source for
 * both sides: `index.d.ts` declares the globals in these types for users' editors and
 * `validate --typecheck`, and the sandbox (`runtime/sandbox/`) implements them, so a change to
 * either that the other does not follow is a compile error.
 *
 * A module (it exports), so importing it declares no globals; `import type` only (the sandbox
 * bundle must not load it at run time).
 */

/** `req`: the request as a plain object (docs/scripts.md, `req`). */
export interface HoodyRequest {
  method: string;
  /** Path and query, e.g. `/api/users/1?x=2`. */
  url: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /**
   * JSON -> value (malformed JSON -> its text); urlencoded -> object; multipart -> object of
   * strings and `{ name, type, size, data }` files; text -> string; other -> bytes;
   * empty -> undefined.
   */
  // deno-lint-ignore no-explicit-any
  body: any;
  /** Same as `metadata.query`: a repeated key gives an array. */
  query: Record<string, string | string[]>;
}

/** `res`: Express-like response helpers; once ended, the script's return value is ignored. */
export interface HoodyResponse {
  statusCode: number;
  /** The head is decided: `writeHead`, `write` or `end` was called. */
  readonly headersSent: boolean;
  /** `end` (or `json`, `send`, `redirect`) was called, or the client left a streaming response. */
  readonly ended: boolean;
  status(code: number): HoodyResponse;
  setHeader(name: string, value: string | number | readonly string[]): HoodyResponse;
  /** Several values are joined with `", "`. */
  getHeader(name: string): string | undefined;
  removeHeader(name: string): HoodyResponse;
  writeHead(status: number, headers?: Record<string, string | number>): HoodyResponse;
  /** `false` once ended, and while a streaming response's window is full (backpressure). */
  write(chunk: unknown): boolean;
  end(chunk?: unknown): HoodyResponse;
  json(value: unknown): HoodyResponse;
  send(value: unknown): HoodyResponse;
  redirect(urlOrStatus: string | number, url?: string): HoodyResponse;
  /** `"close"`: the client went away while the response was streaming (`write` returns false after). */
  on(event: "close", listener: () => void): HoodyResponse;
}

/** `metadata`: what the server knows about this execution. */
export interface HoodyMetadata {
  executionId: string;
  method: string;
  path: string;
  /** The absolute URL, e.g. `http://localhost:8080/api/users/1?x=2`. */
  url: string;
  query: Record<string, string | string[]>;
  /** Route parameters: `[id]` -> string, `[...slug]` -> string[]. */
  parameters: Record<string, string | string[]>;
  clientIp: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  hostname: string;
  execId: string;
  scriptPath: string;
  mode: "worker" | "serverless";
  startedAt: number;
  /** The web-standard request (built on first read). */
  readonly request: Request;
  /** Only when the script runs as a proxy hook (docs/proxy-hooks.md); also the global `hook`. */
  hook?: HoodyHook;
}

/** What `hook.forward()` sends: the original request (nothing), a Request, or changes to the original. */
export type HoodyHookForward = Request | (RequestInit & { path?: string });

/** A proxy hook's view of the service it sits in front of (docs/proxy-hooks.md). */
export interface HoodyHook {
  /** The hook record's id. */
  id: string;
  /** The upstream's name, as `--upstream name=URL` gave it. */
  service: string;
  upstream: { name: string; host: string; port: number };
  /**
   * Sends the request to the upstream and resolves to its response, streamed and unencoded:
   * return it as is, or read and rewrite it. Nothing reaches the upstream unless this is called.
   */
  forward(request?: HoodyHookForward): Promise<Response>;
}

/** What a WebSocket sends: text or bytes. */
export type HoodyData = string | ArrayBuffer | ArrayBufferView;

/** One client's WebSocket (`conn` in every handler). */
export interface HoodyConnection {
  readonly id: string;
  /** The upgrade request's metadata (path, query, headers, clientIp…). */
  readonly metadata: HoodyMetadata;
  /** Anything the script keeps for this connection (a name, a user id). */
  data: Record<string, unknown>;
  readonly rooms: ReadonlySet<string>;
  /** 0 connecting, 1 open, 2 closing, 3 closed (as WebSocket.readyState). */
  readonly readyState: number;
  send(data: HoodyData): void;
  close(code?: number, reason?: string): void;
  join(room: string): void;
  leave(room: string): void;
}

/** `ws` in a `@mode worker` + `@websocket true` script: assign the handlers, send, broadcast. */
export interface HoodyWebSocket {
  open: ((conn: HoodyConnection) => unknown) | null;
  message: ((conn: HoodyConnection, data: string | Uint8Array) => unknown) | null;
  close: ((conn: HoodyConnection, code: number, reason: string) => unknown) | null;
  /** A handler threw (without one, the error is logged). */
  error: ((conn: HoodyConnection, error: unknown) => unknown) | null;
  readonly connections: ReadonlyMap<string, HoodyConnection>;
  /** Sends to every open connection (or a room's), but `except`; returns how many got it. */
  broadcast(
    data: HoodyData,
    options?: { room?: string; except?: HoodyConnection | string },
  ): number;
  /** The open connections in a room. */
  room(name: string): HoodyConnection[];
}

/** One Server-Sent Event: a string is its data; an object may name the event, its id and retry. */
export type HoodySseEvent = string | {
  /** Not a string: written as JSON. */
  data?: unknown;
  event?: string;
  id?: string | number;
  retry?: number;
  comment?: string;
};

/** `sse(events, init?)`: a `text/event-stream` Response that streams each event as it is yielded. */
export type HoodySse = (
  events: AsyncIterable<HoodySseEvent> | Iterable<HoodySseEvent>,
  init?: ResponseInit,
) => Response;

/** `upgradeWebSocket(request)`: an edge-style script's upgrade, as Deno's `Deno.upgradeWebSocket`. */
export type HoodyUpgradeWebSocket = (request: Request) => { socket: WebSocket; response: Response };
