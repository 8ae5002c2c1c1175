/**
 * A request's headers as `[name, value]` pairs, names in lower case: the server reads them once
 * (server/request-info.ts, `headerPairs`) and the run message carries them to the Worker.
 */

/** A header's value among the pairs (`name` in lower case), as `Headers.get` gives it; else null. */
export function headerOf(pairs: readonly [string, string][], name: string): string | null {
  for (const [key, value] of pairs) if (key === name) return value;
  return null;
}
