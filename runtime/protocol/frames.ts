import { concatBytes } from "./bytes.ts";
import type { Body, Bytes } from "./messages.ts";

/**
 * Batched frames over a stream socket. Everything sent in one turn of the event loop goes out as
 * one frame, one write, one JSON text:
 *
 *   [u32 length of the rest][u32 count][count × i32 body size][bodies][JSON array]
 *
 * The JSON array holds the count messages in order; each body rides as raw bytes (binary request
 * and response bodies never pay base64, text is never escaped into the JSON). A body's size is
 * its byte length, -1 for none, and -2 - n for text of n UTF-8 bytes, which the reader gives back
 * as a string. Under load one JSON.stringify, one encode and one write serve a whole turn's
 * messages instead of one each.
 */
export interface Frame<T> {
  message: T;
  body: Body | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NO_BODY = -1;
/** Text of n bytes has the size TEXT - n. */
const TEXT = -2;

/**
 * Where text bodies and the JSON are encoded before they are copied into their frame: reused,
 * unless a batch is huge (a Uint8Array of their own each would cost a Deno thread ~0.3 µs).
 */
let scratch = new Uint8Array(64 * 1024);
const SCRATCH_LIMIT = 1024 * 1024;

function scratchFor(room: number): Uint8Array {
  if (room <= scratch.byteLength) return scratch;
  if (room > SCRATCH_LIMIT) return new Uint8Array(room);
  scratch = new Uint8Array(SCRATCH_LIMIT);
  return scratch;
}

function encodeBatch(messages: unknown[], bodies: (Body | null)[]): Uint8Array {
  const json = JSON.stringify(messages);
  const count = messages.length;
  // Room for the worst case of UTF-8 (3 bytes per UTF-16 unit); encodeInto says what it used.
  let room = json.length * 3;
  for (const body of bodies) if (typeof body === "string") room += body.length * 3;
  const encoded = scratchFor(room);
  // The texts first, in order, then the JSON; each body's size as the frame states it.
  const sizes = new Array<number>(count);
  let used = 0;
  let bodyBytes = 0;
  for (let i = 0; i < count; i++) {
    const body = bodies[i] ?? null;
    if (body === null) {
      sizes[i] = NO_BODY;
    } else if (typeof body === "string") {
      const { written } = encoder.encodeInto(body, encoded.subarray(used));
      used += written;
      bodyBytes += written;
      sizes[i] = TEXT - written;
    } else {
      bodyBytes += body.byteLength;
      sizes[i] = body.byteLength;
    }
  }
  const { written } = encoder.encodeInto(json, encoded.subarray(used));
  const head = 8 + 4 * count;
  const frame = new Uint8Array(head + bodyBytes + written);
  const view = new DataView(frame.buffer);
  view.setUint32(0, frame.byteLength - 4);
  view.setUint32(4, count);
  let offset = head;
  let text = 0;
  for (let i = 0; i < count; i++) {
    const size = sizes[i]!;
    view.setInt32(8 + 4 * i, size);
    if (size <= TEXT) {
      const end = text + TEXT - size;
      frame.set(encoded.subarray(text, end), offset);
      offset += end - text;
      text = end;
    } else if (size > 0) {
      frame.set(bodies[i] as Bytes, offset);
      offset += size;
    }
  }
  frame.set(encoded.subarray(used, used + written), offset);
  return frame;
}

export interface FrameWriter {
  (message: unknown, body?: Body | null): void;
  /** Writes what is queued now instead of at the end of this turn. */
  flush(): void;
}

/** Anything frames can be written to: a `UnixSocket` (adapter/unix-socket.ts). */
export interface ByteSink {
  write(bytes: Uint8Array): unknown;
}

/** Collects the messages sent in one turn of the event loop and writes them as one frame. */
export function createFrameWriter(socket: ByteSink): FrameWriter {
  let messages: unknown[] = [];
  let bodies: (Body | null)[] = [];
  const flush = () => {
    if (messages.length === 0) return;
    const frame = encodeBatch(messages, bodies);
    messages = [];
    bodies = [];
    socket.write(frame);
  };
  const send = (message: unknown, body: Body | null = null) => {
    // setImmediate runs after this turn's I/O callbacks, so the turn's messages share a frame.
    if (messages.push(message) === 1) setImmediate(flush);
    bodies.push(body);
  };
  return Object.assign(send, { flush });
}

/** Feeds socket chunks in, calls `onFrame` for every message of every complete frame. */
export function createFrameReader<T>(
  onFrame: (frame: Frame<T>) => void,
): (chunk: Uint8Array) => void {
  let rest: Uint8Array | null = null; // an incomplete frame carried over to the next chunk
  return (chunk) => {
    const data = rest ? concatBytes([rest, chunk])! : chunk;
    let offset = 0;
    while (data.byteLength - offset >= 4) {
      const view = new DataView(data.buffer, data.byteOffset + offset);
      const end = offset + 4 + view.getUint32(0);
      if (end > data.byteLength) break;
      const count = view.getUint32(4);
      const frameBodies: (Body | null)[] = new Array(count);
      let at = offset + 8 + 4 * count;
      for (let i = 0; i < count; i++) {
        const size = view.getInt32(8 + 4 * i);
        if (size === NO_BODY) frameBodies[i] = null;
        else if (size <= TEXT) {
          frameBodies[i] = decoder.decode(data.subarray(at, at + TEXT - size));
          at += TEXT - size;
        } else {
          // A copy of its own (a socket chunk is a Buffer, whose slice() is only a view): a body
          // may be transferred to a Worker, which detaches it.
          frameBodies[i] = new Uint8Array(data.subarray(at, at + size));
          at += size;
        }
      }
      const messages = JSON.parse(decoder.decode(data.subarray(at, end))) as T[];
      offset = end;
      for (let i = 0; i < count; i++) onFrame({ message: messages[i]!, body: frameBodies[i]! });
    }
    // Copied, never kept as a view: the runtime may reuse the chunk's memory for the next read.
    rest = offset < data.byteLength ? new Uint8Array(data.subarray(offset)) : null;
  };
}
