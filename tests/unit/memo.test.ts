import assert from "node:assert/strict";
import { test } from "node:test";
import { memoize } from "../../runtime/server/memo.ts";

test("memoize computes a key once, remembers null answers too, and forgets all past its limit", () => {
  const calls: string[] = [];
  const parse = memoize((key) => {
    calls.push(key);
    return key.startsWith("bad") ? null : key.toUpperCase();
  }, 3);
  const ROWS: [string, string | null][] = [
    ["a", "A"],
    ["a", "A"],
    ["bad", null],
    ["bad", null],
    ["b", "B"],
    ["c", "C"], // the fourth key: the three before are forgotten
    ["a", "A"],
  ];
  for (const [key, expected] of ROWS) assert.equal(parse(key), expected, key);
  assert.deepEqual(calls, ["a", "bad", "b", "c", "a"]);
});
