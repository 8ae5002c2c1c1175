import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ServerError } from "../../runtime/errors.ts";
import { checkPath } from "../../runtime/server/path-check.ts";

/** What the front says of a path: passed, refused as a bad path, or refused as bad encoding. */
type Verdict = "ok" | "bad path" | "bad encoding";

function verdictOf(path: string): Verdict {
  try {
    checkPath(path);
    return "ok";
  } catch (error) {
    assert.ok(error instanceof ServerError && error.code === "BAD_REQUEST", String(error));
    return /percent-encoding/.test(error.message) ? "bad encoding" : "bad path";
  }
}

describe("checkPath", () => {
  const rows: [string, Verdict][] = [
    ["/", "ok"],
    ["/api/users/123", "ok"],
    ["/a%20b", "ok"],
    ["/a%2fb", "ok"],
    ["/...", "ok"],
    ["/a..b/c.", "ok"],
    ["/.well-known/x", "ok"],
    // A literal "%" that a first decoding revealed is data, not another layer.
    ["/100%25", "ok"],
    ["/100%2525", "ok"],
    ["/a/../b", "bad path"],
    ["/a/./b", "bad path"],
    ["/..", "bad path"],
    ["/.", "bad path"],
    ["/a/..", "bad path"],
    ["/%2e%2e/etc", "bad path"],
    ["/%2E%2E/etc", "bad path"],
    ["/.%2e/etc", "bad path"],
    // Encoded twice, and more: still found.
    ["/%252e%252e/etc", "bad path"],
    ["/%25252e%25252e/etc", "bad path"],
    ["/a\\b", "bad path"],
    ["/a%5cb", "bad path"],
    ["/a%255cb", "bad path"],
    ["/a%00", "bad path"],
    ["/a%2500", "bad path"],
    ["/a%0d%0ab", "bad path"],
    ["/a%7f", "bad path"],
    ["/a\u0001", "bad path"],
    ["/a%", "bad encoding"],
    ["/a%zz", "bad encoding"],
    ["/%u002e", "bad encoding"],
    ["/%c0%ae", "bad encoding"],
  ];
  for (const [path, expected] of rows) {
    test(`${JSON.stringify(path)} -> ${expected}`, () => {
      assert.equal(verdictOf(path), expected);
    });
  }

  test("a path encoded more times than it is decoded is refused", () => {
    let path = "/a";
    for (let i = 0; i < 9; i++) path = path.replace(/%/g, "%25").replace("/a", "/%61");
    assert.equal(verdictOf(path), "bad path");
  });
});
