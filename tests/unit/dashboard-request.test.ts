/**
 * The request panel's pure helpers: the page host → instance rule agrees with the server's
 * (routing/instance.ts) on every host, the link to another instance's dashboard reaches that
 * instance, and route patterns fill, URLs build and bodies classify as the panel shows them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseInstanceId } from "../../routing/instance.ts";
import { dashboardFor, hostInstance } from "../../management/dashboard/app/host.ts";
import {
  bodyKind,
  fillPattern,
  patternParams,
  prettyJson,
  requestUrl,
  sizeOf,
} from "../../management/dashboard/app/panels/request/url.ts";

const DEFAULT = "default-instance";

/** Page hosts and the instance each names (null: none, the server's default answers). */
const HOSTS: [string, string | null][] = [
  ["127.0.0.1:3000", null],
  ["localhost:8080", null],
  ["localhost", null],
  ["[::1]:8080", null],
  ["example.com", null],
  ["exec-2.localhost:3000", "2"],
  ["EXEC-2.localhost", "2"],
  ["exec-my_inst.localhost", "my_inst"],
  ["abc-def-exec-2.example.com", "2"],
  ["abc-def-exec-2.containers.hoody.com:443", "2"],
  ["sub.exec-2.localhost", "2"],
  ["foo.abc-exec-2.example.com:8443", "2"],
  ["a.b.exec-2.localhost", null],
  ["myexec-2.localhost", null],
  ["foo.myexec-2.localhost", null],
  ["exec-.localhost", null],
  ["exec-foo-bar.localhost", null],
  ["exec-a.b-exec-3.com", "a"],
  ["exec-2x!.localhost", null],
  ["exec-_hoody.localhost", "_hoody"],
];

describe("the page host's instance", () => {
  for (const [host, id] of HOSTS) {
    test(`${host} → ${id ?? "the default"}`, () => {
      assert.equal(hostInstance(host), id);
      // The same answer as the server's own rule.
      assert.equal(hostInstance(host) ?? DEFAULT, parseInstanceId(host, DEFAULT));
    });
  }
});

const LINKS: [string, string, string, string][] = [
  ["http:", "127.0.0.1:3000", "2", "http://exec-2.localhost:3000/api/v1/exec/ui/#request"],
  ["http:", "localhost:8080", "7", "http://exec-7.localhost:8080/api/v1/exec/ui/#request"],
  ["http:", "[::1]:8080", "2", "http://exec-2.localhost:8080/api/v1/exec/ui/#request"],
  ["http:", "exec-2.localhost:3000", "1", "http://exec-1.localhost:3000/api/v1/exec/ui/#request"],
  [
    "https:",
    "abc-exec-2.example.com",
    "3",
    "https://abc-exec-3.example.com/api/v1/exec/ui/#request",
  ],
  [
    "https:",
    "foo.abc-exec-2.example.com:8443",
    "x_y",
    "https://foo.abc-exec-x_y.example.com:8443/api/v1/exec/ui/#request",
  ],
  ["https:", "example.com", "2", "https://exec-2.example.com/api/v1/exec/ui/#request"],
];

describe("the link to another instance's dashboard", () => {
  for (const [protocol, host, id, url] of LINKS) {
    test(`${host} → instance ${id}`, () => {
      assert.equal(dashboardFor({ protocol, host }, id), url);
      assert.equal(parseInstanceId(new URL(url).host, DEFAULT), id);
    });
  }
});

describe("route patterns, URLs and bodies", () => {
  test("a pattern's parameters, with how many segments each takes", () => {
    assert.deepEqual(patternParams("/api/users/:id"), [{ name: "id", repeat: "" }]);
    assert.deepEqual(patternParams("/blog/:year/:month"), [
      { name: "year", repeat: "" },
      { name: "month", repeat: "" },
    ]);
    assert.deepEqual(patternParams("/docs/:slug+"), [{ name: "slug", repeat: "+" }]);
    assert.deepEqual(patternParams("/pages/:path*"), [{ name: "path", repeat: "*" }]);
    assert.deepEqual(patternParams("/hello"), []);
  });

  const FILLS: [string, Record<string, string>, string][] = [
    ["/api/users/:id", { id: "42" }, "/api/users/42"],
    ["/api/users/:id", { id: "a b/c" }, "/api/users/a%20b%2Fc"],
    ["/api/users/:id", {}, "/api/users/:id"],
    ["/blog/:year/:month", { year: "2024" }, "/blog/2024/:month"],
    ["/docs/:slug+", { slug: "a/b c" }, "/docs/a/b%20c"],
    ["/docs/:slug+", { slug: "/a//b/" }, "/docs/a/b"],
    ["/docs/:slug+", {}, "/docs/:slug+"],
    ["/pages/:path*", {}, "/pages"],
    ["/pages/:path*", { path: "x/y" }, "/pages/x/y"],
    ["/:path*", {}, "/"],
    ["/hello", {}, "/hello"],
  ];
  for (const [pattern, values, path] of FILLS) {
    test(`${pattern} with ${JSON.stringify(values)} → ${path}`, () => {
      assert.equal(fillPattern(pattern, values), path);
    });
  }

  test("the URL: a leading slash, the path's own query kept, named rows appended", () => {
    assert.equal(requestUrl("hello", []), "/hello");
    assert.equal(requestUrl(" /hello ", [["name", "ann lee"]]), "/hello?name=ann+lee");
    assert.equal(requestUrl("/hello?a=1", [["b", "2"], ["", "skipped"]]), "/hello?a=1&b=2");
    assert.equal(requestUrl("/x", [["tag", "a"], ["tag", "b"]]), "/x?tag=a&tag=b");
    assert.equal(requestUrl("//evil.example/x", []), "/evil.example/x");
    assert.equal(requestUrl("/a b", []), "/a%20b");
  });

  test("bodies: JSON pretty-printed, text as it comes, binary only counted", () => {
    assert.equal(bodyKind("application/json;charset=utf-8"), "json");
    assert.equal(bodyKind("application/problem+json"), "json");
    assert.equal(bodyKind("application/x-ndjson"), "text");
    assert.equal(bodyKind("text/event-stream"), "text");
    assert.equal(bodyKind("text/plain; charset=utf-8"), "text");
    assert.equal(bodyKind(null), "text");
    assert.equal(bodyKind("image/png"), "binary");
    assert.equal(bodyKind("application/octet-stream"), "binary");
    assert.equal(prettyJson('{"a":[1]}'), '{\n  "a": [\n    1\n  ]\n}');
    assert.equal(prettyJson("not json"), "not json");
    assert.equal(sizeOf(812), "812 B");
    assert.equal(sizeOf(4300), "4.2 KiB");
  });
});
