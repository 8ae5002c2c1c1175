import { concatBytes } from "../protocol/bytes.ts";
import type { Bytes, ErrorInfo, FromWorker, ResponseInfo } from "../protocol/messages.ts";

/** Bytes a Worker sends ahead of what the client has read; past it, the producer waits. */
export const STREAM_WINDOW = 256 * 1024;

/** How often a streamed response's chunks cross the boundary, with the server's acknowledgements. */
export interface Outbound {
  readonly cancelled: boolean;
  /** The window is full: `res.write` returns false then, as Node's does. */
  readonly full: boolean;
  start(response: ResponseInfo): void;
  /** Sends a chunk; resolves once the window has room again (at once while it has). */
  write(bytes: Bytes): Promise<void>;
  end(error?: ErrorInfo): void;
  onCancel(listener: () => void): void;
  /** From the server: the client read this many bytes. */
  ack(bytes: number): void;
  /** From the server: the client went away. */
  cancel(): void;
}

type Post = (message: FromWorker, body?: Bytes | null) => void;

export function createOutbound(id: number, post: Post, done: () => void): Outbound {
  let unacked = 0;
  let ended = false;
  let cancelled = false;
  let waiters: (() => void)[] = [];
  const listeners: (() => void)[] = [];
  const wake = () => {
    const list = waiters;
    waiters = [];
    for (const resolve of list) resolve();
  };
  return {
    get cancelled() {
      return cancelled;
    },
    get full() {
      return unacked >= STREAM_WINDOW;
    },
    start(response) {
      post({ t: "head", id, response });
    },
    write(bytes) {
      if (ended || cancelled) return Promise.resolve();
      if (bytes.byteLength === 0) return Promise.resolve();
      post({ t: "chunk", id }, bytes);
      unacked += bytes.byteLength;
      if (unacked < STREAM_WINDOW) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    end(error) {
      if (ended) return;
      ended = true;
      post(error ? { t: "end", id, error } : { t: "end", id });
      wake();
      done();
    },
    onCancel(listener) {
      listeners.push(listener);
    },
    ack(bytes) {
      unacked = Math.max(0, unacked - bytes);
      if (unacked < STREAM_WINDOW) wake();
    },
    cancel() {
      if (cancelled) return;
      cancelled = true;
      wake();
      for (const listener of listeners) {
        try {
          listener();
        } catch (error) {
          console.error("while cancelling a stream:", error);
        }
      }
    },
  };
}

/** Something a streamed body is read from: a ReadableStream's reader or an async iterator. */
export interface ByteSource {
  next(): Promise<IteratorResult<unknown>>;
  /** Settles once the source has stopped (a generator's `finally` has run); never rejects. */
  cancel(): Promise<void>;
}

export function toByteSource(value: ReadableStream | AsyncIterable<unknown>): ByteSource {
  if (value instanceof ReadableStream) {
    const reader = value.getReader();
    return {
      next: () => reader.read(),
      // A cancelled reader may reject (the stream errored meanwhile): it has stopped either way.
      cancel: () => reader.cancel().catch(() => {}),
    };
  }
  const iterator = value[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    cancel: () => Promise.resolve(iterator.return?.()).then(() => {}, () => {}),
  };
}

const LATER = Symbol("later");

/**
 * Sends a body read from `source`. What the source yields within this turn of the event loop goes
 * as one `result` (a `new Response("text")` costs no more than a string); if it is still producing
 * after that, the head goes out and chunks follow as they come, within the window.
 */
export async function sendBody(
  response: ResponseInfo,
  source: ByteSource,
  answer: (body: Bytes | null) => void,
  open: () => Outbound,
  toBytes: (chunk: unknown) => Bytes,
  toError: (error: unknown) => Promise<ErrorInfo>,
): Promise<void> {
  const parts: Bytes[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = new Promise<typeof LATER>((resolve) => (timer = setTimeout(resolve, 0, LATER)));
  let pending = source.next();
  for (;;) {
    const step = await Promise.race([pending, later]);
    if (step === LATER) break;
    if (step.done) {
      clearTimeout(timer);
      return answer(concatBytes(parts));
    }
    parts.push(toBytes(step.value));
    pending = source.next();
  }
  const out = open();
  out.start(response);
  let stopped: Promise<void> | null = null;
  out.onCancel(() => (stopped = source.cancel()));
  try {
    for (const part of parts) await out.write(part);
    while (!out.cancelled) {
      const step = await pending;
      if (step.done || out.cancelled) break;
      await out.write(toBytes(step.value));
      pending = source.next();
    }
    // A cancelled source finishes its cleanup (a generator's `finally`) before the end goes out:
    // a serverless Worker is terminated as soon as its request ends.
    await stopped;
    out.end();
  } catch (error) {
    await stopped;
    out.end(out.cancelled ? undefined : await toError(error));
  }
}
