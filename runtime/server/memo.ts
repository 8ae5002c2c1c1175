/**
 * A pure string function, remembered: a server sees a handful of distinct Host values, so parsing
 * each once beats parsing it on every request. Bounded all the same (forgets everything past
 * `limit`), since the values come from clients.
 */
export function memoize<T extends string | null>(
  fn: (key: string) => T,
  limit = 1024,
): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    const known = seen.get(key);
    if (known !== undefined) return known;
    const value = fn(key);
    if (seen.size >= limit) seen.clear();
    seen.set(key, value);
    return value;
  };
}
