/** If-Match parsing and the 412 rule, as tables. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ServerError } from "../../runtime/errors.ts";
import { parseIfMatch, requireMatch, toEtag } from "../../management/versions/if-match.ts";

const A = "a".repeat(64);
const B = "0123456789abcdef".repeat(4);

test("parseIfMatch takes the header's forms and refuses what is not a hash", () => {
  const ROWS: [string, "*" | string[]][] = [
    [A, [A]],
    [`"${A}"`, [A]],
    [`W/"${A}"`, [A]],
    [toEtag(B), [B]],
    [B.toUpperCase(), [B]],
    [` "${A}" , ${B} `, [A, B]],
    ["*", "*"],
    [" * ", "*"],
  ];
  for (const [value, parsed] of ROWS) assert.deepEqual(parseIfMatch(value), parsed, value);
  for (const bad of ["", "abc", `${A}0`, `"${A}`.slice(0, 40), `${A},`, "*,*", "sha256:" + A]) {
    assert.throws(() => parseIfMatch(bad), (error: ServerError) => {
      assert.equal(error.code, "VALIDATION_ERROR");
      assert.equal(error.details?.field, "ifMatch");
      return true;
    }, bad);
  }
});

test("requireMatch passes only a current hash, and 412 says what is current", () => {
  const PASS: [ReturnType<typeof parseIfMatch> | undefined, string | null][] = [
    [undefined, null],
    [undefined, A],
    [[A], A],
    [[B, A], A],
    ["*", A],
  ];
  for (const [expected, current] of PASS) requireMatch(expected, current, "1/x.ts");
  const FAIL: [ReturnType<typeof parseIfMatch>, string | null][] = [
    [[A], B],
    [[A], null],
    ["*", null],
  ];
  for (const [expected, current] of FAIL) {
    assert.throws(() => requireMatch(expected, current, "1/x.ts"), (error: ServerError) => {
      assert.equal(error.code, "PRECONDITION_FAILED");
      assert.equal(error.status, 412);
      assert.equal(error.details?.currentHash, current);
      assert.match(error.message, /^1\/x\.ts /);
      if (current) assert.ok(error.message.includes(current));
      return true;
    });
  }
});
