/**
 * How a stored hook takes a request. Apart from the record's schema (hook-record.ts): the store
 * and the front load this at every start, zod only where there are hooks to check.
 */
import type { HookMatch } from "./hook-record.ts";

/** A hook's match, compiled once per stored version of the hook. */
export interface CompiledMatch {
  test(method: string, path: string, headers: Headers): boolean;
}

export function compileMatch(match: HookMatch): CompiledMatch {
  const methods = match.method === undefined
    ? null
    : [match.method].flat().map((m) => m.toUpperCase());
  const anyMethod = methods === null || methods.includes("*");
  const pattern = match.path === undefined ? null : new URLPattern({ pathname: match.path });
  const headers = Object.entries(match.headers ?? {}).map(([n, v]) => [n.toLowerCase(), v]);
  return {
    test(method, path, given) {
      if (!anyMethod && !methods!.includes(method.toUpperCase())) return false;
      if (pattern && !pattern.test({ pathname: path })) return false;
      for (const [name, value] of headers) {
        const actual = given.get(name!);
        if (actual === null || (value !== "*" && actual !== value)) return false;
      }
      return true;
    },
  };
}
