/** Byte helpers shared by the server, the hosts and the sandbox: pure, so any side may import them. */
import type { Body, Bytes } from "./messages.ts";

const encoder = new TextEncoder();

/** Statuses whose response has no body (a `new Response(body, { status })` with one throws). */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304]);

/** The chunks joined in order; one chunk is returned as is, none gives null. */
export function concatBytes<T extends Uint8Array>(chunks: readonly T[]): T | Bytes | null {
  if (chunks.length === 0) return null;
  if (chunks.length === 1) return chunks[0]!;
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** A body as bytes: text as its UTF-8. */
export function bytesOf(body: Body): Bytes {
  return typeof body === "string" ? encoder.encode(body) : body;
}
