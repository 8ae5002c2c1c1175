/**
 * Optimistic concurrency for editors (docs/versions.md): a file's entity tag is the SHA-256 hex of
 * its content (scripts/read `hash` and `ETag`); a write that sends `If-Match` with a tag that is
 * no longer current answers 412 and changes nothing.
 */
import { ServerError, validationError } from "../../runtime/errors.ts";

/** The ETag header value of a content hash. */
export function toEtag(hash: string): string {
  return `"${hash}"`;
}

/**
 * An If-Match value as the hashes it accepts, or "*" (any existing file). Takes the header's forms:
 * quoted or bare, `W/` prefixed, a comma list. Pure: 400 when a part is not a hash.
 */
export function parseIfMatch(value: string): "*" | string[] {
  const text = value.trim();
  if (text === "*") return "*";
  const hashes = text.split(",").map((part) =>
    part.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1").toLowerCase()
  );
  if (hashes.length === 0 || hashes.some((h) => !/^[0-9a-f]{64}$/.test(h))) {
    throw validationError(
      "ifMatch",
      "If-Match must be the file's current hash (64 hex digits, the `hash` or ETag scripts/read answers), or *",
    );
  }
  return hashes;
}

/** 412 PRECONDITION_FAILED unless the file's current hash (null: no file) is one `expected` accepts. */
export function requireMatch(
  expected: "*" | string[] | undefined,
  current: string | null,
  shown: string,
): void {
  if (expected === undefined) return;
  if (current === null) {
    throw new ServerError(
      "PRECONDITION_FAILED",
      `${shown} does not exist any more: If-Match named content that is gone (scripts/versions lists it)`,
      { details: { currentHash: null } },
    );
  }
  if (expected === "*" || expected.includes(current)) return;
  throw new ServerError(
    "PRECONDITION_FAILED",
    `${shown} changed since you read it: read it again (its hash is now ${current}), merge, and send that hash in If-Match`,
    { details: { currentHash: current }, headers: { ETag: toEtag(current) } },
  );
}
