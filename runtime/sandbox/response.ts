import type { Bytes, ResponseInfo } from "../protocol/messages.ts";
import { type ByteSource, concatBytes, type Outbound, toByteSource } from "./stream.ts";

/** The Node/Express-style `res` a classic script writes to (SPEC D12). */
export interface ScriptResponse {
  statusCode: number;
  readonly headersSent: boolean;
  readonly ended: boolean;
  status(code: number): ScriptResponse;
  setHeader(name: string, value: string | number | readonly string[]): ScriptResponse;
  getHeader(name: string): string | undefined;
  removeHeader(name: string): ScriptResponse;
  writeHead(status: number, headers?: Record<string, string | number>): ScriptResponse;
  write(chunk: unknown): boolean;
  end(chunk?: unknown): ScriptResponse;
  json(value: unknown): ScriptResponse;
  send(value: unknown): ScriptResponse;
  redirect(urlOrStatus: string | number, url?: string): ScriptResponse;
  /** `"close"`: the client went away while the response was streaming (`write` returns false after). */
  on(event: "close", listener: () => void): ScriptResponse;
}

/** Response headers as the script set them: lower-cased names, one or more values each. */
type HeaderStore = Map<string, string[]>;

export interface ResponseState {
  res: ScriptResponse;
  headers: HeaderStore;
  chunks: Bytes[];
  /** Settles when the script calls `res.end()` (or anything that ends it). Made on first ask. */
  whenEnded(): Promise<void>;
  /** The stream `res.write` opened because the script kept writing past one turn, else null. */
  readonly stream: Outbound | null;
  /** The reply is being sent: a later `res.write` no longer opens a stream. */
  seal(): void;
}

const encoder = new TextEncoder();

/**
 * A plain Map instead of a Headers object per response: it is most of `res`'s cost on Deno.
 * `open` starts a streamed response: a script still writing (not ended) one turn after its first
 * `res.write` streams from then on; one that ends within the turn answers in one message.
 */
export function createScriptResponse(open: (() => Outbound) | null = null): ResponseState {
  const headers: HeaderStore = new Map();
  const chunks: Bytes[] = [];
  let ended = false;
  let headersSent = false;
  let onEnd: { promise: Promise<void>; resolve(): void } | null = null;
  let stream: Outbound | null = null;
  let scheduled = false;
  const closeListeners: (() => void)[] = [];
  const startStream = () => {
    if (ended || !open) return;
    stream = open();
    stream.start(fromParts(res.statusCode, headers, null).response);
    stream.onCancel(() => {
      ended = true;
      onEnd?.resolve();
      for (const listener of closeListeners) listener();
    });
    for (const chunk of chunks.splice(0)) void stream.write(chunk);
  };
  const setHeader = (name: string, value: unknown) =>
    headers.set(name.toLowerCase(), [String(value)]);
  const res: ScriptResponse = {
    statusCode: 200,
    get headersSent() {
      return headersSent;
    },
    get ended() {
      return ended;
    },
    status(code) {
      res.statusCode = code;
      return res;
    },
    setHeader(name, value) {
      if (Array.isArray(value)) headers.set(name.toLowerCase(), value.map(String));
      else setHeader(name, value);
      return res;
    },
    getHeader(name) {
      return headers.get(name.toLowerCase())?.join(", ");
    },
    removeHeader(name) {
      headers.delete(name.toLowerCase());
      return res;
    },
    writeHead(status, extra) {
      res.statusCode = status;
      for (const [name, value] of Object.entries(extra ?? {})) setHeader(name, value);
      headersSent = true;
      return res;
    },
    write(chunk) {
      if (ended) return false;
      headersSent = true;
      if (stream) {
        void stream.write(toOwnBytes(chunk));
        return !stream.full;
      }
      chunks.push(toBytes(chunk));
      if (open && !scheduled) {
        scheduled = true;
        setTimeout(startStream, 0);
      }
      return true;
    },
    end(chunk) {
      if (ended) return res;
      if (chunk !== undefined && chunk !== null) {
        if (stream) void stream.write(toOwnBytes(chunk));
        else chunks.push(toBytes(chunk));
      }
      headersSent = true;
      ended = true;
      stream?.end();
      onEnd?.resolve();
      return res;
    },
    json(value) {
      if (!headers.has("content-type")) setHeader("content-type", "application/json");
      return res.end(JSON.stringify(value));
    },
    send(value) {
      if (typeof value === "string") {
        if (!headers.has("content-type")) setHeader("content-type", "text/html; charset=utf-8");
        return res.end(value);
      }
      if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
        if (!headers.has("content-type")) setHeader("content-type", "application/octet-stream");
        return res.end(value);
      }
      return res.json(value);
    },
    redirect(urlOrStatus, url) {
      const status = typeof urlOrStatus === "number" ? urlOrStatus : 302;
      setHeader("location", typeof urlOrStatus === "string" ? urlOrStatus : url ?? "/");
      res.statusCode = status;
      return res.end();
    },
    on(event, listener) {
      if (event === "close") closeListeners.push(listener);
      return res;
    },
  };
  const whenEnded = () => {
    if (!onEnd) {
      const { promise, resolve } = Promise.withResolvers<void>();
      onEnd = { promise, resolve };
      if (ended) resolve();
    }
    return onEnd.promise;
  };
  return {
    res,
    headers,
    chunks,
    whenEnded,
    get stream() {
      return stream;
    },
    seal: () => (open = null),
  };
}

