const encoder = new TextEncoder();

/** Constant-time string comparison: the time taken says nothing about how much of a guess was right. */
export function safeEqual(expected: string, presented: string): boolean {
  const a = encoder.encode(expected);
  const b = encoder.encode(presented);
  // Every byte of the guess is looked at whatever the lengths, and no early exit on a mismatch.
  let difference = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) difference |= b[i]! ^ (a[i % (a.length || 1)] ?? 0);
  return difference === 0;
}
