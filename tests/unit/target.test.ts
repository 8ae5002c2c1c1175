import assert from "node:assert/strict";
import { test } from "node:test";
import { splitTarget } from "../../runtime/server/pipeline.ts";

const ROWS: [string, { path: string; search: string } | null][] = [
  ["http://localhost:8080/hello", { path: "/hello", search: "" }],
  ["http://localhost/api/users/1?x=1&y=2", { path: "/api/users/1", search: "?x=1&y=2" }],
  ["http://[::1]:8080/a?b#c", { path: "/a", search: "?b" }],
  ["http://h/a#frag", { path: "/a", search: "" }],
  ["http://h/a?q=1#frag?x", { path: "/a", search: "?q=1" }],
  ["http://h/", { path: "/", search: "" }],
  // Bun leaves a malformed Host out: the URL is then the bare target.
  ["/p?x=1", { path: "/p", search: "?x=1" }],
  ["http://h", null],
  ["hello", null],
  ["", null],
];

test("splitTarget takes path and query from the request URL, and refuses what is not one", () => {
  for (const [url, expected] of ROWS) {
    if (expected === null) assert.throws(() => splitTarget(url), /malformed/, url);
    else assert.deepEqual(splitTarget(url), expected, url);
  }
});
