import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { presentedToken, tokenMatches } from "../../runtime/server/token.ts";

const basic = (userAndPassword: string) => `Basic ${btoa(userAndPassword)}`;

describe("presentedToken (first present wins: Authorization, then X-Token, then ?token=)", () => {
  const rows: [string, Record<string, string>, string, string | null][] = [
    ["nothing", {}, "", null],
    ["a bearer token", { authorization: "Bearer s3cret" }, "", "s3cret"],
    ["the scheme in any case", { authorization: "bEaReR s3cret" }, "", "s3cret"],
    ["spaces around", { authorization: "  Bearer   s3cret " }, "", "s3cret"],
    ["a bare Bearer", { authorization: "Bearer" }, "", ""],
    ["Basic: the password", { authorization: basic("user:s3cret") }, "", "s3cret"],
    ["Basic: a password with colons", { authorization: basic("u:a:b") }, "", "a:b"],
    ["Basic: no user", { authorization: basic(":s3cret") }, "", "s3cret"],
    ["Basic: not base64", { authorization: "Basic %%%" }, "", ""],
    ["X-Token", { "x-token": "s3cret" }, "", "s3cret"],
    ["the query", {}, "?a=1&token=s3cret", "s3cret"],
    ["an encoded query value", {}, "?token=a%20b", "a b"],
    ["a query without token", {}, "?tokens=1", null],
    // The first source present wins, even when a later one would match.
    ["Bearer before X-Token", { authorization: "Bearer a", "x-token": "b" }, "", "a"],
    ["X-Token before the query", { "x-token": "b" }, "?token=c", "b"],
    ["Bearer before the query", { authorization: "Bearer a" }, "?token=c", "a"],
    // Another scheme is no token: the next source is read.
    ["an unknown scheme falls through", { authorization: "Digest x", "x-token": "b" }, "", "b"],
  ];
  for (const [name, headers, search, expected] of rows) {
    test(`${name} -> ${JSON.stringify(expected)}`, () => {
      const request = new Request("http://localhost/x", { headers });
      assert.equal(presentedToken(request, search), expected);
    });
  }
});

describe("tokenMatches", () => {
  const rows: [string, string | null, boolean][] = [
    ["s3cret", "s3cret", true],
    ["s3cret", "s3cre", false],
    ["s3cret", "s3cret ", false],
    ["s3cret", "S3CRET", false],
    ["s3cret", "", false],
    ["s3cret", null, false],
  ];
  for (const [expected, presented, matches] of rows) {
    test(`${JSON.stringify(presented)} for ${expected} -> ${matches}`, () => {
      assert.equal(tokenMatches(expected, presented), matches);
    });
  }
});
