/**
 * Hook ids: ULIDs (ulid/spec: 48-bit ms time + 80 random bits in Crockford base32), written in
 * lower case as the original platform's are (SPEC §24: 26-char lowercase ULID). Sorted by creation.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export function createUlid(now = Date.now()): string {
  let time = "";
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
  const random = crypto.getRandomValues(new Uint8Array(16));
  let tail = "";
  for (const byte of random) tail += ALPHABET[byte % 32];
  return time + tail;
}
