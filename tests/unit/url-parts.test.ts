import assert from "node:assert/strict";
import { test } from "node:test";
import { splitUrl, type UrlParts } from "../../runtime/protocol/url-parts.ts";

const ROWS: [string, UrlParts | null][] = [
  ["http://localhost:8080/hello", { authority: "localhost:8080", path: "/hello", search: "" }],
  [
    "http://localhost/api/users/1?x=1&y=2",
    { authority: "localhost", path: "/api/users/1", search: "?x=1&y=2" },
  ],
  ["http://[::1]:8080/a?b#c", { authority: "[::1]:8080", path: "/a", search: "?b" }],
  ["http://h/a#frag", { authority: "h", path: "/a", search: "" }],
  ["http://h/a?q=1#frag?x", { authority: "h", path: "/a", search: "?q=1" }],
  ["http://h/", { authority: "h", path: "/", search: "" }],
  // Bun leaves a malformed Host out: the URL is then the bare target.
  ["/p?x=1", { authority: "", path: "/p", search: "?x=1" }],
  ["http://h", null],
  ["hello", null],
  ["", null],
];

test("splitUrl takes authority, path and query from a request URL, and refuses what is not one", () => {
  for (const [url, expected] of ROWS) assert.deepEqual(splitUrl(url), expected, url);
});
