/**
 * The globals hoody-exec gives every script. Add one line at the top of a script (or list
 * "hoody-exec/types" in tsconfig's `types`) and editors autocomplete and check them:
 *
 *     /// <reference types="hoody-exec/types" />
 *
 * `validate/script` with `typecheck: true` checks scripts against this same file.
 */

/** `req`: the request as a plain object (SPEC D11). */
interface HoodyRequest {
  method: string;
  /** Path and query, e.g. `/api/users/1?x=2`. */
  url: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** JSON -> value; urlencoded/multipart -> object; text -> string; other -> bytes; empty -> undefined. */
  // deno-lint-ignore no-explicit-any
  body: any;
  /** Alias of `metadata.query`. */
  query: Record<string, string | string[]>;
}

/** `res`: Express-like response helpers; once ended, the script's return value is ignored. */
interface HoodyResponse {
  statusCode: number;
  status(code: number): HoodyResponse;
  setHeader(name: string, value: string | number | readonly string[]): HoodyResponse;
  getHeader(name: string): string | undefined;
  removeHeader(name: string): HoodyResponse;
  writeHead(status: number, headers?: Record<string, string | number>): HoodyResponse;
  write(chunk: unknown): boolean;
  end(chunk?: unknown): HoodyResponse;
  json(value: unknown): HoodyResponse;
  send(value: unknown): HoodyResponse;
  redirect(urlOrStatus: string | number, url?: string): HoodyResponse;
}

/** `metadata`: what the server knows about this execution. */
interface HoodyMetadata {
  executionId: string;
  method: string;
  path: string;
  url: string;
  query: Record<string, string | string[]>;
  /** Route parameters: `[id]` -> string, `[...slug]` -> string[]. */
  parameters: Record<string, string | string[]>;
  clientIp: string;
  headers: Record<string, string>;
  hostname: string;
  execId: string;
  scriptPath: string;
  mode: "worker" | "serverless";
  startedAt: number;
  /** The web-standard request. */
  request: Request;
}

type HoodyData = string | ArrayBuffer | ArrayBufferView;

/** One client's WebSocket (`conn` in every handler). */
interface HoodyConnection {
  readonly id: string;
  /** The upgrade request's metadata (path, query, headers, clientIp…). */
  readonly metadata: HoodyMetadata;
  /** Anything the script keeps for this connection (a name, a user id). */
  data: Record<string, unknown>;
  readonly rooms: ReadonlySet<string>;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  send(data: HoodyData): void;
  close(code?: number, reason?: string): void;
  join(room: string): void;
  leave(room: string): void;
}

/** `ws` in a `@mode worker` + `@websocket true` script: assign the handlers, send, broadcast. */
interface HoodyWebSocket {
  open: ((conn: HoodyConnection) => unknown) | null;
  message: ((conn: HoodyConnection, data: string | Uint8Array) => unknown) | null;
  close: ((conn: HoodyConnection, code: number, reason: string) => unknown) | null;
  error: ((conn: HoodyConnection, error: unknown) => unknown) | null;
  readonly connections: ReadonlyMap<string, HoodyConnection>;
  /** Sends to every open connection (or a room's), but `except`; returns how many got it. */
  broadcast(
    data: HoodyData,
    options?: { room?: string; except?: HoodyConnection | string },
  ): number;
  room(name: string): HoodyConnection[];
}

/** One Server-Sent Event: a string is its data; an object may name the event, its id and retry. */
type HoodySseEvent = string | {
  data?: unknown;
  event?: string;
  id?: string | number;
  retry?: number;
  comment?: string;
};

declare const req: HoodyRequest;
declare const res: HoodyResponse;
declare const metadata: HoodyMetadata;
/** The instance's shared state (worker mode: survives requests; serverless: per request). */
// deno-lint-ignore no-explicit-any
declare const shared: Record<string, any>;
/**
 * The script's WebSocket side. Declared non-null for the scripts that use it: at run time it is
 * null unless the script has `// @mode worker` and `// @websocket true`.
 */
declare const ws: HoodyWebSocket;
/** A `text/event-stream` Response that streams each event as the iterable yields it. */
declare function sse(
  events: AsyncIterable<HoodySseEvent> | Iterable<HoodySseEvent>,
  init?: ResponseInit,
): Response;
/** For edge-style scripts: upgrade this request to a WebSocket, as Deno's `Deno.upgradeWebSocket`. */
declare function upgradeWebSocket(request: Request): { socket: WebSocket; response: Response };
/** In `post.ts`: what the main script (or a short-circuiting `pre`) returned. */
declare const mainResult: unknown;
/** The web-standard request (same as `metadata.request`). */
declare const request: Request;
/** Packages from the scripts root's `node_modules` (installed on first use), built-ins, relative files. */
// deno-lint-ignore no-explicit-any
declare function require(id: string): any;
// deno-lint-ignore no-explicit-any
declare const module: { exports: any };
// deno-lint-ignore no-explicit-any
declare const exports: any;