export function toBytes(chunk: unknown): Bytes {
  if (chunk instanceof Uint8Array && chunk.buffer instanceof ArrayBuffer) return chunk as Bytes;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) {
    return Uint8Array.from(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return encoder.encode(typeof chunk === "string" ? chunk : String(chunk));
}

/** Script-owned bytes are copied before they cross (a transfer would detach the script's buffer). */
export function toOwnBytes(chunk: unknown): Bytes {
  if (ArrayBuffer.isView(chunk)) {
    return Uint8Array.from(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk.slice(0));
  return toBytes(chunk);
}

const upgradeResponses = new WeakSet<Response>();

/** The Response `upgradeWebSocket` returns: answered as 101 (the server completes the upgrade). */
export function markUpgrade(response: Response): Response {
  upgradeResponses.add(response);
  return response;
}

export interface Reply {
  response: ResponseInfo;
  body: Bytes | null;
  /** A body still to be read (a stream, an async iterable, a Response's body): see sendBody. */
  source?: ByteSource;
  /** `res.write` is already streaming it: nothing more to send now. */
  streaming?: boolean;
}

/**
 * Any return value -> status, headers and body bytes (SPEC D12). Once `res` has ended the
 * response, the value is ignored. A ReadableStream, an async iterable or a Response's body becomes
 * a `source`, which the Worker streams (stream.ts).
 */
export function toReply(value: unknown, state: ResponseState): Promise<Reply> | Reply {
  const { res, headers, chunks } = state;
  state.seal();
  if (state.stream) {
    return { response: { status: res.statusCode, headers: [] }, body: null, streaming: true };
  }
  if (res.ended || (value === undefined && chunks.length > 0)) {
    return fromParts(res.statusCode, headers, concatBytes(chunks));
  }
  if (value === undefined || value === null) {
    return fromParts(res.statusCode === 200 ? 204 : res.statusCode, headers, null);
  }
  const asJson = () =>
    fromParts(res.statusCode, withType(headers, "application/json"), encoder.encode(toJson(value)));
  // Plain data first: the checks below name `Response`, and the first use of that global costs a
  // Deno Worker 2-4 ms (its fetch module loads then), most of a serverless request.
  if (isPlainData(value)) return asJson();
  if (typeof value === "string") {
    return fromParts(
      res.statusCode,
      withType(headers, "text/plain; charset=utf-8"),
      encoder.encode(value),
    );
  }
  if (value instanceof Response) {
    if (upgradeResponses.has(value)) return { response: { status: 101, headers: [] }, body: null };
    const response = { status: value.status, headers: [...value.headers] };
    return value.body
      ? { response, body: null, source: toByteSource(value.body) }
      : { response, body: null };
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    return fromParts(res.statusCode, withType(headers, "application/octet-stream"), toBytes(value));
  }
  if (value instanceof Blob) {
    const type = value.type || "application/octet-stream";
    return value.arrayBuffer().then((buffer) =>
      fromParts(res.statusCode, withType(headers, type), new Uint8Array(buffer))
    );
  }
  if (value instanceof ReadableStream || isAsyncIterable(value)) {
    const reply = fromParts(res.statusCode, withType(headers, "text/plain; charset=utf-8"), null);
    return { ...reply, source: toByteSource(value as ReadableStream | AsyncIterable<unknown>) };
  }
  return asJson();
}

/** An object literal or an array (not an async iterable): it can only be answered as JSON. */
function isPlainData(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null || Array.isArray(value)) &&
    !isAsyncIterable(value);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

function withType(headers: HeaderStore, type: string): HeaderStore {
  if (!headers.has("content-type")) headers.set("content-type", [type]);
  return headers;
}

function fromParts(status: number, headers: HeaderStore, body: Bytes | null): Reply {
  const pairs: [string, string][] = [];
  for (const [name, values] of headers) for (const value of values) pairs.push([name, value]);
  return { response: { status, headers: pairs }, body };
}

/** JSON, with BigInt written as a string rather than throwing (the replacer only when needed: it is slow). */
function toJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
  }
}
