import { timingSafeEqual } from "node:crypto";

const encoder = new TextEncoder();

/** Constant-time string comparison: the time taken says nothing about how much of a guess was right. */
export function safeEqual(expected: string, presented: string): boolean {
  const a = encoder.encode(expected);
  const b = encoder.encode(presented);
  // Compare against itself when lengths differ, so the time spent does not depend on the guess.
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(a, a), false);
}
