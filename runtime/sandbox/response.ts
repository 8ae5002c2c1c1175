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

export interface ResponseState {
  res: ScriptResponse;
  headers: Headers;
  chunks: Bytes[];
  /** Settles when the script calls `res.end()` (or anything that ends it). */
  ended: Promise<void>;
}

const encoder = new TextEncoder();

export function createScriptResponse(): ResponseState {
  const headers = new Headers();
  const chunks: Bytes[] = [];
  const { promise: endedPromise, resolve: markEnded } = Promise.withResolvers<void>();
  let ended = false;
  let headersSent = false;
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
      if (Array.isArray(value)) {
        headers.delete(name);
        for (const v of value) headers.append(name, String(v));
      } else headers.set(name, String(value));
      return res;
    },
    getHeader(name) {
      return headers.get(name) ?? undefined;
    },
    removeHeader(name) {
      headers.delete(name);
      return res;
    },
    writeHead(status, extra) {
      res.statusCode = status;
      for (const [name, value] of Object.entries(extra ?? {})) headers.set(name, String(value));
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
      markEnded();
      return res;
    },
    json(value) {
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
      return res.end(JSON.stringify(value));
    },
    send(value) {
      if (typeof value === "string") {
        if (!headers.has("content-type")) headers.set("content-type", "text/html; charset=utf-8");
        return res.end(value);
      }
      if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
        if (!headers.has("content-type")) headers.set("content-type", "application/octet-stream");
        return res.end(value);
      }
      return res.json(value);
    },
    redirect(urlOrStatus, url) {
      const status = typeof urlOrStatus === "number" ? urlOrStatus : 302;
      headers.set("location", typeof urlOrStatus === "string" ? urlOrStatus : url ?? "/");
      res.statusCode = status;
      return res.end();
    },
  };
  return { res, headers, chunks, ended: endedPromise };
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
  const json = JSON.stringify(value, (_key, v) => typeof v === "bigint" ? v.toString() : v);
  return fromParts(res.statusCode, withType(headers, "application/json"), encoder.encode(json));
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

function withType(headers: Headers, type: string): Headers {
  if (!headers.has("content-type")) headers.set("content-type", type);
  return headers;
}

function fromParts(status: number, headers: Headers, body: Bytes | null): Reply {
  return { response: { status, headers: [...headers] }, body };
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
