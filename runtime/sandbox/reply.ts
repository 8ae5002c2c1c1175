/** A script's return value -> the reply the Worker sends: status, headers, a body or a source. */
import type { Body, ResponseInfo } from "../protocol/messages.ts";
import { concatBytes } from "../protocol/bytes.ts";
import { type HeaderStore, type ResponseState, toBytes, toResponseInfo } from "./response.ts";
import { type ByteSource, toByteSource } from "./stream.ts";

const upgradeResponses = new WeakSet<Response>();

/** The Response `upgradeWebSocket` returns: answered as 101 (the server completes the upgrade). */
export function markUpgrade(response: Response): Response {
  upgradeResponses.add(response);
  return response;
}

export interface Reply {
  response: ResponseInfo;
  /** Text (JSON, a string) stays a string: the server's Response takes it as one (messages.ts, Body). */
  body: Body | null;
  /** A body still to be read (a stream, an async iterable, a Response's body): see sendBody. */
  source?: ByteSource;
  /** `res.write` is already streaming it: nothing more to send now. */
  streaming?: boolean;
}

/**
 * Any return value -> status, headers and body bytes (docs/scripts.md, What a script returns). Once `res` has ended the
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
    fromParts(res.statusCode, withType(headers, "application/json"), toJson(value));
  // Plain data first: the checks below name `Response`, and the first use of that global costs a
  // Deno Worker 2-4 ms (its fetch module loads then), most of a serverless request.
  if (isPlainData(value)) return asJson();
  if (typeof value === "string") {
    return fromParts(res.statusCode, withType(headers, "text/plain; charset=utf-8"), value);
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
  // `ai.stream(…)` / `streamText(…)`: the text as it comes (docs/ai.md).
  const textStream = textStreamOf(value);
  if (textStream) {
    const reply = fromParts(res.statusCode, withType(headers, "text/plain; charset=utf-8"), null);
    return { ...reply, source: toByteSource(textStream) };
  }
  return asJson();
}

/** The `textStream` of an AI SDK stream result, or null. */
function textStreamOf(value: unknown): ReadableStream | null {
  if (typeof value !== "object" || value === null || !("textStream" in value)) return null;
  const stream = (value as { textStream: unknown }).textStream;
  return stream instanceof ReadableStream ? stream : null;
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

function fromParts(status: number, headers: HeaderStore, body: Body | null): Reply {
  return { response: toResponseInfo(status, headers), body };
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
