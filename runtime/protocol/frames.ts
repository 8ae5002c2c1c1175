import { concatBytes } from "./bytes.ts";
import type { Body } from "./messages.ts";

/**
 * Batched frames over a stream socket. Everything sent in one turn of the event loop goes out as
 * one frame, one write, one text:
 *
 *   [u32 length of the rest][u32 count][count × i32 body size][binary bodies][UTF-8 text]
 *
 * The text is the JSON array of the count messages in order, then the text bodies in order. Binary
 * bodies ride as raw bytes (never base64), text bodies as UTF-8 (never escaped into the JSON): a
 * body's size is its byte length, -1 for none, and -2 - n for text of n UTF-16 units, which the
 * reader slices back out as a string. Under load one JSON.stringify, one encode, one decode and
 * one write serve a whole turn's messages instead of one each.
 */
export interface Frame<T> {
  message: T;
  body: Body | null;
}

const encoder = new TextEncoder();
// A text body may begin with U+FEFF: it is the body's, not a byte order mark to drop.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const NO_BODY = -1;
/** Text of n UTF-16 units has the size TEXT - n. */
const TEXT = -2;

/** Where the text is encoded before it is copied into its frame: reused, unless a batch is huge. */
let scratch = new Uint8Array(64 * 1024);
const SCRATCH_LIMIT = 1024 * 1024;

function scratchFor(room: number): Uint8Array {
  if (room <= scratch.byteLength) return scratch;
  if (room > SCRATCH_LIMIT) return new Uint8Array(room);
  scratch = new Uint8Array(SCRATCH_LIMIT);
  return scratch;
}

/**
 * Frames are cut from a slab rather than made one by one: a Uint8Array costs a Deno thread ~0.5 µs
 * to make at 4 bytes and ~1.7 µs at 4 KB (a turn's frame at 50 connections), a view into one
 * ~0.05. A frame is never written to again once cut, so the socket may hold it as long as its write
 * takes; a slab goes once its last frame has been written. A large frame gets a buffer of its own.
 */
const SLAB_BYTES = 256 * 1024;
let slab = new Uint8Array(0);
let slabUsed = 0;

function frameOf(size: number): Uint8Array {
  if (size > SLAB_BYTES / 4) return new Uint8Array(size);
  if (slabUsed + size > slab.byteLength) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const frame = slab.subarray(slabUsed, slabUsed + size);
  slabUsed += size;
  return frame;
}

function encodeBatch(messages: unknown[], bodies: (Body | null)[]): Uint8Array {
  const count = messages.length;
  let text = JSON.stringify(messages);
  let binaryBytes = 0;
  for (const body of bodies) {
    if (typeof body === "string") text += body;
    else if (body) binaryBytes += body.byteLength;
  }
  // Room for the worst case of UTF-8 (3 bytes per UTF-16 unit); encodeInto says what it used.
  const encoded = scratchFor(text.length * 3);
  const { written } = encoder.encodeInto(text, encoded);
  const head = 8 + 4 * count;
  const frame = frameOf(head + binaryBytes + written);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  view.setUint32(0, frame.byteLength - 4);
  view.setUint32(4, count);
  let offset = head;
  for (let i = 0; i < count; i++) {
    const body = bodies[i] ?? null;
    if (body === null) view.setInt32(8 + 4 * i, NO_BODY);
    else if (typeof body === "string") view.setInt32(8 + 4 * i, TEXT - body.length);
    else {
      view.setInt32(8 + 4 * i, body.byteLength);
      frame.set(body, offset);
      offset += body.byteLength;
    }
  }
  frame.set(encoded.subarray(0, written), offset);
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
      let texts = 0;
      let textUnits = 0;
      for (let i = 0; i < count; i++) {
        const size = view.getInt32(8 + 4 * i);
        if (size === NO_BODY) frameBodies[i] = null;
        else if (size <= TEXT) {
          texts += 1;
          textUnits += TEXT - size;
        } else {
          // A copy of its own (a socket chunk is a Buffer, whose slice() is only a view): a body
          // may be transferred to a Worker, which detaches it.
          frameBodies[i] = new Uint8Array(data.subarray(at, at + size));
          at += size;
        }
      }
      const text = decoder.decode(data.subarray(at, end));
      let textAt = text.length - textUnits;
      const messages = JSON.parse(textUnits === 0 ? text : text.slice(0, textAt)) as T[];
      if (texts > 0) {
        for (let i = 0; i < count; i++) {
          const size = view.getInt32(8 + 4 * i);
          if (size > TEXT) continue;
          frameBodies[i] = text.slice(textAt, textAt + TEXT - size);
          textAt += TEXT - size;
        }
      }
      offset = end;
      for (let i = 0; i < count; i++) onFrame({ message: messages[i]!, body: frameBodies[i]! });
    }
    // Copied, never kept as a view: the runtime may reuse the chunk's memory for the next read.
    rest = offset < data.byteLength ? new Uint8Array(data.subarray(offset)) : null;
  };
}
