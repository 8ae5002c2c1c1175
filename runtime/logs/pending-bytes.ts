/**
 * Log text waiting for its write, encoded as it arrives into large byte chunks: the strings die
 * young, and the garbage collector never copies or promotes a batch of small strings that waits
 * tens of milliseconds (which it did: a writer holding strings cost more than formatting them).
 */
const CHUNK_BYTES = 64 * 1024;
const encoder = new TextEncoder();

export interface PendingBytes {
  /** Encodes `text` (one or more whole lines) after what is waiting. */
  add(text: string): void;
  /** Bytes waiting. */
  readonly size: number;
  /** Everything waiting, as one array; empties it. */
  take(): Uint8Array;
}

export function createPendingBytes(): PendingBytes {
  let full: Uint8Array[] = [];
  let chunk = new Uint8Array(CHUNK_BYTES);
  let used = 0;
  let size = 0;
  return {
    add(text) {
      let rest = text;
      for (;;) {
        const { read, written } = encoder.encodeInto(rest, chunk.subarray(used));
        used += written;
        size += written;
        if (read === rest.length) return;
        // The chunk is full (encodeInto never splits a character): the rest goes to a new one.
        rest = rest.slice(read);
        full.push(chunk.subarray(0, used));
        chunk = new Uint8Array(Math.max(CHUNK_BYTES, rest.length * 3));
        used = 0;
      }
    },
    get size() {
      return size;
    },
    take() {
      const parts = [...full, chunk.subarray(0, used)];
      const all = parts.length === 1 ? parts[0]!.slice() : new Uint8Array(size);
      if (parts.length > 1) {
        let at = 0;
        for (const part of parts) {
          all.set(part, at);
          at += part.byteLength;
        }
      }
      full = [];
      used = 0;
      size = 0;
      return all;
    },
  };
}
