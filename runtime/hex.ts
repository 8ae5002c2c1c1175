/**
 * Random ids and SHA-256 digests as lowercase hex, from Web Crypto (a global on both runtimes).
 * `node:crypto` is not imported anywhere on the server's start path: loading it costs ~17 ms on
 * Bun and ~60 ms on Deno, all of it before the first response.
 */

/** `bytes` random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The SHA-256 of `data` (text as UTF-8) as lowercase hex. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource)));
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
