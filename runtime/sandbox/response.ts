import type { Bytes, ResponseInfo } from "../protocol/messages.ts";

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
}

/** Response headers as the script set them: lower-cased names, one or more values each. */
type HeaderStore = Map<string, string[]>;

export interface ResponseState {
  res: ScriptResponse;
  headers: HeaderStore;
  chunks: Bytes[];
  /** Settles when the script calls `res.end()` (or anything that ends it). Made on first ask. */
  whenEnded(): Promise<void>;
}

const encoder = new TextEncoder();

// A plain Map instead of a Headers object per response: it is most of `res`'s cost on Deno.
export function createScriptResponse(): ResponseState {
  const headers: HeaderStore = new Map();
  const chunks: Bytes[] = [];
  let ended = false;
  let headersSent = false;
  let onEnd: { promise: Promise<void>; resolve(): void } | null = null;
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
      chunks.push(toBytes(chunk));
      return true;
    },
    end(chunk) {
      if (ended) return res;
      if (chunk !== undefined && chunk !== null) res.write(chunk);
      headersSent = true;
      ended = true;
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
  };
  const whenEnded = () => {
    if (!onEnd) {
      const { promise, resolve } = Promise.withResolvers<void>();
      onEnd = { promise, resolve };
      if (ended) resolve();
    }
    return onEnd.promise;
  };
  return { res, headers, chunks, whenEnded };
}

function toBytes(chunk: unknown): Bytes {
  if (chunk instanceof Uint8Array && chunk.buffer instanceof ArrayBuffer) return chunk as Bytes;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) {
    return Uint8Array.from(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return encoder.encode(typeof chunk === "string" ? chunk : String(chunk));
}

export interface Reply {
  response: ResponseInfo;
  body: Bytes | null;
}

/**
 * Any return value -> status, headers and body bytes (SPEC D12). Once `res` has ended the
 * response, the value is ignored. Streams are read to the end here; true streaming across the
 * Worker boundary is a later step.
 */
export async function toReply(value: unknown, state: ResponseState): Promise<Reply> {
  const { res, headers, chunks } = state;
  if (res.ended || (value === undefined && chunks.length > 0)) {
    return fromParts(res.statusCode, headers, concat(chunks));
  }
  if (value instanceof Response) {
    const body = value.body ? new Uint8Array(await value.arrayBuffer()) : null;
    return { response: { status: value.status, headers: [...value.headers] }, body };
  }
  if (value === undefined || value === null) {
    return fromParts(res.statusCode === 200 ? 204 : res.statusCode, headers, null);
  }
  if (typeof value === "string") {
    return fromParts(
      res.statusCode,
      withType(headers, "text/plain; charset=utf-8"),
      encoder.encode(value),
    );
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    return fromParts(res.statusCode, withType(headers, "application/octet-stream"), toBytes(value));
  }
  if (value instanceof Blob) {
    const type = value.type || "application/octet-stream";
    return fromParts(
      res.statusCode,
      withType(headers, type),
      new Uint8Array(await value.arrayBuffer()),
    );
  }
  if (value instanceof ReadableStream || isAsyncIterable(value)) {
    const parts: Bytes[] = [];
    for await (const chunk of value as AsyncIterable<unknown>) parts.push(toBytes(chunk));
    return fromParts(res.statusCode, withType(headers, "text/plain; charset=utf-8"), concat(parts));
  }
  return fromParts(
    res.statusCode,
    withType(headers, "application/json"),
    encoder.encode(toJson(value)),
  );
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

function concat(chunks: Bytes[]): Bytes | null {
  if (chunks.length === 0) return null;
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
