import type { Bytes, ResponseInfo } from "../protocol/messages.ts";
import type { HoodyResponse } from "../../types/script.d.ts";
import type { Outbound } from "./stream.ts";

/** `res` (docs/scripts.md, `res`): the name the sandbox's call arguments (invoke.ts) use for it. */
export type ScriptResponse = HoodyResponse;

/** Response headers as the script set them: lower-cased names, one or more values each. */
export type HeaderStore = Map<string, string[]>;

const encoder = new TextEncoder();

/**
 * What a request's reply is made of while its scripts run: status, headers and chunks written
 * through `res`. Classes rather than closures: a request allocates two objects, not a closure per
 * method (GC was 40% of a worker-mode request's Worker time on Deno).
 * `open` starts a streamed response: a script still writing (not ended) one turn after its first
 * `res.write` streams from then on; one that ends within the turn answers in one message.
 */
export class ResponseState {
  readonly res: HoodyResponse;
  /** A plain Map instead of a Headers object per response: it is most of `res`'s cost on Deno. */
  readonly headers: HeaderStore = new Map();
  readonly chunks: Bytes[] = [];
  ended = false;
  headersSent = false;
  /** The stream `res.write` opened because the script kept writing past one turn, else null. */
  stream: Outbound | null = null;
  closeListeners: (() => void)[] | null = null;
  #open: (() => Outbound) | null;
  #scheduled = false;
  #onEnd: { promise: Promise<void>; resolve(): void } | null = null;

  constructor(open: (() => Outbound) | null = null) {
    this.#open = open;
    this.res = new ScriptRes(this);
  }

  /** Settles when the script calls `res.end()` (or anything that ends it). Made on first ask. */
  whenEnded(): Promise<void> {
    if (!this.#onEnd) {
      const { promise, resolve } = Promise.withResolvers<void>();
      this.#onEnd = { promise, resolve };
      if (this.ended) resolve();
    }
    return this.#onEnd.promise;
  }

  /** The reply is being sent: a later `res.write` no longer opens a stream. */
  seal(): void {
    this.#open = null;
  }

  setHeader(name: string, value: unknown): void {
    this.headers.set(name.toLowerCase(), [String(value)]);
  }

  write(chunk: unknown): boolean {
    if (this.ended) return false;
    this.headersSent = true;
    if (this.stream) {
      void this.stream.write(toOwnBytes(chunk));
      return !this.stream.full;
    }
    this.chunks.push(toBytes(chunk));
    if (this.#open && !this.#scheduled) {
      this.#scheduled = true;
      setTimeout(() => this.#startStream(), 0);
    }
    return true;
  }

  end(chunk: unknown): void {
    if (this.ended) return;
    if (chunk !== undefined && chunk !== null) {
      if (this.stream) void this.stream.write(toOwnBytes(chunk));
      else this.chunks.push(toBytes(chunk));
    }
    this.headersSent = true;
    this.ended = true;
    this.stream?.end();
    this.#onEnd?.resolve();
  }

  #startStream(): void {
    const open = this.#open;
    if (this.ended || !open) return;
    const stream = this.stream = open();
    stream.start(toResponseInfo(this.res.statusCode, this.headers));
    stream.onCancel(() => {
      this.ended = true;
      this.#onEnd?.resolve();
      for (const listener of this.closeListeners ?? []) listener();
    });
    for (const chunk of this.chunks.splice(0)) void stream.write(chunk);
  }
}

/** The `res` a script holds: its methods write into the request's ResponseState. */
class ScriptRes implements HoodyResponse {
  statusCode = 200;
  readonly #state: ResponseState;

  constructor(state: ResponseState) {
    this.#state = state;
  }
  get headersSent(): boolean {
    return this.#state.headersSent;
  }
  get ended(): boolean {
    return this.#state.ended;
  }
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string | number | readonly string[]): this {
    if (Array.isArray(value)) this.#state.headers.set(name.toLowerCase(), value.map(String));
    else this.#state.setHeader(name, value);
    return this;
  }
  getHeader(name: string): string | undefined {
    return this.#state.headers.get(name.toLowerCase())?.join(", ");
  }
  removeHeader(name: string): this {
    this.#state.headers.delete(name.toLowerCase());
    return this;
  }
  writeHead(status: number, extra?: Record<string, string | number>): this {
    this.statusCode = status;
    for (const [name, value] of Object.entries(extra ?? {})) this.#state.setHeader(name, value);
    this.#state.headersSent = true;
    return this;
  }
  write(chunk: unknown): boolean {
    return this.#state.write(chunk);
  }
  end(chunk?: unknown): this {
    this.#state.end(chunk);
    return this;
  }
  json(value: unknown): this {
    if (!this.#state.headers.has("content-type")) {
      this.#state.setHeader("content-type", "application/json");
    }
    return this.end(JSON.stringify(value));
  }
  send(value: unknown): this {
    const headers = this.#state.headers;
    if (typeof value === "string") {
      if (!headers.has("content-type")) {
        this.#state.setHeader("content-type", "text/html; charset=utf-8");
      }
      return this.end(value);
    }
    if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
      if (!headers.has("content-type")) {
        this.#state.setHeader("content-type", "application/octet-stream");
      }
      return this.end(value);
    }
    return this.json(value);
  }
  redirect(urlOrStatus: string | number, url?: string): this {
    const status = typeof urlOrStatus === "number" ? urlOrStatus : 302;
    this.#state.setHeader("location", typeof urlOrStatus === "string" ? urlOrStatus : url ?? "/");
    this.statusCode = status;
    return this.end();
  }
  on(event: "close", listener: () => void): this {
    if (event === "close") (this.#state.closeListeners ??= []).push(listener);
    return this;
  }
}

// `implements` proves `res` has all of HoodyResponse; this, that scripts see nothing more (a
// public member types/script.d.ts lacks is a compile error here).
type _NothingUndeclared<Extra extends never = Exclude<keyof ScriptRes, keyof HoodyResponse>> =
  Extra;

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

/** Status and headers as the protocol carries them: one pair per header value. */
export function toResponseInfo(status: number, headers: HeaderStore): ResponseInfo {
  const pairs: [string, string][] = [];
  for (const [name, values] of headers) for (const value of values) pairs.push([name, value]);
  return { status, headers: pairs };
}
