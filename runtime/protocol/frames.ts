import type { Socket } from "node:net";
import type { Bytes } from "./messages.ts";

/**
 * Length-prefixed frames over a stream socket: [u32 frame length][u32 JSON length][JSON][body bytes].
 * A body rides as raw bytes after its JSON header, so binary request/response bodies never pay base64.
 */
export interface Frame<T> {
  message: T;
  body: Bytes | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encodeFrame(message: unknown, body: Uint8Array | null): Uint8Array {
  const json = encoder.encode(JSON.stringify(message));
  const bodyLength = body?.byteLength ?? 0;
  const frame = new Uint8Array(8 + json.byteLength + bodyLength);
  const view = new DataView(frame.buffer);
  view.setUint32(0, 4 + json.byteLength + bodyLength);
  view.setUint32(4, json.byteLength);
  frame.set(json, 8);
  if (body) frame.set(body, 8 + json.byteLength);
  return frame;
}

export interface FrameWriter {
  (message: unknown, body?: Uint8Array | null): void;
  /** Writes what is queued now instead of at the end of this turn. */
  flush(): void;
}

/** Collects frames written in one turn of the event loop and sends them as one write (batching doubles throughput). */
export function createFrameWriter(socket: Socket): FrameWriter {
  let queue: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (queue.length === 0) return;
    const chunks = queue;
    queue = [];
    if (chunks.length === 1) socket.write(chunks[0]!);
    else {
      const all = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        all.set(chunk, offset);
        offset += chunk.byteLength;
      }
      socket.write(all);
    }
    size = 0;
  };
  const send = (message: unknown, body: Uint8Array | null = null) => {
    const frame = encodeFrame(message, body);
    if (queue.length === 0) setImmediate(flush);
    queue.push(frame);
    size += frame.byteLength;
  };
  return Object.assign(send, { flush });
}

/** Feeds socket chunks in, calls `onFrame` for every complete frame. */
export function createFrameReader<T>(
  onFrame: (frame: Frame<T>) => void,
): (chunk: Uint8Array) => void {
  let pending: Bytes = new Uint8Array(0);
  return (chunk) => {
    let data: Uint8Array = pending.byteLength === 0 ? chunk : concat(pending, chunk);
    let offset = 0;
    while (data.byteLength - offset >= 4) {
      const view = new DataView(data.buffer, data.byteOffset + offset);
      const length = view.getUint32(0);
      if (data.byteLength - offset - 4 < length) break;
      const jsonLength = view.getUint32(4);
      const start = data.byteOffset + offset + 8;
      const json = decoder.decode(new Uint8Array(data.buffer, start, jsonLength));
      const bodyLength = length - 4 - jsonLength;
      // Copy the body into its own buffer (a socket chunk is a Buffer, whose slice() is only a view):
      // it may be transferred to a Worker, which detaches it.
      const from = offset + 8 + jsonLength;
      const body = bodyLength > 0 ? new Uint8Array(data.subarray(from, from + bodyLength)) : null;
      onFrame({ message: JSON.parse(json) as T, body });
      offset += 4 + length;
    }
    pending = offset === data.byteLength
      ? new Uint8Array(0)
      : new Uint8Array(data.subarray(offset));
    data = pending;
  };
}

function concat(a: Uint8Array, b: Uint8Array): Bytes {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
