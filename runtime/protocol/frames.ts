import { concatBytes } from "./bytes.ts";
import type { Bytes } from "./messages.ts";

/**
 * Batched frames over a stream socket. Everything sent in one turn of the event loop goes out as
 * one frame, one write, one JSON text:
 *
 *   [u32 length of the rest][u32 count][count × i32 body length, -1 for none][bodies][JSON array]
 *
 * The JSON array holds the count messages in order; each body rides as raw bytes (binary request
 * and response bodies never pay base64). Under load one JSON.stringify, one encode and one write
 * serve a whole turn's messages instead of one each.
 */
export interface Frame<T> {
  message: T;
  body: Bytes | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NO_BODY = -1;

/** Where the JSON is encoded before it is copied into its frame: reused, unless a batch is huge. */
let scratch = new Uint8Array(64 * 1024);
const SCRATCH_LIMIT = 1024 * 1024;

function encodeBatch(messages: unknown[], bodies: (Uint8Array | null)[]): Uint8Array {
  const json = JSON.stringify(messages);
  // Room for the worst case of UTF-8 (3 bytes per UTF-16 unit); encodeInto says what it used.
  const room = json.length * 3;
  if (room > scratch.byteLength && room <= SCRATCH_LIMIT) scratch = new Uint8Array(SCRATCH_LIMIT);
  const text = room <= scratch.byteLength ? scratch : new Uint8Array(room);
  const { written } = encoder.encodeInto(json, text);
  const count = messages.length;
  let bodyBytes = 0;
  for (const body of bodies) bodyBytes += body?.byteLength ?? 0;
  const head = 8 + 4 * count;
  const frame = new Uint8Array(head + bodyBytes + written);
  const view = new DataView(frame.buffer);
  view.setUint32(0, frame.byteLength - 4);
  view.setUint32(4, count);
  let offset = head;
  for (let i = 0; i < count; i++) {
    const body = bodies[i];
    view.setInt32(8 + 4 * i, body ? body.byteLength : NO_BODY);
    if (body) {
      frame.set(body, offset);
      offset += body.byteLength;
    }
  }
  frame.set(text.subarray(0, written), offset);
  return frame;
}

export interface FrameWriter {
  (message: unknown, body?: Uint8Array | null): void;
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
  let bodies: (Uint8Array | null)[] = [];
  const flush = () => {
    if (messages.length === 0) return;
    const frame = encodeBatch(messages, bodies);
    messages = [];
    bodies = [];
    socket.write(frame);
  };
  const send = (message: unknown, body: Uint8Array | null = null) => {
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
      const frameBodies: (Bytes | null)[] = new Array(count);
      let at = offset + 8 + 4 * count;
      for (let i = 0; i < count; i++) {
        const length = view.getInt32(8 + 4 * i);
        if (length === NO_BODY) frameBodies[i] = null;
        else {
          // A copy of its own (a socket chunk is a Buffer, whose slice() is only a view): a body
          // may be transferred to a Worker, which detaches it.
          frameBodies[i] = new Uint8Array(data.subarray(at, at + length));
          at += length;
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
