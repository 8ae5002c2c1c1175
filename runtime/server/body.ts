import { concatBytes } from "../protocol/bytes.ts";
import type { Bytes } from "../protocol/messages.ts";
import { ServerError } from "../errors.ts";

/** Reads a request body up to `max` bytes; more answers 413 before any script runs (Content-Length or chunked). */
export async function readBody(request: Request, max: number): Promise<Bytes | null> {
  if (!request.body) return null;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > max) throw tooLarge(max);
  const chunks: Bytes[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  return total === 0 ? null : concatBytes(chunks);
}

function tooLarge(max: number): ServerError {
  return new ServerError(
    "PAYLOAD_TOO_LARGE",
    `The request body is larger than ${max} bytes (--max-body-bytes)`,
  );
}
