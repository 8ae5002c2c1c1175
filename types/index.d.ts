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

/** `ws`: the WebSocket of a `@websocket` script, else undefined. */
interface HoodyWebSocket {
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  readonly readyState: number;
}

declare const req: HoodyRequest;
declare const res: HoodyResponse;
declare const metadata: HoodyMetadata;
/** The instance's shared state (worker mode: survives requests; serverless: per request). */
// deno-lint-ignore no-explicit-any
declare const shared: Record<string, any>;
declare const ws: HoodyWebSocket | undefined;
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
